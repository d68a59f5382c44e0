import { it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import type { DsArray } from "../../src/index.ts";
import { ArgumentError, ds, Matrix, NotFittedError, ShapeError } from "../../src/index.ts";
import { engine } from "../../src/internal.ts";
import { ElasticNet, Lasso, LinearRegression, Ridge } from "../../src/ml/index.ts";
import { describeEachExecutor } from "../support/executors.ts";
import { pythonJson } from "../support/python.ts";
import { assertClose } from "../support/approx.ts";

const dir = mkdtempSync(join(tmpdir(), "dsfabric-ridge-"));

type Fit = [number[][], number[]];

/**
 * scikit-learn's answers on four data sets (diabetes; make_regression with sparse truth, scaled columns
 * and shifted means up to 1e6; one with three targets). Lasso alpha is 5% of alpha_max. The tight runs
 * use tol=1e-12 with precompute=True (the Gram solver); "lassoNoGram" is precompute=False (its residual
 * solver), "lassoDefault" the default tol with the Gram solver (same iterates as ours: same nIter).
 */
interface Case {
  x: string;
  y: string;
  alpha: number;
  alphas: number[];
  ridge: [number[][], number[], number];
  ridgeAlphas: Fit;
  ridgeOrigin: [number[][], number[][], number];
  lasso: [number[][], number[], number];
  lassoPositive: number[][];
  lassoOrigin: Fit | null;
  enet: Fit;
  lassoDefault: [number[][], number[], number[]];
  lassoNoGram: number[][];
}

const cases = pythonJson<Case[]>(
  `import sys, json, warnings, numpy as np
from sklearn.datasets import load_diabetes, make_regression
from sklearn.linear_model import ElasticNet, Lasso, Ridge
warnings.simplefilter("ignore")
out = []
def data(k):
    if k == 0:
        x, y = load_diabetes(return_X_y=True); return x, y.reshape(-1, 1)
    n, m, t, inf, shift = [(0,0,0,0,0), (200, 8, 1, 3, 5.0), (300, 12, 3, 5, 1e3), (150, 4, 1, 2, 1e6)][k]
    x, y = make_regression(n_samples=n, n_features=m, n_targets=t, n_informative=inf, noise=1.0, random_state=k)
    x = x * np.arange(1, m + 1) + shift
    return x, y.reshape(n, -1) + 3.0
for k in range(4):
    x, y = data(k)
    n, t = y.shape
    xf, yf = f"{sys.argv[1]}/x{k}.npy", f"{sys.argv[1]}/y{k}.npy"
    np.save(xf, x); np.save(yf, y)
    xc, yc = x - x.mean(0), y - y.mean(0)
    alpha_max = float(np.abs(xc.T @ yc).max() / n)
    a = 0.05 * alpha_max
    alphas = [0.5 + j for j in range(t)]
    r = Ridge(alpha=1.0).fit(x, y); ra = Ridge(alpha=np.array(alphas)).fit(x, y); r0 = Ridge(alpha=2.0, fit_intercept=False).fit(x, y)
    # The same ridge by QR of [x; sqrt(2) I], which loses only cond(x) digits, not cond(x)² as xᵀx does.
    r0qr = np.linalg.lstsq(np.vstack([x, np.sqrt(2.0) * np.eye(x.shape[1])]), np.vstack([y, np.zeros((x.shape[1], t))]), rcond=None)[0].T
    tight = dict(tol=1e-12, max_iter=1000000, precompute=True)
    l = Lasso(alpha=a, **tight).fit(x, y); lp = Lasso(alpha=a, positive=True, **tight).fit(x, y)
    # Through the origin on columns with means of 1e3 and more, xᵀx is too ill-conditioned for a gap of
    # 1e-12 ||y||² to be reachable in double precision (both solvers stall): only the unshifted sets.
    l0 = Lasso(alpha=a, fit_intercept=False, **tight).fit(x, y) if k < 2 else None
    e = ElasticNet(alpha=a, l1_ratio=0.7, **tight).fit(x, y)
    d = Lasso(alpha=a, precompute=True).fit(x, y)
    lf = Lasso(alpha=a, tol=1e-12, max_iter=1000000).fit(x, y)  # precompute=False: the same sparsity pattern
    vec = lambda v: np.atleast_1d(v).tolist()
    out.append({"x": xf, "y": yf, "alpha": a, "alphas": alphas,
        "ridge": [r.coef_.tolist(), vec(r.intercept_), r.score(x, y)], "ridgeAlphas": [ra.coef_.tolist(), vec(ra.intercept_)],
        "ridgeOrigin": [r0.coef_.tolist(), r0qr.tolist(), float(np.linalg.cond(x))],
        "lasso": [np.atleast_2d(l.coef_).tolist(), vec(l.intercept_), l.score(x, y)], "lassoPositive": np.atleast_2d(lp.coef_).tolist(),
        "lassoOrigin": [np.atleast_2d(l0.coef_).tolist(), vec(l0.intercept_)] if l0 else None,
        "enet": [np.atleast_2d(e.coef_).tolist(), vec(e.intercept_)],
        "lassoDefault": [np.atleast_2d(d.coef_).tolist(), vec(d.n_iter_), vec(d.dual_gap_)],
        "lassoNoGram": np.atleast_2d(lf.coef_).tolist()})
print(json.dumps(out))`,
  [dir],
);

const TIGHT = { tol: 1e-12, maxIter: 1_000_000 };

function tasksOf(kernel: string): number {
  return engine().stats().byKernel[kernel] ?? 0;
}

/** Which coefficients are zero. */
function zeros(values: ArrayLike<number>): boolean[] {
  return Array.from(values, (v) => v === 0);
}

/** Dense x and y centred (when asked), as row-major arrays, for independent checks. */
async function dense(x: DsArray, y: DsArray, centre: boolean): Promise<{ xc: Matrix; yc: Matrix }> {
  const [xc, yc] = [await x.collect(), await y.collect()];
  if (centre) {
    for (const a of [xc, yc]) {
      for (let j = 0; j < a.cols; j++) {
        let s = 0;
        for (let i = 0; i < a.rows; i++) s += a.data[i * a.cols + j];
        for (let i = 0; i < a.rows; i++) a.data[i * a.cols + j] -= s / a.rows;
      }
    }
  }
  return { xc, yc };
}

/** xcᵀ(yc - xc wᵀ) / n for target t (coef is targets x features): the Lasso's KKT gradient. */
function gradient(xc: Matrix, yc: Matrix, coef: Matrix, t: number): number[] {
  const n = xc.rows;
  const m = xc.cols;
  const g = new Array<number>(m).fill(0);
  for (let i = 0; i < n; i++) {
    let r = yc.data[i * yc.cols + t];
    for (let j = 0; j < m; j++) r -= xc.data[i * m + j] * coef.data[t * m + j];
    for (let j = 0; j < m; j++) g[j] += (xc.data[i * m + j] * r) / n;
  }
  return g;
}

describeEachExecutor("Ridge, Lasso and ElasticNet", () => {
  it("agree with scikit-learn on its data sets, in random blockings", async () => {
    for (const [k, c] of cases.entries()) {
      const [br, bc, by] = fc.sample(
        fc.tuple(
          fc.integer({ min: 1, max: 120 }),
          fc.integer({ min: 1, max: 6 }),
          fc.integer({ min: 1, max: 120 }),
        ),
        { seed: 10 + k, numRuns: 1 },
      )[0];
      const x = await ds.loadNpy(c.x, { blockSize: [br, bc] });
      const y = await ds.loadNpy(c.y, { blockSize: [by, 1] }); // rows blocked unlike x: aligned by fit
      const ridge = await new Ridge({ alpha: 1 }).fit(x, y);
      assertClose(ridge.coef.data, c.ridge[0].flat(), 1e-10, `case ${k} ridge coef`);
      assertClose(ridge.intercept, c.ridge[1], 1e-10, `case ${k} ridge intercept`);
      assert.ok(Math.abs((await ridge.score(x, y)) - c.ridge[2]) < 1e-10, `case ${k} ridge score`);
      const perTarget = await new Ridge({ alpha: c.alphas }).fit(x, y);
      assertClose(perTarget.coef.data, c.ridgeAlphas[0].flat(), 1e-10, `case ${k} ridge alpha per target`);
      assertClose(perTarget.intercept, c.ridgeAlphas[1], 1e-10, `case ${k} ridge intercept per target`);
      const origin = await new Ridge({ alpha: 2, fitIntercept: false }).fit(x, y);
      // Through the origin, shifted columns make xᵀx ill-conditioned (cond(x)² up to 2e12 in case 3): any
      // solver of the normal equations, scikit-learn's too, is then only good to about cond(x)² eps.
      const [skOrigin, qrOrigin, cond] = c.ridgeOrigin;
      const lost = 10 * cond * cond * Number.EPSILON;
      if (lost < 1e-9)
        assertClose(origin.coef.data, skOrigin.flat(), 1e-9, `case ${k} ridge without intercept`);
      else
        assertClose(
          origin.coef.data,
          qrOrigin.flat(),
          lost,
          `case ${k} ridge without intercept (cond ${cond})`,
        );

      const lasso = await new Lasso({ alpha: c.alpha, ...TIGHT }).fit(x, y);
      assertClose(lasso.coef.data, c.lasso[0].flat(), 1e-8, `case ${k} lasso coef`);
      assertClose(lasso.intercept, c.lasso[1], 1e-8, `case ${k} lasso intercept`);
      assert.ok(Math.abs((await lasso.score(x, y)) - c.lasso[2]) < 1e-9, `case ${k} lasso score`);
      assert.deepEqual(zeros(lasso.coef.data), zeros(c.lasso[0].flat()), `case ${k} lasso sparsity`);
      assert.deepEqual(
        zeros(lasso.coef.data),
        zeros(c.lassoNoGram.flat()),
        `case ${k} sparsity (precompute=False)`,
      );
      assert.ok(lasso.converged);
      const positive = await new Lasso({ alpha: c.alpha, positive: true, ...TIGHT }).fit(x, y);
      assertClose(positive.coef.data, c.lassoPositive.flat(), 1e-8, `case ${k} positive lasso`);
      assert.ok(positive.coef.data.every((v) => v >= 0));
      if (c.lassoOrigin !== null) {
        const lassoOrigin = await new Lasso({ alpha: c.alpha, fitIntercept: false, ...TIGHT }).fit(x, y);
        assertClose(
          lassoOrigin.coef.data,
          c.lassoOrigin[0].flat(),
          1e-8,
          `case ${k} lasso without intercept`,
        );
        assert.deepEqual(Array.from(lassoOrigin.intercept), c.lassoOrigin[1], `case ${k} no intercept`);
      }
      const enet = await new ElasticNet({ alpha: c.alpha, l1Ratio: 0.7, ...TIGHT }).fit(x, y);
      assertClose(enet.coef.data, c.enet[0].flat(), 1e-8, `case ${k} elastic net coef`);
      assertClose(enet.intercept, c.enet[1], 1e-8, `case ${k} elastic net intercept`);

      // scikit-learn's default tol on the same Gram solver: the same iterates, epochs and gap.
      const loose = await new Lasso({ alpha: c.alpha }).fit(x, y);
      assertClose(loose.coef.data, c.lassoDefault[0].flat(), 1e-8, `case ${k} lasso coef at tol=1e-4`);
      assert.deepEqual(loose.nIter, c.lassoDefault[1], `case ${k} nIter`);
      const scale = Math.max(...c.lassoDefault[2].map(Math.abs), 1e-300);
      assertClose(
        loose.dualGap.map((g) => g / scale),
        c.lassoDefault[2].map((g) => g / scale),
        1e-4,
        `case ${k} dualGap`,
      );
    }
  });

  it("read x once: one co-moment task per row strip and a tree of merges, nothing else", async () => {
    const x = await ds.random([1000, 7], { blockSize: [100, 3], seed: 5 }).persist();
    const y = await ds.random([1000, 2], { blockSize: [100, 2], seed: 6 }).persist();
    for (const model of [new Ridge(), new Lasso({ alpha: 0.001 }), new LinearRegression()]) {
      const before = engine().stats();
      await model.fit(x, y);
      const after = engine().stats();
      assert.equal(tasksOf("ml.comoments.partial") - (before.byKernel["ml.comoments.partial"] ?? 0), 10);
      // 10 partials, merged 4 at a time: 3 merges, then 1 of those 3.
      assert.equal(tasksOf("ml.comoments.merge") - (before.byKernel["ml.comoments.merge"] ?? 0), 4);
      assert.equal(
        after.tasksSubmitted - before.tasksSubmitted,
        10 + 4,
        `${model.constructor.name}: other tasks`,
      );
    }
  });

  it("give all-zero coefficients from alpha_max = max |xcᵀyc| / (n l1Ratio) up, and not below it", async () => {
    const x = ds
      .random([40, 5], { blockSize: [13, 2], seed: 3 })
      .mul(10)
      .add(1e4);
    const y = ds.random([40, 2], { blockSize: [7, 1], seed: 4 }).add(x.sum(1));
    const { xc, yc } = await dense(x, y, true);
    const yMean = Array.from((await y.mean(0).collect()).data);
    let alphaMax = 0;
    for (let t = 0; t < 2; t++)
      alphaMax = Math.max(alphaMax, ...gradient(xc, yc, Matrix.zeros(2, 5), t).map(Math.abs));
    for (const [model, scale] of [
      [(a: number) => new Lasso({ alpha: a }), 1],
      [(a: number) => new ElasticNet({ alpha: a, l1Ratio: 0.25 }), 4],
    ] as const) {
      for (const factor of [1 + 1e-9, 3]) {
        const zero = await model(alphaMax * scale * factor).fit(x, y);
        assert.ok(
          zero.coef.data.every((v) => v === 0),
          `alpha = ${factor} alpha_max: ${Array.from(zero.coef.data).join(", ")}`,
        );
        assertClose(zero.intercept, yMean, 1e-12, "intercept = mean of y");
        assert.deepEqual(zero.nIter, [1, 1]);
      }
      const below = await model(alphaMax * scale * 0.99).fit(x, y);
      assert.ok(
        below.coef.data.some((v) => v !== 0),
        "just below alpha_max a coefficient is non-zero",
      );
    }
  });

  it("satisfy the optimality (KKT) conditions by a dense check, for random data, alphas and blockings", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 6, max: 50 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 7 }),
        fc.double({ min: 0.01, max: 0.9, noNaN: true }),
        fc.double({ min: 0.1, max: 1, noNaN: true }), // scikit-learn's gap is uninformative near l1Ratio 0
        fc.boolean(),
        fc.integer({ min: 0, max: 1000 }),
        async (n, m, br, bc, share, l1Ratio, positive, seed) => {
          const x = ds.random([n, m], { blockSize: [Math.min(br, n), Math.min(bc, m)], seed }).sub(0.5);
          const y = ds
            .random([n, 2], { blockSize: [Math.min(br, n), 1], seed: seed + 1 })
            .add(x.sum(1).mul(-2));
          const { xc, yc } = await dense(x, y, true);
          let alphaMax = 0;
          for (let t = 0; t < 2; t++) {
            alphaMax = Math.max(alphaMax, ...gradient(xc, yc, Matrix.zeros(2, m), t).map(Math.abs));
          }
          const alpha = share * Math.max(alphaMax, 1e-3);
          const enet = await new ElasticNet({ alpha, l1Ratio, positive, ...TIGHT }).fit(x, y);
          assert.ok(enet.converged, `gap ${Array.from(enet.dualGap).join(", ")}`);
          const ridge = await new Ridge({ alpha: [alpha, 2 * alpha] }).fit(x, y);
          const l1 = alpha * l1Ratio;
          const l2 = alpha * (1 - l1Ratio);
          const eps = 1e-7 * Math.max(1, alphaMax);
          for (let t = 0; t < 2; t++) {
            const g = gradient(xc, yc, enet.coef, t);
            for (let j = 0; j < m; j++) {
              const w = enet.coef.data[t * m + j];
              const d = g[j] - l2 * w; // must be l1 sign(w) where w != 0, in [-l1, l1] (or <= l1) where w = 0
              if (positive) assert.ok(w >= 0, `positive: w = ${w}`);
              if (w !== 0)
                assert.ok(Math.abs(d - l1 * Math.sign(w)) <= eps, `w = ${w}: ${d} vs ${l1 * Math.sign(w)}`);
              else assert.ok(positive ? d <= l1 + eps : Math.abs(d) <= l1 + eps, `w = 0: ${d} vs ${l1}`);
            }
            // Ridge (scikit-learn's unscaled objective): xcᵀ(yc - xc w) = alpha_t w.
            const gr = gradient(xc, yc, ridge.coef, t);
            for (let j = 0; j < m; j++) {
              const want = (alpha * (t + 1) * ridge.coef.data[t * m + j]) / n;
              assert.ok(Math.abs(gr[j] - want) <= 1e-9 * Math.max(1, alphaMax), `ridge: ${gr[j]} vs ${want}`);
            }
          }
        },
      ),
      { numRuns: 12 },
    );
  });

  it("approach LinearRegression as alpha goes to 0 (Ridge) and agree across random blockings", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 10, max: 60 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 1000 }),
        async (n, m, br, bc, seed) => {
          const blocked = ds.random([n, m], { blockSize: [Math.min(br, n), Math.min(bc, m)], seed });
          const whole = ds.random([n, m], { blockSize: [n, m], seed });
          const y = ds
            .random([n, 1], { blockSize: [Math.min(br, n), 1], seed: seed + 1 })
            .add(blocked.sum(1));
          const ols = await new LinearRegression().fit(blocked, y);
          let previous = Infinity;
          for (const alpha of [1e-2, 1e-5, 1e-8]) {
            const ridge = await new Ridge({ alpha }).fit(blocked, y);
            let d = 0;
            for (let j = 0; j < m; j++) d = Math.max(d, Math.abs(ridge.coef.data[j] - ols.coef.data[j]));
            assert.ok(d <= previous + 1e-12, `alpha ${alpha}: distance ${d} grew from ${previous}`);
            previous = d;
          }
          assert.ok(
            previous < 1e-5 * Math.max(1, ...Array.from(ols.coef.data, Math.abs)),
            `alpha 1e-8: ${previous}`,
          );
          const a = await new Lasso({ alpha: 1e-3, ...TIGHT }).fit(blocked, y);
          const b = await new Lasso({ alpha: 1e-3, ...TIGHT }).fit(whole, y.rechunk([n, 1]));
          assertClose(a.coef.data, b.coef.data, 1e-9, "Lasso in two blockings");
          assert.deepEqual(zeros(a.coef.data), zeros(b.coef.data));
        },
      ),
      { numRuns: 8 },
    );
  });

  it("save and load as JSON, refuse to predict before fit, and check their options and inputs", async () => {
    const x = ds.array(
      [
        [1, 2],
        [2, 1],
        [3, 5],
        [4, 4],
      ],
      { blockSize: [2, 2] },
    );
    const y = ds.array([[1], [2], [3], [5]], { blockSize: [3, 1] });
    const models = [
      new Ridge({ alpha: 0.5 }),
      new Lasso({ alpha: 0.05 }),
      new ElasticNet({ alpha: 0.05, l1Ratio: 0.3 }),
    ];
    const loaders = [
      (j: unknown) => Ridge.fromJSON(j),
      (j: unknown) => Lasso.fromJSON(j),
      (j: unknown) => ElasticNet.fromJSON(j),
    ];
    for (const [i, model] of models.entries()) {
      await model.fit(x, y);
      const copy = loaders[i](JSON.parse(JSON.stringify(model)));
      assert.deepEqual(copy.toJSON(), model.toJSON());
      assert.deepEqual(await copy.predict(x).toArray(), await model.predict(x).toArray());
    }
    assert.equal(ElasticNet.fromJSON(JSON.parse(JSON.stringify(models[2]))).l1Ratio, 0.3);
    assert.throws(() => Lasso.fromJSON(models[0].toJSON()), /expected a saved Lasso/);
    assert.throws(() => new Ridge().predict(x), NotFittedError);
    assert.throws(() => new Lasso().nIter, NotFittedError);
    assert.throws(() => new ElasticNet().dualGap, NotFittedError);
    assert.throws(
      () => new Ridge({ alpha: -1 }),
      /Ridge: alpha must be a finite number >= 0 or a non-empty array/,
    );
    assert.throws(() => new Ridge({ alpha: [] }), ArgumentError);
    assert.throws(() => new Ridge({ alpha: [1, NaN] }), ArgumentError);
    assert.throws(() => new Ridge({ solver: "svd" } as never), /unknown option "solver"/);
    await assert.rejects(
      new Ridge({ alpha: [1, 2] }).fit(x, y),
      /Ridge.fit: alpha has 2 values but y has 1 targets/,
    );
    assert.throws(() => new Lasso({ alpha: Infinity }), /Lasso: alpha must be a finite number >= 0/);
    assert.throws(() => new Lasso({ maxIter: 0 }), /Lasso: maxIter must be an integer >= 1/);
    assert.throws(() => new Lasso({ tol: -1 }), /Lasso: tol must be a finite number >= 0/);
    assert.throws(() => new Lasso({ positive: 1 } as never), /Lasso: positive must be true or false/);
    assert.throws(() => new Lasso({ selection: "random" } as never), /Lasso: selection must be "cyclic"/);
    assert.throws(() => new Lasso({ l1Ratio: 0.5 } as never), /unknown option "l1Ratio"/);
    assert.throws(
      () => new ElasticNet({ l1Ratio: 1.5 }),
      /ElasticNet: l1Ratio must be in \[0, 1\] but was 1.5/,
    );
    assert.throws(
      () => new ElasticNet({ fitIntercept: "no" } as never),
      /ElasticNet: fitIntercept must be true or false/,
    );
    for (const model of [new Ridge(), new Lasso(), new ElasticNet()]) {
      await assert.rejects(model.fit(x, ds.ones([3, 1], { blockSize: [3, 1] })), ShapeError);
      await assert.rejects(
        model.fit(x, ds.array([[1], [NaN], [3], [4]], { blockSize: [4, 1] })),
        /contains NaN/,
      );
      await assert.rejects(model.fit(x, [[1], [2], [3], [5]] as never), ArgumentError);
    }
    const fittedLasso = await new Lasso({ alpha: 0.05 }).fit(x, y);
    assert.throws(
      () => fittedLasso.predict(ds.ones([2, 3], { blockSize: [2, 3] })),
      /x has 3 features but the Lasso was fitted with 2/,
    );
    // A run cut short by maxIter is reported, as scikit-learn's ConvergenceWarning.
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on("warning", onWarning);
    const short = await new Lasso({ alpha: 1e-6, maxIter: 1, tol: 1e-14 }).fit(x, y);
    await new Promise((resolve) => setImmediate(resolve));
    process.off("warning", onWarning);
    assert.equal(short.converged, false);
    assert.deepEqual(short.nIter, [1]);
    assert.ok(
      warnings.some((w) =>
        /^ConvergenceWarning: Lasso.fit: objective did not converge in 1 iterations/.test(w),
      ),
    );
  });
});
