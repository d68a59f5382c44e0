/**
 * Kernels of the tall-skinny QR tree (ds.tsqr): a QR of one row block, a QR of stacked R factors, and the
 * step that carries a node's Q factor down to its children. Every QR here makes R's diagonal non-negative
 * (rows of R and columns of Q negated together), so the tree's final R has a non-negative diagonal and is
 * unique for a full-rank input.
 */
import { linalg } from "../../linalg/selectBackend.ts";
import { Matrix } from "../../matrix.ts";
import type { Kernel } from "../registry.ts";

/**
 * Rows per piece of a local QR. LAPACK's Householder panel sweeps the whole block once per column, so a
 * block far larger than the cache runs at memory speed (measured: 62,500 x 100 in one dgeqrf ~2.4x slower
 * per row than in pieces of 5,000); a tall block is therefore factored as a small TSQR of its pieces.
 */
const PIECE_BYTES = 4 << 20;

/** Reduced QR of `a` (any signs): LAPACK's for a block that fits the cache, else a TSQR of its row pieces. */
function pieceQr(a: Matrix): { q: Matrix; r: Matrix } {
  const { rows, cols } = a;
  const pieceRows = Math.max(2 * cols, Math.floor(PIECE_BYTES / (8 * Math.max(1, cols))));
  if (rows <= 2 * pieceRows) return linalg().qr(a);
  const count = Math.ceil(rows / pieceRows);
  const pieces: { q: Matrix; r: Matrix; start: number }[] = [];
  for (let p = 0; p < count; p++) {
    const start = Math.floor((p * rows) / count);
    const end = Math.floor(((p + 1) * rows) / count);
    const view = new Matrix(end - start, cols, a.data.subarray(start * cols, end * cols));
    pieces.push({ ...linalg().qr(view), start });
  }
  const stacked = Matrix.zeros(count * cols, cols);
  pieces.forEach(({ r }, p) => stacked.data.set(r.data, p * cols * cols));
  const top = pieceQr(stacked);
  const k = top.r.rows;
  const q = Matrix.zeros(rows, k);
  pieces.forEach(({ q: local, start }, p) => {
    const share = new Matrix(cols, k, top.q.data.subarray(p * cols * k, (p + 1) * cols * k));
    const c = new Matrix(local.rows, k, q.data.subarray(start * k, (start + local.rows) * k));
    linalg().gemm(local, share, { c, beta: 0 });
  });
  return { q, r: top.r };
}

/** Reduced QR of `a` with R's diagonal made non-negative. */
export function signedQr(a: Matrix): { q: Matrix; r: Matrix } {
  const { q, r } = pieceQr(a);
  const k = r.rows;
  const n = r.cols;
  for (let i = 0; i < k; i++) {
    if (r.data[i * n + i] >= 0) continue;
    for (let j = i; j < n; j++) r.data[i * n + j] = -r.data[i * n + j];
    for (let row = 0; row < q.rows; row++) q.data[row * k + i] = -q.data[row * k + i];
  }
  return { q, r };
}

/** [block] to [Q (rows x k), R (k x cols)], k = min(rows, cols). */
export const qrLocal: Kernel<"linalg.qr.local"> = ([a]) => {
  const { q, r } = signedQr(a);
  return [q, r];
};

/** The R factors of the children, stacked by rows, to [Q (Σ rows x k), R (k x cols)]. */
export const qrStack: Kernel<"linalg.qr.stack"> = (parts) => {
  const cols = parts[0].cols;
  const rows = parts.reduce((s, p) => s + p.rows, 0);
  const stacked = Matrix.zeros(rows, cols);
  let at = 0;
  for (const p of parts) {
    stacked.data.set(p.data, at * cols);
    at += p.rows;
  }
  const { q, r } = signedQr(stacked);
  return [q, r];
};

/**
 * [child Q (rows x k), parent Q (Σ x kp)] to child Q · parent Q[offset : offset + k, :], the child's share
 * of the parent's Q (rows x kp).
 */
export const qrApply: Kernel<"linalg.qr.apply"> = ([child, parent], { offset }, out) => {
  const k = child.cols;
  const kp = parent.cols;
  const slice = new Matrix(k, kp, parent.data.subarray(offset * kp, (offset + k) * kp));
  const c = out.take(0, child.rows, kp);
  if (k > 0) linalg().gemm(child, slice, { c, beta: 0 });
  return [c];
};
