/*
 * 2-D strided copy and transpose of float64 rectangles. Extents are checked by the caller (dsfabric_stream.c
 * checks them again against the arrays' lengths before calling): nothing here reads or writes outside
 * src[0 .. (rows-1)*src_stride + cols) and the matching dst range.
 *
 * The transpose works on 8x8 micro tiles held in vector registers (AVX-512: eight zmm rows; AVX2: four 4x4
 * quarters), visited in DSF_TBLOCK x DSF_TBLOCK blocks so that the source and destination lines a block
 * touches (32 rows of 256 bytes each side) stay in L1 and the TLB while it is done. 32 measured best on a
 * Zen 5 for 8192 x 4096 (power-of-two strides, the worst case for cache sets): 25 GB/s against 16-18 GB/s
 * for 16 and 64. The instruction set is chosen per call with __builtin_cpu_supports; other targets use the
 * portable blocked loop.
 */
#include "dsfabric_vm.h"

#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(DSF_PORTABLE_TRANSPOSE)
#include <immintrin.h>
#define DSF_X86 1
#endif
#ifndef DSF_TRANSPOSE_ISA /* tests force one: 2 avx512f, 1 avx2 */
#define DSF_TRANSPOSE_ISA 2
#endif

#ifndef DSF_TBLOCK
#define DSF_TBLOCK 32
#endif

void dsf_copy_rect(const double *src, int64_t ss, double *dst, int64_t ds, int64_t rows, int64_t cols) {
  if (rows <= 0 || cols <= 0) return;
  if (rows == 1 || (ss == cols && ds == cols)) {
    memmove(dst, src, sizeof(double) * (size_t)(rows * cols)); /* one contiguous run */
    return;
  }
  for (int64_t i = 0; i < rows; i++) memmove(dst + i * ds, src + i * ss, sizeof(double) * (size_t)cols);
}

/* The portable kernel, also used for the ragged edges of the vector kernels. */
static void transpose_scalar(const double *src, int64_t ss, double *dst, int64_t ds, int64_t i0, int64_t i1,
                             int64_t j0, int64_t j1) {
  for (int64_t i = i0; i < i1; i++)
    for (int64_t j = j0; j < j1; j++) dst[j * ds + i] = src[i * ss + j];
}

#ifdef DSF_X86
/* Streaming (non-temporal) stores skip the read-for-ownership of each destination line and keep a large
 * result from evicting the source: an 8192 x 8192 transpose drops from 43 ms to 29 ms (Zen 5). Only for
 * results bigger than this, since a smaller one is better left in cache for whoever reads it next. */
#define DSF_STREAM_BYTES (16 << 20)

/* Each tile kernel stores with `nt` (aligned streaming stores; the caller checked alignment) or plainly. */
#define DSF_ST512(p, v) (nt ? _mm512_stream_pd((p), (v)) : _mm512_storeu_pd((p), (v)))
#define DSF_ST256(p, v) (nt ? _mm256_stream_pd((p), (v)) : _mm256_storeu_pd((p), (v)))

