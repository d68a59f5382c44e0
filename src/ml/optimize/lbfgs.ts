/**
 * Limited-memory BFGS for a smooth function whose evaluation is expensive and asynchronous (a pass over a
 * DsArray): the two-loop recursion over the last `memory` steps, and a line search that satisfies the
 * strong Wolfe conditions (Nocedal & Wright, algorithms 3.5 and 3.6, cubic interpolation). The stopping
 * rules are SciPy's L-BFGS-B without bounds, so that `gtol`, `ftol` and `maxIter` mean what they mean to
 * scikit-learn: stop when max |g| <= gtol, or when the relative decrease of f in one iteration
 * (f_old - f) / max(|f_old|, |f|, 1) <= ftol, or after maxIter iterations. The first step has length 1 along
 * -g / ||g|| (as L-BFGS-B), later ones try the full quasi-Newton step first. Line-search constants are
 * L-BFGS-B's (sufficient decrease 1e-3, curvature 0.9, at most 20 evaluations per search).
 */

/** f and its gradient at a point. */
export interface Evaluation {
  f: number;
  g: Float64Array;
}

export type Objective = (x: Float64Array) => Promise<Evaluation>;

export interface LbfgsOptions {
  /** Most iterations. */
  maxIter: number;
  /** Stop when max |g| <= gtol. */
  gtol: number;
  /** Stop when the relative decrease of f in an iteration is at most ftol. Default SciPy's 2.22e-9. */
  ftol?: number;
  /** Pairs kept for the inverse Hessian. Default 10, as SciPy. */
  memory?: number;
  /** Most evaluations in one line search. Default 20, as SciPy. */
  maxLineSearch?: number;
}

export interface LbfgsResult {
  x: Float64Array;
  f: number;
  g: Float64Array;
  /** Iterations done (SciPy's `nit`). */
  nIter: number;
  /** Evaluations of the objective (SciPy's `nfev`). */
  nEval: number;
  /** Whether a tolerance was met (false: maxIter reached or the line search failed). */
  converged: boolean;
  message: string;
}

const FTOL_DEFAULT = 2.220446049250313e-9;
const C1 = 1e-3;
const C2 = 0.9;

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
}

/** Minimiser of the cubic through (a, fa, da) and (b, fb, db), or undefined when it has none. */
function cubicMin(a: number, fa: number, da: number, b: number, fb: number, db: number): number | undefined {
  const d1 = da + db - (3 * (fa - fb)) / (a - b);
  const disc = d1 * d1 - da * db;
  if (!(disc >= 0)) return undefined;
  const d2 = Math.sign(b - a) * Math.sqrt(disc);
  const t = b - ((b - a) * (db + d2 - d1)) / (db - da + 2 * d2);
  return Number.isFinite(t) ? t : undefined;
}

interface Trial {
  alpha: number;
  f: number;
  d: number;
  g: Float64Array;
}

/**
 * A step length along `dir` from `x` (f0 and slope d0 < 0 there) satisfying the strong Wolfe conditions,
 * with f and g at the new point, or the best point with sufficient decrease found, or undefined.
 */
async function lineSearch(
  fun: Objective,
  x: Float64Array,
  dir: Float64Array,
  f0: number,
  d0: number,
  alpha1: number,
  maxEval: number,
  counter: { n: number },
): Promise<Trial | undefined> {
  let evals = 0;
  const evaluate = async (alpha: number): Promise<Trial> => {
    evals++;
    counter.n++;
    const point = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) point[i] = x[i] + alpha * dir[i];
    const { f, g } = await fun(point);
    return { alpha, f, d: dot(g, dir), g };
  };
  const armijo = (t: Trial): boolean => t.f <= f0 + C1 * t.alpha * d0;
  const curvature = (t: Trial): boolean => Math.abs(t.d) <= -C2 * d0;

  const zoom = async (lo: Trial | undefined, hi: Trial): Promise<Trial | undefined> => {
    // lo = undefined stands for alpha = 0.
    while (evals < maxEval) {
      const a = lo?.alpha ?? 0;
      const fa = lo?.f ?? f0;
      const da = lo?.d ?? d0;
      const width = Math.abs(hi.alpha - a);
      if (width <= 1e-16 * Math.max(a, hi.alpha)) break;
      const low = Math.min(a, hi.alpha) + 0.1 * width;
      const high = Math.max(a, hi.alpha) - 0.1 * width;
      let t = cubicMin(a, fa, da, hi.alpha, hi.f, hi.d);
      if (t === undefined || t < low || t > high) t = (a + hi.alpha) / 2;
      const trial = await evaluate(t);
      if (!armijo(trial) || trial.f >= fa) {
        hi = trial;
      } else {
        if (curvature(trial)) return trial;
        if (trial.d * (hi.alpha - a) >= 0) hi = lo ?? { alpha: 0, f: f0, d: d0, g: new Float64Array(0) };
        lo = trial;
      }
    }
    return lo;
  };

  let prev: Trial | undefined;
  let alpha = alpha1;
  while (evals < maxEval) {
    const trial = await evaluate(alpha);
    if (!Number.isFinite(trial.f) || !armijo(trial) || (prev !== undefined && trial.f >= prev.f)) {
      if (!Number.isFinite(trial.f)) {
        // Overflow far out: shrink towards the last good point instead of interpolating.
        alpha = ((prev?.alpha ?? 0) + alpha) / 2;
        continue;
      }
      return zoom(prev, trial);
    }
    if (curvature(trial)) return trial;
    if (trial.d >= 0) return zoom(trial, prev ?? { alpha: 0, f: f0, d: d0, g: new Float64Array(0) });
    // Extrapolate: the cubic's minimiser, kept within 1.1 to 4 times the last interval (as Moré-Thuente).
    const a = prev?.alpha ?? 0;
    const lowest = alpha + 1.1 * (alpha - a);
    const highest = alpha + 4 * (alpha - a);
    const t = cubicMin(a, prev?.f ?? f0, prev?.d ?? d0, alpha, trial.f, trial.d);
    prev = trial;
    alpha = t === undefined || t < lowest || t > highest ? highest : t;
  }
  return prev;
}

