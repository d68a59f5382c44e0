/*
 * N-API bindings of the streaming kernels: evalProgram, evalProgramSum, copyRect, transposeRect. The
 * TypeScript side (src/core/kernels/elementwise/evaluate.ts, src/core/kernels/block/copy.ts) validates
 * arguments and throws errors that name the dsfabric function; everything is checked again here, because
 * the kernels trust their extents and a bad call must throw rather than touch memory it does not own.
 */
#include "dsfabric_stream.h"

#include <stdio.h>
#include <stdlib.h>

#include "dsfabric_vm.h"

#define MAX_ARGS 10
#define MAX_SAFE 9007199254740991.0 /* 2^53 - 1 */

static bool fail_type(napi_env env, const char *fn, const char *name, const char *what) {
  char msg[200];
  snprintf(msg, sizeof msg, "dsfabric_stream.%s: argument '%s' must be %s", fn, name, what);
  napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", msg);
  return false;
}

static bool fail_range(napi_env env, const char *fn, const char *detail) {
  char msg[320];
  snprintf(msg, sizeof msg, "dsfabric_stream.%s: %s", fn, detail);
  napi_throw_range_error(env, "ERR_OUT_OF_RANGE", msg);
  return false;
}

static bool get_args(napi_env env, napi_callback_info info, size_t expected, napi_value *argv, const char *fn) {
  size_t argc = MAX_ARGS;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return false;
  if (argc >= expected) return true;
  char msg[160];
  snprintf(msg, sizeof msg, "dsfabric_stream.%s: expected %zu arguments, got %zu", fn, expected, argc);
  napi_throw_type_error(env, "ERR_MISSING_ARGS", msg);
  return false;
}

/* A non-negative integer below 2^53 (a JS array index). */
static bool arg_index(napi_env env, napi_value v, const char *fn, const char *name, int64_t *out) {
  napi_valuetype t;
  double d;
  if (napi_typeof(env, v, &t) != napi_ok || t != napi_number || napi_get_value_double(env, v, &d) != napi_ok ||
      !(d >= 0 && d <= MAX_SAFE && (double)(int64_t)d == d))
    return fail_type(env, fn, name, "a non-negative integer");
  *out = (int64_t)d;
  return true;
}

static bool arg_typed(napi_env env, napi_value v, napi_typedarray_type want, const char *fn, const char *name,
                      void **data, int64_t *len) {
  bool is_ta = false;
  napi_typedarray_type type;
  size_t n;
  const char *what = want == napi_float64_array ? "a Float64Array" : "an Int32Array";
  if (napi_is_typedarray(env, v, &is_ta) != napi_ok || !is_ta) return fail_type(env, fn, name, what);
  if (napi_get_typedarray_info(env, v, &type, &n, data, NULL, NULL) != napi_ok) return false;
  if (type != want) return fail_type(env, fn, name, what);
  *len = (int64_t)n; /* data already includes byteOffset */
  return true;
}

static bool need(napi_env env, const char *fn, const char *name, int64_t len, int64_t want) {
  if (len >= want) return true;
  char msg[200];
  snprintf(msg, sizeof msg, "'%s' has %lld values but needs %lld", name, (long long)len, (long long)want);
  return fail_range(env, fn, msg);
}

/* Decodes (code, consts, inputs, rows, cols) at argv[0..4] into a checked job; inputs go in *ins (freed by
 * the caller). */
static bool arg_job(napi_env env, napi_value *a, const char *fn, dsf_vm_job *job, const double ***ins) {
  void *code, *consts;
  int64_t code_len, n_consts;
  if (!arg_typed(env, a[0], napi_int32_array, fn, "code", &code, &code_len) ||
      !arg_typed(env, a[1], napi_float64_array, fn, "consts", &consts, &n_consts) ||
      !arg_index(env, a[3], fn, "rows", &job->rows) || !arg_index(env, a[4], fn, "cols", &job->cols))
    return false;
  const char *bad = dsf_vm_check(code, (size_t)code_len, (size_t)n_consts);
  if (bad != NULL) return fail_range(env, fn, bad);
  if (job->cols > 0 && job->rows > INT64_MAX / job->cols) return fail_range(env, fn, "rows * cols overflows");
  const int32_t *c = code;
  uint32_t n_in = 0;
  bool is_array = false;
  if (napi_is_array(env, a[2], &is_array) != napi_ok || !is_array ||
      napi_get_array_length(env, a[2], &n_in) != napi_ok)
    return fail_type(env, fn, "inputs", "an array of Float64Array");
  if ((int64_t)n_in != c[1]) return fail_range(env, fn, "inputs.length differs from the program's input count");
  *ins = calloc(n_in + 1, sizeof(double *));
  if (*ins == NULL) return fail_range(env, fn, "out of memory");
  const int64_t size = job->rows * job->cols;
  for (uint32_t k = 0; k < n_in; k++) {
    napi_value el;
    void *p;
    int64_t len;
    char name[32];
    snprintf(name, sizeof name, "inputs[%u]", k);
    if (napi_get_element(env, a[2], k, &el) != napi_ok ||
        !arg_typed(env, el, napi_float64_array, fn, name, &p, &len))
      return false;
    int layout = c[DSF_VM_HEADER + k];
    int64_t want = size == 0 ? 0 : layout == DSF_LAYOUT_FULL ? size : layout == DSF_LAYOUT_ROW ? job->cols
                 : layout == DSF_LAYOUT_COL ? job->rows : 1;
    if (!need(env, fn, name, len, want)) return false;
    (*ins)[k] = p;
  }
  job->code = c;
  job->consts = consts;
  job->inputs = *ins;
  return true;
}