__attribute__((target("avx512f"))) static inline void tile8_avx512(const double *s, int64_t ss, double *d,
                                                                    int64_t ds, int nt) {
  __m512d r0 = _mm512_loadu_pd(s), r1 = _mm512_loadu_pd(s + ss), r2 = _mm512_loadu_pd(s + 2 * ss),
          r3 = _mm512_loadu_pd(s + 3 * ss), r4 = _mm512_loadu_pd(s + 4 * ss), r5 = _mm512_loadu_pd(s + 5 * ss),
          r6 = _mm512_loadu_pd(s + 6 * ss), r7 = _mm512_loadu_pd(s + 7 * ss);
  /* Pairs of rows interleaved within 128-bit lanes: t0 = a0 b0 | a2 b2 | a4 b4 | a6 b6, t1 = a1 b1 | ... */
  __m512d t0 = _mm512_unpacklo_pd(r0, r1), t1 = _mm512_unpackhi_pd(r0, r1);
  __m512d t2 = _mm512_unpacklo_pd(r2, r3), t3 = _mm512_unpackhi_pd(r2, r3);
  __m512d t4 = _mm512_unpacklo_pd(r4, r5), t5 = _mm512_unpackhi_pd(r4, r5);
  __m512d t6 = _mm512_unpacklo_pd(r6, r7), t7 = _mm512_unpackhi_pd(r6, r7);
  /* Lanes {0,2} and {1,3} of two such vectors: u0 = a0b0 a4b4 c0d0 c4d4, u1 = a2b2 a6b6 c2d2 c6d6, ... */
  const int even = 0 | 2 << 2 | 0 << 4 | 2 << 6, odd = 1 | 3 << 2 | 1 << 4 | 3 << 6;
  __m512d u0 = _mm512_shuffle_f64x2(t0, t2, even), u1 = _mm512_shuffle_f64x2(t0, t2, odd);
  __m512d u2 = _mm512_shuffle_f64x2(t1, t3, even), u3 = _mm512_shuffle_f64x2(t1, t3, odd);
  __m512d u4 = _mm512_shuffle_f64x2(t4, t6, even), u5 = _mm512_shuffle_f64x2(t4, t6, odd);
  __m512d u6 = _mm512_shuffle_f64x2(t5, t7, even), u7 = _mm512_shuffle_f64x2(t5, t7, odd);
  /* Once more across u0/u4 etc.: column c of the tile as one vector. */
  DSF_ST512(d, _mm512_shuffle_f64x2(u0, u4, even));
  DSF_ST512(d + 4 * ds, _mm512_shuffle_f64x2(u0, u4, odd));
  DSF_ST512(d + 2 * ds, _mm512_shuffle_f64x2(u1, u5, even));
  DSF_ST512(d + 6 * ds, _mm512_shuffle_f64x2(u1, u5, odd));
  DSF_ST512(d + 1 * ds, _mm512_shuffle_f64x2(u2, u6, even));
  DSF_ST512(d + 5 * ds, _mm512_shuffle_f64x2(u2, u6, odd));
  DSF_ST512(d + 3 * ds, _mm512_shuffle_f64x2(u3, u7, even));
  DSF_ST512(d + 7 * ds, _mm512_shuffle_f64x2(u3, u7, odd));
}

__attribute__((target("avx2"))) static inline void tile4_avx2(const double *s, int64_t ss, double *d,
                                                               int64_t ds, int nt) {
  __m256d r0 = _mm256_loadu_pd(s), r1 = _mm256_loadu_pd(s + ss), r2 = _mm256_loadu_pd(s + 2 * ss),
          r3 = _mm256_loadu_pd(s + 3 * ss);
  __m256d t0 = _mm256_unpacklo_pd(r0, r1), t1 = _mm256_unpackhi_pd(r0, r1); /* a0 b0 a2 b2 | a1 b1 a3 b3 */
  __m256d t2 = _mm256_unpacklo_pd(r2, r3), t3 = _mm256_unpackhi_pd(r2, r3);
  DSF_ST256(d, _mm256_permute2f128_pd(t0, t2, 0x20));
  DSF_ST256(d + ds, _mm256_permute2f128_pd(t1, t3, 0x20));
  DSF_ST256(d + 2 * ds, _mm256_permute2f128_pd(t0, t2, 0x31));
  DSF_ST256(d + 3 * ds, _mm256_permute2f128_pd(t1, t3, 0x31));
}

/* Quarters in the order that completes destination lines (rows 0-3, then 4-7), which streaming stores
 * need to combine into full-line writes. */
__attribute__((target("avx2"))) static inline void tile8_avx2(const double *s, int64_t ss, double *d,
                                                               int64_t ds, int nt) {
  tile4_avx2(s, ss, d, ds, nt);
  tile4_avx2(s + 4 * ss, ss, d + 4, ds, nt);
  tile4_avx2(s + 4, ss, d + 4 * ds, ds, nt);
  tile4_avx2(s + 4 * ss + 4, ss, d + 4 * ds + 4, ds, nt);
}

/*
 * Where the vector tiles start: i0 (source rows) so that every tile's destination lines are 64-byte aligned,
 * when dst_stride is a multiple of 8, and likewise j0 (source columns) for the source lines. A misaligned
 * destination splits each 8-value store over two cache lines, the second half written only by the next
 * strip of tiles; with power-of-two strides the line is evicted in between and read twice (measured: an
 * 8192 x 8192 transpose takes 80 ms instead of 43 ms on a Zen 5 when dst is 16 bytes off alignment).
 */
