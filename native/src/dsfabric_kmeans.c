/*
 * KMeans' assignment step on one row strip, fused with the Lloyd accumulation (scikit-learn's
 * `lloyd_iter_chunked_dense` does the same in chunks of 256 rows; here the "chunk" is 4 rows whose
 * distances never leave registers and a k-value buffer). For each row: x·c for every centre, the centre
 * minimising ||c||² - 2 x·c (ties to the lowest index), then, when asked, the row added into its centre's
 * sums and count, its squared distance Σ (x - c)² into that centre's inertia, and that squared distance
 * written out per row (what k-means|| samples by).
 *
 * The loops of src/core/kernels/ml/kMeansAssign.ts compute the same values in the same order, so both
 * backends give the same bits: every x·c is summed over the features in order (a multiply, then an add:
 * the addon is built with -ffp-contract=off), vectorised across centres (8 centres a vector, padded with
 * zero centres), not across features; the sums add rows in order; each squared distance is summed over the
 * features in order (4 rows at a time, one chain each, for the latency). The instruction set is chosen
 * per call (AVX-512, AVX2, else the compiler's default) and does not change any value.
 */
#define NAPI_VERSION 8
#include <node_api.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsfabric_kmeans.h"

#define MAX_ARGS 9
#define MAX_SAFE 9007199254740991.0 /* 2^53 - 1 */
#define LANES 8                     /* centres per vector */
#define GROUP 4                     /* rows whose distances are computed together */

typedef double v8d __attribute__((vector_size(LANES * sizeof(double))));

typedef struct {
  int64_t rows, k, m, parts, chunks; /* chunks = ceil(k / LANES) */
  const double *const *x;            /* parts blocks, rows x cols[p] row-major */
  const int64_t *cols;
  const double *centres; /* k x m row-major */
  const double *packed;  /* chunks x m x LANES: packed[(h * m + t) * LANES + l] = centre h * LANES + l, feature t */
  const double *norms;   /* ||c||², k */
  double *dist;          /* GROUP x chunks * LANES scratch */
  int32_t *labels;       /* rows */
  double *partial;       /* k x (m + 2) or NULL */
  bool inertia;          /* add the squared distances into the partial's last column */
  double *distances;     /* rows (each row's squared distance to its centre) or NULL */
} km_job;

/* The closest centre from the k values ||c||² - 2 x·c (v[c] holds x·c): the first minimum. */
static inline int32_t argmin_row(const double *dot, const double *norms, int64_t k) {
  int32_t best = 0;
  double best_value = norms[0] - 2 * dot[0];
  for (int64_t c = 1; c < k; c++) {
    const double v = norms[c] - 2 * dot[c];
    const bool lower = v < best_value;
    best = lower ? (int32_t)c : best;
    best_value = lower ? v : best_value;
  }
  return best;
}

/* Adds rows [i0, i0 + count) into their centres' sums and counts (with a partial), and their squared
 * distances into the centres' inertia or out per row (when asked). */
