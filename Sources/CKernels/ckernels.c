#include "ckernels.h"
#include <math.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>
/// The same update eight lanes at a time, on CPUs with AVX (chosen at run time; every lane's operations are the SSE
/// path's, so the result does not depend on which runs).
__attribute__((target("avx")))
static ptrdiff_t adam_avx(float *p, const float *g, float *m, float *v, ptrdiff_t lo, ptrdiff_t hi,
                          float ob1, float b2, float ob2, float stepSize, float bc2Sqrt, float eps) {
    const __m256 vob1 = _mm256_set1_ps(ob1), vb2 = _mm256_set1_ps(b2), vob2 = _mm256_set1_ps(ob2);
    const __m256 vss = _mm256_set1_ps(stepSize), vbc2 = _mm256_set1_ps(bc2Sqrt), veps = _mm256_set1_ps(eps);
    ptrdiff_t i = lo;
    for (; i + 8 <= hi; i += 8) {
        __m256 gi = _mm256_loadu_ps(g + i), mi = _mm256_loadu_ps(m + i), vi = _mm256_loadu_ps(v + i);
        mi = _mm256_add_ps(mi, _mm256_mul_ps(_mm256_sub_ps(gi, mi), vob1));
        vi = _mm256_add_ps(_mm256_mul_ps(vi, vb2), _mm256_mul_ps(_mm256_mul_ps(vob2, gi), gi));
        _mm256_storeu_ps(m + i, mi);
        _mm256_storeu_ps(v + i, vi);
        __m256 denom = _mm256_add_ps(_mm256_div_ps(_mm256_sqrt_ps(vi), vbc2), veps);
        _mm256_storeu_ps(p + i, _mm256_sub_ps(_mm256_loadu_ps(p + i), _mm256_div_ps(_mm256_mul_ps(vss, mi), denom)));
    }
    return i;
}
#endif

void vaetop_adam_update(float *p, const float *g, float *m, float *v, ptrdiff_t lo, ptrdiff_t hi,
                        float ob1, float b2, float ob2, float stepSize, float bc2Sqrt, float eps) {
    ptrdiff_t i = lo;
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    if (__builtin_cpu_supports("avx")) i = adam_avx(p, g, m, v, lo, hi, ob1, b2, ob2, stepSize, bc2Sqrt, eps);
#endif
#if defined(__SSE2__)
    const __m128 vob1 = _mm_set1_ps(ob1), vb2 = _mm_set1_ps(b2), vob2 = _mm_set1_ps(ob2);
    const __m128 vss = _mm_set1_ps(stepSize), vbc2 = _mm_set1_ps(bc2Sqrt), veps = _mm_set1_ps(eps);
    for (; i + 4 <= hi; i += 4) {   /* what AVX left (or all of it without AVX) */
        __m128 gi = _mm_loadu_ps(g + i), mi = _mm_loadu_ps(m + i), vi = _mm_loadu_ps(v + i);
        mi = _mm_add_ps(mi, _mm_mul_ps(_mm_sub_ps(gi, mi), vob1));
        vi = _mm_add_ps(_mm_mul_ps(vi, vb2), _mm_mul_ps(_mm_mul_ps(vob2, gi), gi));
        _mm_storeu_ps(m + i, mi);
        _mm_storeu_ps(v + i, vi);
        __m128 denom = _mm_add_ps(_mm_div_ps(_mm_sqrt_ps(vi), vbc2), veps);
        _mm_storeu_ps(p + i, _mm_sub_ps(_mm_loadu_ps(p + i), _mm_div_ps(_mm_mul_ps(vss, mi), denom)));
    }
#endif
    for (; i < hi; i++) {
        float gi = g[i];
        m[i] += (gi - m[i]) * ob1;
        v[i] = v[i] * b2 + ob2 * gi * gi;
        p[i] -= stepSize * m[i] / (sqrtf(v[i]) / bc2Sqrt + eps);
    }
}
