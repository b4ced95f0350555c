#ifndef VAETOP_CKERNELS_H
#define VAETOP_CKERNELS_H
#include <stddef.h>

/// Adam's update of p[lo..<hi] from g, with m and v updated in place (no AMSGrad): the arithmetic of `Adam.step`,
/// one IEEE operation at a time in the same order (m + (g − m)·(1 − β1); v·β2 + ((1 − β2)·g)·g;
/// p − (s·m) / (√v / √bc2 + ε)), so the result is bit for bit the same, with packed square roots and divisions (SSE,
/// or AVX chosen at run time), which Swift's SIMD8 left to one scalar square root per element.
void vaetop_adam_update(float *p, const float *g, float *m, float *v, ptrdiff_t lo, ptrdiff_t hi,
                        float ob1, float b2, float ob2, float stepSize, float bc2Sqrt, float eps);
#endif