static inline void accumulate(const km_job *job, int64_t i0, int64_t count) {
  const int64_t m = job->m, width = m + 2;
  double *p = job->partial;
  double total[GROUP] = {0};
  for (int64_t r = 0; p != NULL && r < count; r++) {
    const int32_t c = job->labels[i0 + r];
    double *sums = p + c * width;
    for (int64_t j = 0, t0 = 0; j < job->parts; t0 += job->cols[j], j++) {
      const int64_t cols = job->cols[j];
      const double *x = job->x[j] + (i0 + r) * cols;
      for (int64_t q = 0; q < cols; q++) sums[t0 + q] += x[q];
    }
    sums[m] += 1;
  }
  const bool inertia = p != NULL && job->inertia;
  if (!inertia && job->distances == NULL) return;
  /* One chain per row, four interleaved: each row's total is still summed over the features in order. */
  const double *centre[GROUP];
  for (int64_t r = 0; r < count; r++) centre[r] = job->centres + job->labels[i0 + r] * m;
  for (int64_t j = 0, t0 = 0; j < job->parts; t0 += job->cols[j], j++) {
    const int64_t cols = job->cols[j];
    const double *x = job->x[j] + i0 * cols;
    if (count == GROUP) {
      const double *x0 = x, *x1 = x0 + cols, *x2 = x1 + cols, *x3 = x2 + cols;
      const double *c0 = centre[0] + t0, *c1 = centre[1] + t0, *c2 = centre[2] + t0, *c3 = centre[3] + t0;
      double s0 = total[0], s1 = total[1], s2 = total[2], s3 = total[3];
      for (int64_t q = 0; q < cols; q++) {
        const double d0 = x0[q] - c0[q], d1 = x1[q] - c1[q], d2 = x2[q] - c2[q], d3 = x3[q] - c3[q];
        s0 += d0 * d0;
        s1 += d1 * d1;
        s2 += d2 * d2;
        s3 += d3 * d3;
      }
      total[0] = s0, total[1] = s1, total[2] = s2, total[3] = s3;
    } else {
      for (int64_t r = 0; r < count; r++) {
        double s = total[r];
        for (int64_t q = 0; q < cols; q++) {
          const double d = x[r * cols + q] - centre[r][t0 + q];
          s += d * d;
        }
        total[r] = s;
      }
    }
  }
  for (int64_t r = 0; inertia && r < count; r++) p[job->labels[i0 + r] * width + m + 1] += total[r];
  for (int64_t r = 0; job->distances != NULL && r < count; r++) job->distances[i0 + r] = total[r];
}

/*
 * The whole strip for one instruction set: GROUP rows at a time (then single rows), every centre chunk's
 * GROUP x LANES dot products held in vectors while the features stream past.
 */
#define DSF_KM_ASSIGN(NAME, ATTR)                                                                           \
  ATTR static void NAME(const km_job *job) {                                                                \
    const int64_t m = job->m, k = job->k, stride = job->chunks * LANES;                                     \
    int64_t i0 = 0;                                                                                         \
    for (; i0 < job->rows; i0 += GROUP) {                                                                   \
      const int64_t count = job->rows - i0 < GROUP ? job->rows - i0 : GROUP;                                \
      for (int64_t h = 0; h < job->chunks; h++) {                                                           \
        const double *pc = job->packed + h * m * LANES;                                                     \
        v8d a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0};                                                         \
        if (count == GROUP) {                                                                               \
          for (int64_t j = 0; j < job->parts; j++) {                                                        \
            const int64_t cols = job->cols[j];                                                              \
            const double *x0 = job->x[j] + i0 * cols, *x1 = x0 + cols, *x2 = x1 + cols, *x3 = x2 + cols;    \
            for (int64_t q = 0; q < cols; q++, pc += LANES) {                                               \
              v8d cv;                                                                                       \
              memcpy(&cv, pc, sizeof cv);                                                                   \
              a0 += x0[q] * cv;                                                                             \
              a1 += x1[q] * cv;                                                                             \
              a2 += x2[q] * cv;                                                                             \
              a3 += x3[q] * cv;                                                                             \
            }                                                                                               \
          }                                                                                                 \
          memcpy(job->dist + h * LANES, &a0, sizeof a0);                                                    \
          memcpy(job->dist + 1 * stride + h * LANES, &a1, sizeof a1);                                       \
          memcpy(job->dist + 2 * stride + h * LANES, &a2, sizeof a2);                                       \
          memcpy(job->dist + 3 * stride + h * LANES, &a3, sizeof a3);                                       \
        } else {                                                                                            \
          for (int64_t r = 0; r < count; r++) {                                                             \
            const double *row_pc = pc;                                                                      \
            a0 = (v8d){0};                                                                                  \
            for (int64_t j = 0; j < job->parts; j++) {                                                      \
              const int64_t cols = job->cols[j];                                                            \
              const double *x0 = job->x[j] + (i0 + r) * cols;                                               \
              for (int64_t q = 0; q < cols; q++, row_pc += LANES) {                                         \
                v8d cv;                                                                                     \
                memcpy(&cv, row_pc, sizeof cv);                                                             \
                a0 += x0[q] * cv;                                                                           \
              }                                                                                             \
            }                                                                                               \
            memcpy(job->dist + r * stride + h * LANES, &a0, sizeof a0);                                     \
          }                                                                                                 \
        }                                                                                                   \
      }                                                                                                     \
      for (int64_t r = 0; r < count; r++)                                                                   \
        job->labels[i0 + r] = argmin_row(job->dist + r * stride, job->norms, k);                            \
      if (job->partial != NULL || job->distances != NULL) accumulate(job, i0, count);                       \
    }                                                                                                       \
  }
