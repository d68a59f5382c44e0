/**
 * Newton's method with a backtracking (Armijo) line search for a smooth convex function whose evaluation
 * gives f, the gradient and the Hessian in one (expensive, asynchronous) pass: scikit-learn's
 * NewtonCholeskySolver. Each iteration solves H d = -g (Cholesky; a positive semi-definite H, as the
 * multinomial loss's, whose scores may all shift by one constant, gets the minimum-norm solution from its
 * eigen-decomposition), then halves the step until f decreases by at least 2^-11 t gᵀd (at most 21 tries),
 * and stops when max |g| <= tol and half the Newton decrement dᵀ H d is at most tol, as scikit-learn does.
 */
import { LinalgError } from "../../core/errors.ts";
import { linalg } from "../../core/linalg/selectBackend.ts";
import { Matrix } from "../../core/matrix.ts";

/** f, its gradient and its Hessian (dim x dim) at a point. */
export interface SecondOrder {
  f: number;
  g: Float64Array;
  h: Matrix;
}

export interface NewtonOptions {
  maxIter: number;
  tol: number;
  /**
   * H is only semi-definite (singular by construction): skip Cholesky, whose rounding could pass a singular
   * matrix and give a step with a huge part along its null space.
   */
  semidefinite?: boolean;
}

export interface NewtonResult {
  x: Float64Array;
  f: number;
  g: Float64Array;
  nIter: number;
  converged: boolean;
}

const SIGMA = 2 ** -11;
const EIGEN_CUT = 1e-12;

/** d with H d = -g: Cholesky when H is positive definite, else the minimum-norm least-squares solution. */
export function newtonStep(h: Matrix, g: Float64Array, semidefinite = false): Float64Array {
  const backend = linalg();
  const rhs = new Matrix(
    g.length,
    1,
    g.map((v) => -v),
  );
  if (!semidefinite) {
    try {
      return Float64Array.from(backend.solveSpd(h, rhs).data);
    } catch (e) {
      if (!(e instanceof LinalgError)) throw e;
    }
  }
  const { values, vectors } = backend.symEig(h);
  const cut = EIGEN_CUT * Math.max(0, ...values);
  const n = g.length;
  const vtb = backend.gemm(vectors, rhs, { transA: true });
  for (let i = 0; i < n; i++) vtb.data[i] = values[i] > cut ? vtb.data[i] / values[i] : 0;
  return Float64Array.from(backend.gemm(vectors, vtb).data);
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function sumAbs(a: Float64Array): number {
  let s = 0;
  for (const v of a) s += Math.abs(v);
  return s;
}

/**
 * Minimises `fun` from `x0`.
 *
 * @example
 * ```ts
 * const fun = async (x: Float64Array) => ({
 *   f: (x[0] - 3) ** 2, g: Float64Array.of(2 * (x[0] - 3)), h: new Matrix(1, 1, Float64Array.of(2)),
 * });
 * (await newton(fun, Float64Array.of(0), { maxIter: 10, tol: 1e-8 })).x[0]; // 3
 * ```
 */
export async function newton(
  fun: (x: Float64Array) => Promise<SecondOrder>,
  x0: Float64Array,
  options: NewtonOptions,
): Promise<NewtonResult> {
  let x = Float64Array.from(x0);
  let at = await fun(x);
  for (let iter = 1; iter <= options.maxIter; iter++) {
    const d = newtonStep(at.h, at.g, options.semidefinite);
    const slope = dot(at.g, d);
    const hd = linalg().gemv(at.h, d);
    const decrement = dot(d, hd);
    let t = 1;
    let next: SecondOrder | undefined;
    let point = x;
    for (let tries = 0; tries < 21; tries++) {
      point = x.map((v, i) => v + t * d[i]);
      const trial = await fun(point);
      // Near the optimum f changes by rounding only: then accept a step that shrinks the gradient (as scikit-learn).
      const tiny = Math.abs(trial.f - at.f) <= 16 * Number.EPSILON * Math.abs(at.f);
      if (trial.f - at.f <= SIGMA * t * slope || !(slope < 0) || (tiny && sumAbs(trial.g) < sumAbs(at.g))) {
        next = trial;
        break;
      }
      t /= 2;
    }
    if (next === undefined) return { x, f: at.f, g: at.g, nIter: iter - 1, converged: false };
    x = point;
    at = next;
    let gMax = 0;
    for (const v of at.g) gMax = Math.max(gMax, Math.abs(v));
    if (gMax <= options.tol && 0.5 * decrement <= options.tol) {
      return { x, f: at.f, g: at.g, nIter: iter, converged: true };
    }
  }
  return { x, f: at.f, g: at.g, nIter: options.maxIter, converged: false };
}
