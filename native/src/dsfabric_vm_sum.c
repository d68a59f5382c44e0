/*
 * Sums of a program's values without storing them: the tile loop of dsfabric_vm.c, with each tile's values
 * folded into the totals instead of written out. A tile is summed in DSF_LANES independent accumulators
 * (vector registers: no add waits for the previous one) reduced pairwise, and tile sums are added with
 * Neumaier's compensation, so the error stays near one rounding per tile whatever the length. Sums down
 * columns (axis 0) evaluate DSF_SPARES rows of a column tile and add them into the totals in pairs: one
 * pass, plain summation per column, but each total is loaded and stored once per DSF_SPARES rows (adding
 * one row at a time was bound by those loads and stores, 0.6-0.75x the read rate; four, 0.85-0.95x).
 */
#include "dsfabric_vm_tiles.h"

#include <stdlib.h>

#define DSF_LANES 32

typedef struct {
  double s, c;
} dsf_kahan;

static inline void kahan_add(dsf_kahan *k, double x) {
  double t = k->s + x;
  k->c += fabs(k->s) >= fabs(x) ? (k->s - t) + x : (x - t) + k->s;
  k->s = t;
}

/* An infinite or NaN sum is already exact (the compensation would only turn it into NaN). */
static inline double kahan_total(const dsf_kahan *k) { return isfinite(k->s) ? k->s + k->c : k->s; }

typedef struct {
  int axis, map;
  double *totals;
  dsf_kahan all, row;
} dsf_sum_state;

DSF_INLINE double m_value(double v) { return v; }
DSF_INLINE double m_square(double v) { return v * v; }
DSF_INLINE double m_nonzero(double v) { return v != 0 ? 1.0 : 0.0; } /* NaN counts: NaN != 0 */

#define DSF_LANE_SUM(NAME, F)                                                                 \
  DSF_INLINE double NAME(const double *v, int64_t n) {                                        \
    double acc[DSF_LANES] = {0};                                                              \
    int64_t i = 0;                                                                            \
    for (; i + DSF_LANES <= n; i += DSF_LANES)                                                \
      for (int l = 0; l < DSF_LANES; l++) acc[l] += F(v[i + l]);                              \
    for (int l = 0; i + l < n; l++) acc[l] += F(v[i + l]);                                    \
    for (int w = DSF_LANES / 2; w > 0; w /= 2)                                                \
      for (int l = 0; l < w; l++) acc[l] += acc[l + w];                                       \
    return acc[0];                                                                            \
  }
DSF_LANE_SUM(sum_value, m_value)
DSF_LANE_SUM(sum_square, m_square)
DSF_LANE_SUM(sum_nonzero, m_nonzero)

DSF_INLINE double lane_sum(int map, const double *v, int64_t n) {
  return map == DSF_MAP_VALUE ? sum_value(v, n) : map == DSF_MAP_SQUARE ? sum_square(v, n) : sum_nonzero(v, n);
}

/* totals[j] += map(v[j]) for j < n. */
DSF_INLINE void add_into(int map, double *totals, const double *v, int64_t n) {
  if (map == DSF_MAP_VALUE) {
    DSF_IVDEP for (int64_t j = 0; j < n; j++) totals[j] += m_value(v[j]);
  } else if (map == DSF_MAP_SQUARE) {
    DSF_IVDEP for (int64_t j = 0; j < n; j++) totals[j] += m_square(v[j]);
  } else {
    DSF_IVDEP for (int64_t j = 0; j < n; j++) totals[j] += m_nonzero(v[j]);
  }
}

#define DSF_ADD4(F) \
  DSF_IVDEP for (int64_t j = 0; j < n; j++) t[j] += (F(p0[j]) + F(p1[j])) + (F(p2[j]) + F(p3[j]))

/* totals[j] += map(p[0][j]) + ... + map(p[nr-1][j]) for j < n; four rows go in pairs, in one pass. */
DSF_INLINE void add_rows_into(int map, double *t, const double *const *p, int nr, int64_t n) {
  if (nr == 4) {
    const double *p0 = p[0], *p1 = p[1], *p2 = p[2], *p3 = p[3];
    if (map == DSF_MAP_VALUE) DSF_ADD4(m_value);
    else if (map == DSF_MAP_SQUARE) DSF_ADD4(m_square);
    else DSF_ADD4(m_nonzero);
  } else {
    for (int r = 0; r < nr; r++) add_into(map, t, p[r], n);
  }
}