DSF_KM_ASSIGN(assign_default, )

#if defined(__x86_64__) && defined(__GNUC__)
#define DSF_KM_X86 1
DSF_KM_ASSIGN(assign_avx2, __attribute__((target("avx2"))))
DSF_KM_ASSIGN(assign_avx512, __attribute__((target("avx512f"))))
#endif

static void run(const km_job *job) {
#ifdef DSF_KM_X86
  if (__builtin_cpu_supports("avx512f")) {
    assign_avx512(job);
    return;
  }
  if (__builtin_cpu_supports("avx2")) {
    assign_avx2(job);
    return;
  }
#endif
  assign_default(job);
}

/* ---- N-API binding ---- */

static bool fail(napi_env env, bool type, const char *detail) {
  char msg[320];
  snprintf(msg, sizeof msg, "dsfabric_kmeans.kmeansAssign: %s", detail);
  if (type) napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", msg);
  else napi_throw_range_error(env, "ERR_OUT_OF_RANGE", msg);
  return false;
}

static bool arg_index(napi_env env, napi_value v, const char *name, int64_t *out) {
  napi_valuetype t;
  double d;
  if (napi_typeof(env, v, &t) != napi_ok || t != napi_number || napi_get_value_double(env, v, &d) != napi_ok ||
      !(d >= 0 && d <= MAX_SAFE && (double)(int64_t)d == d)) {
    char msg[96];
    snprintf(msg, sizeof msg, "argument '%s' must be a non-negative integer", name);
    return fail(env, true, msg);
  }
  *out = (int64_t)d;
  return true;
}

static bool arg_typed(napi_env env, napi_value v, napi_typedarray_type want, const char *name, void **data,
                      int64_t *len) {
  bool is_ta = false;
  napi_typedarray_type type;
  size_t n;
  char msg[96];
  snprintf(msg, sizeof msg, "argument '%s' must be %s", name,
           want == napi_float64_array ? "a Float64Array" : "an Int32Array");
  if (napi_is_typedarray(env, v, &is_ta) != napi_ok || !is_ta) return fail(env, true, msg);
  if (napi_get_typedarray_info(env, v, &type, &n, data, NULL, NULL) != napi_ok) return false;
  if (type != want) return fail(env, true, msg);
  *len = (int64_t)n; /* data already includes byteOffset */
  return true;
}

static bool need(napi_env env, const char *name, int64_t len, int64_t want) {
  if (len >= want) return true;
  char msg[200];
  snprintf(msg, sizeof msg, "'%s' has %lld values but needs %lld", name, (long long)len, (long long)want);
  return fail(env, false, msg);
}

/* kmeansAssign(parts, cols, rows, centres, k, labels, partial, inertia, distances): labels[i] = the closest
 * centre of row i of the strip (parts[j] its rows x cols[j] column blocks); with a partial (k x (m + 2),
 * else null), each row's values, 1 and (when inertia) its squared distance are added into its centre's
 * row; with distances (rows, else null), distances[i] = row i's squared distance to its centre. */
