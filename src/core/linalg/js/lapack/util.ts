/**
 * Argument checks shared by the pure-TypeScript LAPACK fallbacks. Every message names the calling routine
 * so that an error raised deep inside a distributed task still says which operation rejected its input.
 */
import { LinalgError, ShapeError } from "../../../errors.ts";
import type { Matrix } from "../../../matrix.ts";

/** Machine epsilon of float64 (unit roundoff times two), the scale of every tolerance below. */
export const EPS = 2 ** -52;

/** `3x4`, the shape notation used in every error message. */
export function shapeOf(m: Matrix): string {
  return `${m.rows}x${m.cols}`;
}

/** Throws `ShapeError` unless `a` is square. */
export function requireSquare(fn: string, a: Matrix): void {
  if (a.rows !== a.cols) throw new ShapeError(`${fn}: a must be square but is ${shapeOf(a)}`);
}

/** Throws `ShapeError` unless the right-hand side `b` has as many rows as `a`. */
export function requireRhs(fn: string, a: Matrix, b: Matrix): void {
  if (b.rows !== a.rows) {
    throw new ShapeError(`${fn}: a is ${shapeOf(a)} but b has ${b.rows} rows (b is ${shapeOf(b)})`);
  }
}

/**
 * Throws `LinalgError` at the first NaN or infinite entry. The iterative routines would otherwise spin
 * until their iteration cap, and the direct ones would report a misleading "singular" or "not positive
 * definite", so a clear up-front message is more useful than propagating NaN.
 */
export function requireFinite(fn: string, a: Matrix): void {
  const d = a.data;
  for (let idx = 0; idx < d.length; idx++) {
    if (!Number.isFinite(d[idx])) {
      const i = Math.floor(idx / a.cols);
      throw new LinalgError(`${fn}: a contains ${d[idx]} at (${i}, ${idx - i * a.cols})`);
    }
  }
}