/* The program is one "full" input as it is (a plain sum): its tiles are the input's own memory. */
DSF_INLINE int dsf_plain_input(const dsf_plan *pl) {
  return pl->n_ins == 0 && pl->result < pl->n_in && pl->layouts[pl->result] == DSF_LAYOUT_FULL;
}

DSF_INLINE void dsf_sum_consume(const dsf_plan *pl, const dsf_tile *t, const double *v, dsf_sum_state *st) {
  const int64_t cols = pl->job->cols;
  switch (st->axis) {
    case DSF_AXIS_ALL:
      kahan_add(&st->all, lane_sum(st->map, v, t->n));
      break;
    case DSF_AXIS_1:
      if (pl->mode == DSF_ROWS) {
        kahan_add(&st->row, lane_sum(st->map, v, t->n));
        if (t->j0 + t->n == cols) {
          st->totals[t->i0] = kahan_total(&st->row);
          st->row = (dsf_kahan){0, 0};
        }
      } else {
        for (int r = 0; r < t->nrows; r++) st->totals[t->i0 + r] = lane_sum(st->map, v + r * cols, cols);
      }
      break;
    default: /* DSF_AXIS_0 with PACKED tiles (ROWS ones go through dsf_sum_down) */
      for (int r = 0; r < t->nrows; r++) add_into(st->map, st->totals, v + r * cols, cols);
      break;
  }
}

DSF_CLONES static void dsf_sum_tiles(dsf_plan *pl, dsf_sum_state *st) {
  dsf_tile t;
  for (int more = dsf_first_tile(pl, &t); more; more = dsf_next_tile(pl, &t)) {
    dsf_val r = dsf_run_tile(pl, &t, pl->spare);
    if (r.p == NULL) {
      for (int i = 0; i < t.n; i++) pl->spare[i] = r.s;
      r.p = pl->spare;
    }
    dsf_sum_consume(pl, &t, r.p, st);
  }
}

/* Axis 0 over ROWS tiles: DSF_SPARES rows of each column tile, each into its own spare tile (or read in
 * place for a plain input), then added into the totals together. */
DSF_CLONES static void dsf_sum_down(dsf_plan *pl, dsf_sum_state *st) {
  const int64_t rows = pl->job->rows, cols = pl->job->cols;
  const double *plain = dsf_plain_input(pl) ? pl->job->inputs[pl->result] : NULL;
  for (int64_t i0 = 0; i0 < rows; i0 += DSF_SPARES) {
    const int nr = rows - i0 < DSF_SPARES ? (int)(rows - i0) : DSF_SPARES;
    for (int64_t j0 = 0; j0 < cols; j0 += DSF_TILE) {
      const int n = cols - j0 < DSF_TILE ? (int)(cols - j0) : DSF_TILE;
      const double *p[DSF_SPARES];
      for (int r = 0; r < nr; r++) {
        if (plain != NULL) {
          p[r] = plain + (i0 + r) * cols + j0;
          continue;
        }
        dsf_tile t = {(i0 + r) * cols + j0, i0 + r, j0, n, 1};
        double *dst = pl->spare + (size_t)r * DSF_TILE;
        dsf_val v = dsf_run_tile(pl, &t, dst);
        if (v.p == NULL) {
          for (int i = 0; i < n; i++) dst[i] = v.s;
          v.p = dst;
        }
        p[r] = v.p;
      }
      add_rows_into(st->map, st->totals + j0, p, nr, n);
    }
  }
}

int dsf_vm_sum(const dsf_vm_job *job, int axis, int map, double *totals) {
  int64_t lanes = axis == DSF_AXIS_0 ? job->cols : axis == DSF_AXIS_1 ? job->rows : 1;
  for (int64_t l = 0; l < lanes; l++) totals[l] = 0;
  if (job->rows == 0 || job->cols == 0) return 0;
  dsf_plan pl;
  if (dsf_plan_init(&pl, job, axis != DSF_AXIS_ALL) != 0) return -1;
  dsf_sum_state st = {axis, map, totals, {0, 0}, {0, 0}};
  if (axis == DSF_AXIS_0 && pl.mode == DSF_ROWS) dsf_sum_down(&pl, &st);
  else dsf_sum_tiles(&pl, &st);
  if (axis == DSF_AXIS_ALL) totals[0] = kahan_total(&st.all);
  free(pl.mem);
  return 0;
}