static napi_value undefined(napi_env env) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

/* evalProgram(code, consts, inputs, rows, cols, out) */
static napi_value js_eval(napi_env env, napi_callback_info info) {
  static const char *fn = "evalProgram";
  napi_value a[MAX_ARGS];
  dsf_vm_job job;
  const double **ins = NULL;
  void *out;
  int64_t out_len;
  bool ok = get_args(env, info, 6, a, fn) && arg_job(env, a, fn, &job, &ins) &&
            arg_typed(env, a[5], napi_float64_array, fn, "out", &out, &out_len) &&
            need(env, fn, "out", out_len, job.rows * job.cols);
  if (ok && dsf_vm_eval(&job, out) != 0) ok = fail_range(env, fn, "out of memory for tile buffers");
  free(ins);
  return ok ? undefined(env) : NULL;
}

/* evalProgramSum(code, consts, inputs, rows, cols, axis 0|1|2, map 0|1|2, totals) */
static napi_value js_sum(napi_env env, napi_callback_info info) {
  static const char *fn = "evalProgramSum";
  napi_value a[MAX_ARGS];
  dsf_vm_job job;
  const double **ins = NULL;
  void *totals;
  int64_t axis, map, len;
  bool ok = get_args(env, info, 8, a, fn) && arg_job(env, a, fn, &job, &ins) &&
            arg_index(env, a[5], fn, "axis", &axis) && arg_index(env, a[6], fn, "map", &map) &&
            arg_typed(env, a[7], napi_float64_array, fn, "totals", &totals, &len);
  if (ok && (axis > DSF_AXIS_ALL || map > DSF_MAP_NONZERO)) ok = fail_range(env, fn, "axis or map out of range");
  if (ok) ok = need(env, fn, "totals", len, axis == DSF_AXIS_0 ? job.cols : axis == DSF_AXIS_1 ? job.rows : 1);
  if (ok && dsf_vm_sum(&job, (int)axis, (int)map, totals) != 0) ok = fail_range(env, fn, "out of memory");
  free(ins);
  return ok ? undefined(env) : NULL;
}

/* (src, srcOffset, srcStride, dst, dstOffset, dstStride, rows, cols); dst lines are cols long for copyRect
 * and rows long (cols of them) for transposeRect. */
static napi_value rect(napi_env env, napi_callback_info info, const char *fn, bool transpose) {
  napi_value a[MAX_ARGS];
  void *src, *dst;
  int64_t sl, dl, so, ss, d_o, ds, rows, cols;
  if (!(get_args(env, info, 8, a, fn) && arg_typed(env, a[0], napi_float64_array, fn, "src", &src, &sl) &&
        arg_index(env, a[1], fn, "srcOffset", &so) && arg_index(env, a[2], fn, "srcStride", &ss) &&
        arg_typed(env, a[3], napi_float64_array, fn, "dst", &dst, &dl) &&
        arg_index(env, a[4], fn, "dstOffset", &d_o) && arg_index(env, a[5], fn, "dstStride", &ds) &&
        arg_index(env, a[6], fn, "rows", &rows) && arg_index(env, a[7], fn, "cols", &cols)))
    return NULL;
  if (rows > 0 && cols > 0) {
    const int64_t d_lines = transpose ? cols : rows, d_len = transpose ? rows : cols;
    /* All values are below 2^53, so these sums cannot overflow int64. */
    if ((rows > 1 && ss < cols) || (d_lines > 1 && ds < d_len))
      return (void)fail_range(env, fn, "a stride is shorter than the rectangle's lines"), NULL;
    if (!need(env, fn, "src", sl, so + (rows - 1) * ss + cols) ||
        !need(env, fn, "dst", dl, d_o + (d_lines - 1) * ds + d_len))
      return NULL;
    if (transpose) dsf_transpose_rect((double *)src + so, ss, (double *)dst + d_o, ds, rows, cols);
    else dsf_copy_rect((double *)src + so, ss, (double *)dst + d_o, ds, rows, cols);
  }
  return undefined(env);
}

static napi_value js_copy(napi_env env, napi_callback_info info) { return rect(env, info, "copyRect", false); }

static napi_value js_transpose(napi_env env, napi_callback_info info) {
  return rect(env, info, "transposeRect", true);
}

napi_status dsf_stream_register(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"evalProgram", NULL, js_eval, NULL, NULL, NULL, napi_enumerable, NULL},
      {"evalProgramSum", NULL, js_sum, NULL, NULL, NULL, napi_enumerable, NULL},
      {"copyRect", NULL, js_copy, NULL, NULL, NULL, napi_enumerable, NULL},
      {"transposeRect", NULL, js_transpose, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  return napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
