import { it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ds } from "../../src/index.ts";
import { LogisticRegression } from "../../src/ml/index.ts";
import { describeEachExecutor } from "../support/executors.ts";
import { pythonJson } from "../support/python.ts";
import { assertClose } from "../support/approx.ts";
import { kernelsDuring } from "../support/kernels.ts";

const dir = mkdtempSync(join(tmpdir(), "dsfabric-logistic-sparse-"));

/**
 * Sparse data (about 70% zeros, saved dense as .npy) and scikit-learn's fits on it as a scipy CSR matrix:
 * lbfgs at tol 1e-10 and newton-cg at tol 1e-10 (the optimum).
 */
interface Case {
  x: string;
  y: string;
  C: number;
  coef: number[][];
  intercept: number[];
  nIter: number;
  optimumCoef: number[][];
  optimumIntercept: number[];
  proba: number[][];
  predict: number[];
}

const cases = pythonJson<Case[]>(
  `import sys, json, warnings, numpy as np, scipy.sparse as sp
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
warnings.simplefilter("ignore")
out = []
for k, (n, m, classes, C) in enumerate([(300, 12, 2, 1.0), (360, 10, 3, 0.5)]):
    x, y = make_classification(n_samples=n, n_features=m, n_informative=5, n_redundant=0,
                               n_classes=classes, n_clusters_per_class=1, random_state=10 + k)
    x = x * (np.random.default_rng(k).random(x.shape) < 0.3)
    xf, yf = f"{sys.argv[1]}/x{k}.npy", f"{sys.argv[1]}/y{k}.npy"
    np.save(xf, x); np.save(yf, y.reshape(-1, 1).astype(float))
    xs = sp.csr_matrix(x)
    a = LogisticRegression(C=C, max_iter=10000, tol=1e-10).fit(xs, y)
    b = LogisticRegression(C=C, solver="newton-cg", max_iter=10000, tol=1e-10).fit(xs, y)
    out.append({"x": xf, "y": yf, "C": C, "coef": a.coef_.tolist(), "intercept": a.intercept_.tolist(),
                "nIter": int(a.n_iter_[0]), "optimumCoef": b.coef_.tolist(), "optimumIntercept": b.intercept_.tolist(),
                "proba": a.predict_proba(xs[:6]).toarray().tolist() if sp.issparse(a.predict_proba(xs[:6])) else a.predict_proba(xs[:6]).tolist(),
                "predict": a.predict(xs).tolist()})
print(json.dumps(out))`,
  [dir],
);

describeEachExecutor("LogisticRegression on sparse blocks", () => {
  it("agrees with scikit-learn on a CSR matrix (lbfgs and newton-cholesky) without making x dense", async () => {
    for (const [k, c] of cases.entries()) {
      const where = `case ${k}`;
      const dense = await ds.loadNpy(c.x, { blockSize: [70, 5] });
      const x = await dense.toSparse().persist();
      const y = await ds.loadNpy(c.y, { blockSize: [70, 1] });
      const { result: model, kernels } = await kernelsDuring(async () => {
        const fitted = await new LogisticRegression({ C: c.C, maxIter: 10000, tol: 1e-10 }).fit(x, y);
        await fitted.predict(x).collect();
        return fitted;
      });
      assert.ok(!kernels.includes("sparse.toDense"), `${where}: kernels ${[...new Set(kernels)].join(" ")}`);
      assert.ok(kernels.includes("ml.logistic.lossGrad"), `${where}: the loss ran`);
      // As in logistic.test.ts: the same algorithm and stopping rule, 1e-5 short of the optimum.
      assertClose(model.coef.data, c.coef.flat(), 1e-5, `${where} coef`);
      assertClose(model.intercept, c.intercept, 1e-5, `${where} intercept`);
      assert.ok(Math.abs(model.nIter - c.nIter) <= 2, `${where} nIter ${model.nIter} vs ${c.nIter}`);
      const head = x.slice([0, 6]);
      assertClose((await model.predictProba(head).collect()).data, c.proba.flat(), 1e-5, `${where} proba`);
      assert.deepEqual(Array.from((await model.predict(x).collect()).data), c.predict, `${where} predict`);
      // The same fit on the dense form: the sums in another order only.
      const twin = await new LogisticRegression({ C: c.C, maxIter: 10000, tol: 1e-10 }).fit(dense, y);
      assertClose(model.coef.data, twin.coef.data, 1e-6, `${where} sparse vs dense coef`);

      const newton = await new LogisticRegression({ C: c.C, solver: "newton-cholesky", tol: 1e-10 }).fit(
        x,
        y,
      );
      assertClose(newton.coef.data, c.optimumCoef.flat(), 1e-7, `${where} newton coef`);
      assertClose(newton.intercept, c.optimumIntercept, 1e-7, `${where} newton intercept`);
    }
  });

  it("reports a NaN stored in a sparse x as a non-finite value", async () => {
    const x = ds
      .array(
        [
          [0, 1],
          [NaN, 0],
          [2, 0],
          [0, 3],
        ],
        { blockSize: [2, 2] },
      )
      .toSparse();
    const y = ds.array([[0], [1], [0], [1]], { blockSize: [2, 1] });
    await assert.rejects(
      new LogisticRegression().fit(x, y),
      /LogisticRegression.fit: x has a value that is not finite/,
    );
  });
});
