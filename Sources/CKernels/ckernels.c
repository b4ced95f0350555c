#include "ckernels.h"
#include <math.h>

/* One plain loop, compiled twice: for the x86-64 baseline (SSE) and for AVX, the copy chosen at run time
   (target_clones). -fno-math-errno lets sqrtf become the packed square root; -ffp-contract=off keeps every operation
   separately rounded, so both copies and the Swift code they replace compute the same bits. */
#if defined(__x86_64__) && defined(__clang__)
__attribute__((target_clones("avx", "default")))
#endif
void vaetop_adam_update(float *restrict p, const float *restrict g, float *restrict m, float *restrict v, ptrdiff_t lo,
                        ptrdiff_t hi, float ob1, float b2, float ob2, float stepSize, float bc2Sqrt, float eps) {
    for (ptrdiff_t i = lo; i < hi; i++) {
        float gi = g[i];
        float mi = m[i] + (gi - m[i]) * ob1;
        float vi = v[i] * b2 + ob2 * gi * gi;
        m[i] = mi;
        v[i] = vi;
        p[i] = p[i] - stepSize * mi / (sqrtf(vi) / bc2Sqrt + eps);
    }
}