/**
 * Minimises `fun` from `x0`.
 *
 * @example
 * ```ts
 * const quadratic: Objective = async (x) => ({ f: (x[0] - 3) ** 2, g: Float64Array.of(2 * (x[0] - 3)) });
 * const r = await lbfgs(quadratic, Float64Array.of(0), { maxIter: 100, gtol: 1e-10 });
 * r.x[0]; // 3 (within 1e-10)
 * ```
 */
export async function lbfgs(fun: Objective, x0: Float64Array, options: LbfgsOptions): Promise<LbfgsResult> {
  const ftol = options.ftol ?? FTOL_DEFAULT;
  const memory = options.memory ?? 10;
  const maxLineSearch = options.maxLineSearch ?? 20;
  const counter = { n: 1 };
  let x = Float64Array.from(x0);
  let { f, g } = await fun(x);
  const done = (nIter: number, converged: boolean, message: string): LbfgsResult => ({
    x,
    f,
    g,
    nIter,
    nEval: counter.n,
    converged,
    message,
  });
  if (maxAbs(g) <= options.gtol) return done(0, true, "max |g| <= gtol");
  const s: Float64Array[] = [];
  const y: Float64Array[] = [];
  const rho: number[] = [];
  for (let iter = 1; iter <= options.maxIter; iter++) {
    // Two-loop recursion: dir = -H g.
    const q = Float64Array.from(g);
    const alphas = new Array<number>(s.length);
    for (let i = s.length - 1; i >= 0; i--) {
      alphas[i] = rho[i] * dot(s[i], q);
      for (let t = 0; t < q.length; t++) q[t] -= alphas[i] * y[i][t];
    }
    if (s.length > 0) {
      const last = s.length - 1;
      const gamma = dot(s[last], y[last]) / dot(y[last], y[last]);
      for (let t = 0; t < q.length; t++) q[t] *= gamma;
    }
    for (let i = 0; i < s.length; i++) {
      const beta = rho[i] * dot(y[i], q);
      for (let t = 0; t < q.length; t++) q[t] += s[i][t] * (alphas[i] - beta);
    }
    let dir = q.map((v) => -v);
    let slope = dot(g, dir);
    if (!(slope < 0)) {
      s.length = y.length = rho.length = 0;
      dir = g.map((v) => -v);
      slope = dot(g, dir);
    }
    const first = s.length === 0;
    const alpha1 = first ? 1 / Math.sqrt(dot(dir, dir)) : 1;
    let trial = await lineSearch(fun, x, dir, f, slope, alpha1, maxLineSearch, counter);
    if (trial === undefined && !first) {
      // As L-BFGS-B: forget the curvature pairs and retry once along -g.
      s.length = y.length = rho.length = 0;
      dir = g.map((v) => -v);
      slope = dot(g, dir);
      trial = await lineSearch(fun, x, dir, f, slope, 1 / Math.sqrt(-slope), maxLineSearch, counter);
    }
    if (trial === undefined) return done(iter - 1, false, "the line search found no decrease");
    const step = dir.map((v) => v * trial.alpha);
    const next = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) next[i] = x[i] + step[i];
    const change = new Float64Array(g.length);
    for (let i = 0; i < g.length; i++) change[i] = trial.g[i] - g[i];
    const sy = dot(step, change);
    if (sy > 2.220446049250313e-16 * dot(change, change)) {
      if (s.length === memory) {
        s.shift();
        y.shift();
        rho.shift();
      }
      s.push(step);
      y.push(change);
      rho.push(1 / sy);
    }
    const fOld = f;
    x = next;
    f = trial.f;
    g = trial.g;
    if (maxAbs(g) <= options.gtol) return done(iter, true, "max |g| <= gtol");
    if (fOld - f <= ftol * Math.max(Math.abs(fOld), Math.abs(f), 1)) {
      return done(iter, true, "relative decrease of f <= ftol");
    }
  }
  return done(options.maxIter, false, "maxIter reached");
}
