import { it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { ArgumentError, ds, NotFittedError, ShapeError } from "../../src/index.ts";
import { LinearRegression, StandardScaler } from "../../src/ml/index.ts";
import { describeEachExecutor } from "../support/executors.ts";
import { pythonJson } from "../support/python.ts";
import { assertClose } from "../support/approx.ts";

const dir = mkdtempSync(join(tmpdir(), "dsfabric-ml-"));

/** Data sets made by scikit-learn, saved as .npy, with scikit-learn's fitted answers on them. */
interface Case {
  x: string;
  y: string;
  coef: number[][];
  intercept: number[];
  score: number;
  coefNoIntercept: number[][];
  mean: number[];
  scale: number[];
  transformed: number[][];
}

/**
 * Ill-conditioned x (condition 1e7, full rank) with scikit-learn's fit, and rank-deficient x with numpy's
 * minimum-norm lstsq (scikit-learn's differs there, see the script).
 */
interface IllCase {
  x: string;
  y: string;
  coef: number[][];
  intercept: number[];
  rank: number;
  predictions: number[];
}

const { cases, ill } = pythonJson<{ cases: Case[]; ill: IllCase[] }>(
  `import sys, json, numpy as np
from sklearn.datasets import make_regression
from sklearn.linear_model import LinearRegression
from sklearn.preprocessing import StandardScaler
out = []
for k, (n, m, targets, shift, dup) in enumerate([(200, 5, 1, 0.0, False), (333, 12, 3, 1e4, False), (150, 6, 1, 5.0, True), (40, 1, 2, -3.0, False)]):
    x, y = make_regression(n_samples=n, n_features=m, n_targets=targets, noise=0.5, random_state=k)
    x = x * np.arange(1, m + 1) + shift
    if dup:
        x[:, -1] = x[:, 0]
    y = y.reshape(n, -1) + 7.0
    xf, yf = f"{sys.argv[1]}/x{k}.npy", f"{sys.argv[1]}/y{k}.npy"
    np.save(xf, x); np.save(yf, y)
    lr = LinearRegression().fit(x, y)
    lr0 = LinearRegression(fit_intercept=False).fit(x, y)
    sc = StandardScaler().fit(x)
    out.append({"x": xf, "y": yf, "coef": lr.coef_.tolist(), "intercept": lr.intercept_.tolist(), "score": lr.score(x, y),
                "coefNoIntercept": lr0.coef_.tolist(), "mean": sc.mean_.tolist(), "scale": sc.scale_.tolist(),
                "transformed": sc.transform(x)[:5].tolist()})
ill = []
rng = np.random.RandomState(3)
for k, (n, spectrum) in enumerate([(300, np.logspace(0, -7, 6)), (250, np.r_[np.logspace(0, -3, 4), 0.0])]):
    q = np.linalg.qr(rng.randn(n, len(spectrum)))[0]
    v = np.linalg.qr(rng.randn(len(spectrum), len(spectrum)))[0]
    x = 10 * q @ np.diag(spectrum) @ v.T + np.arange(len(spectrum))
    y = x @ rng.randn(len(spectrum), 2) + 0.01 * rng.randn(n, 2) + 3.0
    xf, yf = f"{sys.argv[1]}/ill-x{k}.npy", f"{sys.argv[1]}/ill-y{k}.npy"
    np.save(xf, x); np.save(yf, y)
    if k == 0:
        lr = LinearRegression().fit(x, y)
        coef, intercept, rank = lr.coef_, lr.intercept_, lr.rank_
    else:
        # scikit-learn's lstsq (scipy, cutoff eps * smax) keeps the rounding noise of the zero singular value
        # (7.6e-15 relative) and gives coefficients of 1e12; numpy's cutoff, max(n, m) * eps, does not.
        w, _, rank, _ = np.linalg.lstsq(x - x.mean(0), y - y.mean(0), rcond=None)
        coef, intercept = w.T, y.mean(0) - x.mean(0) @ w
    ill.append({"x": xf, "y": yf, "coef": coef.tolist(), "intercept": intercept.tolist(), "rank": int(rank),
                "predictions": (x[:10] @ coef.T + intercept).ravel().tolist()})
print(json.dumps({"cases": out, "ill": ill}))`,
  [dir],
);

describeEachExecutor("LinearRegression and StandardScaler", () => {
  it("agree with scikit-learn on its own data sets, in random blockings", async () => {
    for (const [k, c] of cases.entries()) {
      const [br, bc] = fc.sample(fc.tuple(fc.integer({ min: 1, max: 80 }), fc.integer({ min: 1, max: 6 })), {
        seed: k,
        numRuns: 1,
      })[0];
      const x = await ds.loadNpy(c.x, { blockSize: [br, bc] });
      const y = await ds.loadNpy(c.y, { blockSize: [br, 1] });
      const model = await new LinearRegression().fit(x, y);
      assertClose(model.coef.data, c.coef.flat(), 1e-7, `case ${k} coef`);
      assertClose(model.intercept, c.intercept, 1e-7, `case ${k} intercept`);
      assert.ok(Math.abs((await model.score(x, y)) - c.score) < 1e-9, `case ${k} score`);
      const origin = await new LinearRegression({ fitIntercept: false }).fit(x, y);
      assertClose(origin.coef.data, c.coefNoIntercept.flat(), 1e-7, `case ${k} coef without intercept`);
      assert.deepEqual(Array.from(origin.intercept), new Array(c.intercept.length).fill(0));

      const scaler = await new StandardScaler().fit(x);
      assertClose(scaler.mean ?? [], c.mean, 1e-12, `case ${k} mean`);
      assertClose(scaler.scale ?? [], c.scale, 1e-12, `case ${k} scale`);
      const t = await scaler.transform(x).slice([0, 5]).collect();
      assertClose(t.data, c.transformed.flat(), 1e-9, `case ${k} transform`);
      const back = await scaler.inverseTransform(scaler.transform(x)).collect();
      assertClose(back.data, (await x.collect()).data, 1e-9, `case ${k} inverse`);
    }
  });

  it("LinearRegression: scikit-learn's answer on ill-conditioned x, lstsq's on rank-deficient x (the QR route)", async () => {
    for (const [k, c] of ill.entries()) {
      const x = await ds.loadNpy(c.x, { blockSize: [64, 2 + k] });
      const y = await ds.loadNpy(c.y, { blockSize: [50, 2] });
      const model = await new LinearRegression().fit(x, y);
      assert.equal(model.rank, c.rank, `case ${k} rank`);
      // Both solve from x itself (errors ~condition · 1e-16 ≈ 1e-9); the normal equations would lose all
      // digits of case 0 (condition 1e7) and call it rank 4.
      assertClose(model.coef.data, c.coef.flat(), 1e-6, `case ${k} coef`);
      assertClose(model.intercept, c.intercept, 1e-6, `case ${k} intercept`);
      const p = await model.predict(x.slice([0, 10])).collect();
      assertClose(p.data, c.predictions, 1e-9, `case ${k} predictions`);
    }
  });

  it("leave residuals orthogonal to every column (and to the intercept) for random data and blockings", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 8, max: 60 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 1000 }),
        async (n, m, br, bc, seed) => {
          const x = ds.random([n, m], { blockSize: [Math.min(br, n), Math.min(bc, m)], seed });
          const y = ds.random([n, 2], { blockSize: [Math.min(br, n), 1], seed: seed + 1 }).add(x.sum(1));
          const model = await new LinearRegression().fit(x, y);
          const residual = y.sub(model.predict(x));
          const xr = await ds.matmul(x, residual, { transposeA: true }).collect();
          const colSums = await residual.sum(0).collect();
          const norm = Math.max(1, await x.norm()) * Math.max(1, await y.norm());
          for (const v of [...xr.data, ...colSums.data]) assert.ok(Math.abs(v) < 1e-9 * norm, `x^T r = ${v}`);
        },
      ),
      { numRuns: 15 },
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
    const model = await new LinearRegression().fit(x, y);
    const copy = LinearRegression.fromJSON(JSON.parse(JSON.stringify(model)));
    assert.deepEqual(await copy.predict(x).toArray(), await model.predict(x).toArray());
    const scaler = await new StandardScaler({ withMean: false }).fit(x);
    const scalerCopy = StandardScaler.fromJSON(JSON.parse(JSON.stringify(scaler.toJSON())));
    assert.deepEqual(await scalerCopy.transform(x).toArray(), await scaler.transform(x).toArray());
    assert.throws(() => new LinearRegression().predict(x), NotFittedError);
    assert.throws(() => new StandardScaler().transform(x), /not fitted yet; call await fit\(x\) first/);
    assert.throws(
      () => new LinearRegression({ fit_intercept: false } as never),
      /unknown option "fit_intercept"/,
    );
    assert.throws(() => new StandardScaler({ withMean: "yes" } as never), ArgumentError);
    assert.throws(
      () => LinearRegression.fromJSON({ estimator: "KMeans" }),
      /expected a saved LinearRegression/,
    );
    await assert.rejects(new LinearRegression().fit(x, ds.ones([3, 1], { blockSize: [3, 1] })), ShapeError);
    assert.throws(
      () => model.predict(ds.ones([2, 3], { blockSize: [2, 3] })),
      /x has 3 features but the LinearRegression was fitted with 2/,
    );
    await assert.rejects(new StandardScaler().fit(x.toSparse()), /cannot center a sparse array/);
  });
});