static int64_t align_start(const double *p, int64_t stride, int64_t extent) {
  if (stride % 8 != 0) return 0;
  int64_t skip = (int64_t)((8 - ((uintptr_t)p / sizeof(double)) % 8) % 8);
  return skip < extent ? skip : extent;
}

/* One blocked walk per instruction set, so that the tile kernel inlines into it. The rows and columns
 * outside the aligned multiple-of-8 region are done by transpose_scalar. */
#define DSF_TRANSPOSE_WALK(NAME, TARGET, TILE8)                                                              \
  __attribute__((target(TARGET))) static void NAME(const double *src, int64_t ss, double *dst, int64_t ds,   \
                                                   int64_t rows, int64_t cols) {                           \
    const int64_t i0 = align_start(dst, ds, rows), j0 = align_start(src, ss, cols);                          \
    const int64_t i1 = i0 + ((rows - i0) & ~(int64_t)7), j1 = j0 + ((cols - j0) & ~(int64_t)7);             \
    const int nt = ds % 8 == 0 && rows * cols * (int64_t)sizeof(double) >= DSF_STREAM_BYTES;                \
    for (int64_t ib = i0; ib < i1; ib += DSF_TBLOCK) {                                                       \
      const int64_t ie = ib + DSF_TBLOCK < i1 ? ib + DSF_TBLOCK : i1;                                        \
      for (int64_t jb = j0; jb < j1; jb += DSF_TBLOCK) {                                                     \
        const int64_t je = jb + DSF_TBLOCK < j1 ? jb + DSF_TBLOCK : j1;                                      \
        for (int64_t i = ib; i < ie; i += 8)                                                                 \
          for (int64_t j = jb; j < je; j += 8) TILE8(src + i * ss + j, ss, dst + j * ds + i, ds, nt);        \
      }                                                                                                      \
    }                                                                                                        \
    if (nt) _mm_sfence(); /* streaming stores are weakly ordered: publish them before returning */          \
    transpose_scalar(src, ss, dst, ds, 0, i0, 0, cols);                                                      \
    transpose_scalar(src, ss, dst, ds, i1, rows, 0, cols);                                                   \
    transpose_scalar(src, ss, dst, ds, i0, i1, 0, j0);                                                       \
    transpose_scalar(src, ss, dst, ds, i0, i1, j1, cols);                                                    \
  }
DSF_TRANSPOSE_WALK(transpose_avx512, "avx512f", tile8_avx512)
DSF_TRANSPOSE_WALK(transpose_avx2, "avx2", tile8_avx2)
#endif

static void transpose_blocked(const double *src, int64_t ss, double *dst, int64_t ds, int64_t rows,
                              int64_t cols) {
  for (int64_t ib = 0; ib < rows; ib += DSF_TBLOCK / 2) {
    const int64_t ie = ib + DSF_TBLOCK / 2 < rows ? ib + DSF_TBLOCK / 2 : rows;
    for (int64_t jb = 0; jb < cols; jb += DSF_TBLOCK / 2) {
      const int64_t je = jb + DSF_TBLOCK / 2 < cols ? jb + DSF_TBLOCK / 2 : cols;
      transpose_scalar(src, ss, dst, ds, ib, ie, jb, je);
    }
  }
}

void dsf_transpose_rect(const double *src, int64_t ss, double *dst, int64_t ds, int64_t rows, int64_t cols) {
  if (rows <= 0 || cols <= 0) return;
#ifdef DSF_X86
  /* A load and a bit test (libgcc fills the CPU model at load time). */
  if (DSF_TRANSPOSE_ISA >= 2 && __builtin_cpu_supports("avx512f")) {
    transpose_avx512(src, ss, dst, ds, rows, cols);
    return;
  }
  if (__builtin_cpu_supports("avx2")) {
    transpose_avx2(src, ss, dst, ds, rows, cols);
    return;
  }
#endif
  transpose_blocked(src, ss, dst, ds, rows, cols);
}