static napi_value js_kmeans_assign(napi_env env, napi_callback_info info) {
  napi_value a[MAX_ARGS];
  size_t argc = MAX_ARGS;
  if (napi_get_cb_info(env, info, &argc, a, NULL, NULL) != napi_ok) return NULL;
  if (argc < MAX_ARGS) return (void)fail(env, true, "expected 9 arguments"), NULL;
  bool is_array = false;
  uint32_t parts = 0;
  if (napi_is_array(env, a[0], &is_array) != napi_ok || !is_array ||
      napi_get_array_length(env, a[0], &parts) != napi_ok)
    return (void)fail(env, true, "argument 'parts' must be an array of Float64Arrays"), NULL;
  int64_t rows, k, cols_len, centres_len, labels_len, partial_len = 0, distances_len = 0;
  void *cols_data, *centres, *labels, *partial = NULL, *distances = NULL;
  bool inertia;
  if (!(arg_typed(env, a[1], napi_int32_array, "cols", &cols_data, &cols_len) &&
        arg_index(env, a[2], "rows", &rows) &&
        arg_typed(env, a[3], napi_float64_array, "centres", &centres, &centres_len) &&
        arg_index(env, a[4], "k", &k) &&
        arg_typed(env, a[5], napi_int32_array, "labels", &labels, &labels_len)))
    return NULL;
  napi_valuetype pt;
  if (napi_typeof(env, a[6], &pt) != napi_ok) return NULL;
  if (pt != napi_null && !arg_typed(env, a[6], napi_float64_array, "partial", &partial, &partial_len)) return NULL;
  if (napi_get_value_bool(env, a[7], &inertia) != napi_ok)
    return (void)fail(env, true, "argument 'inertia' must be a boolean"), NULL;
  if (napi_typeof(env, a[8], &pt) != napi_ok) return NULL;
  if (pt != napi_null && !arg_typed(env, a[8], napi_float64_array, "distances", &distances, &distances_len))
    return NULL;
  if (parts == 0 || cols_len != (int64_t)parts)
    return (void)fail(env, false, "'parts' must be non-empty and as long as 'cols'"), NULL;
  if (k == 0 || k > INT32_MAX || rows > INT32_MAX)
    return (void)fail(env, false, "k must be in [1, 2^31) and rows below 2^31"), NULL;
  const double **x = malloc(sizeof(double *) * parts);
  int64_t *cols = malloc(sizeof(int64_t) * parts);
  if (x == NULL || cols == NULL) return free(x), free(cols), (void)fail(env, false, "out of memory"), NULL;
  int64_t m = 0;
  bool ok = true;
  for (uint32_t j = 0; ok && j < parts; j++) {
    napi_value el;
    void *data;
    int64_t len;
    cols[j] = ((const int32_t *)cols_data)[j];
    ok = (cols[j] >= 0 || fail(env, false, "a column count is negative")) &&
         napi_get_element(env, a[0], j, &el) == napi_ok &&
         arg_typed(env, el, napi_float64_array, "parts[j]", &data, &len) &&
         need(env, "parts[j]", len, rows * cols[j]);
    x[j] = ok ? data : NULL;
    m += cols[j];
  }
  ok = ok && (m > 0 || fail(env, false, "the strip has no columns")) && need(env, "centres", centres_len, k * m) &&
       need(env, "labels", labels_len, rows) &&
       (partial == NULL || need(env, "partial", partial_len, k * (m + 2))) &&
       (distances == NULL || need(env, "distances", distances_len, rows));
  const int64_t chunks = (k + LANES - 1) / LANES;
  double *packed = NULL, *norms = NULL, *dist = NULL;
  if (ok) {
    packed = aligned_alloc(64, sizeof(double) * (size_t)(chunks * m * LANES));
    norms = malloc(sizeof(double) * (size_t)k);
    dist = malloc(sizeof(double) * (size_t)(GROUP * chunks * LANES));
    ok = (packed != NULL && norms != NULL && dist != NULL) || fail(env, false, "out of memory");
  }
  if (ok && rows > 0) {
    const double *cd = centres;
    for (int64_t h = 0; h < chunks; h++)
      for (int64_t t = 0; t < m; t++)
        for (int64_t l = 0; l < LANES; l++) {
          const int64_t c = h * LANES + l;
          packed[(h * m + t) * LANES + l] = c < k ? cd[c * m + t] : 0;
        }
    for (int64_t c = 0; c < k; c++) {
      double s = 0;
      for (int64_t t = 0; t < m; t++) s += cd[c * m + t] * cd[c * m + t];
      norms[c] = s;
    }
    const km_job job = {rows,   k,     m,    parts,  chunks,  x,       cols,     cd,
                        packed, norms, dist, labels, partial, inertia, distances};
    run(&job);
  }
  free(packed);
  free(norms);
  free(dist);
  free(x);
  free(cols);
  if (!ok) return NULL;
  napi_value undef;
  napi_get_undefined(env, &undef);
  return undef;
}

napi_status dsf_kmeans_register(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"kmeansAssign", NULL, js_kmeans_assign, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  return napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
