import { it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import type { Matrix } from "../../src/index.ts";
import { ArgumentError, ds, NotFittedError, ShapeError } from "../../src/index.ts";
import { engine } from "../../src/internal.ts";
import { KMeans } from "../../src/ml/index.ts";
import { describeEachExecutor } from "../support/executors.ts";
import { pythonJson } from "../support/python.ts";
import { assertClose } from "../support/approx.ts";

const dir = mkdtempSync(join(tmpdir(), "dsfabric-kmeans-"));

/** Data sets saved as .npy, explicit initial centres, and scikit-learn's Lloyd run from them. */
interface Case {
  x: string;
  init: number[][];
  maxIter: number;
  tol: number;
  centres: number[][];
  inertia: number;
  nIter: number;
  labels: number[];
  transformed: number[][];
  score: number;
}

const cases = pythonJson<Case[]>(
  `import sys, json, numpy as np
from sklearn.datasets import make_blobs
from sklearn.cluster import KMeans
out = []
rng = np.random.default_rng(7)
def blobs(n, m, c, seed, shift=0.0):
    return make_blobs(n_samples=n, n_features=m, centers=c, random_state=seed)[0] + shift
# (x, k, max_iter, tol, init)
specs = [
    (blobs(500, 3, 4, 0), 4, 300, 1e-4, None),
    (rng.random((300, 5)), 6, 300, 0.0, None),
    (blobs(400, 7, 5, 1, 1e3), 5, 3, 1e-4, None),
    (rng.normal(size=(250, 2)), 3, 300, 1e-4, "far"),
    (blobs(120, 1, 3, 2), 3, 300, 1e-4, None),
]
for k, (x, nc, max_iter, tol, how) in enumerate(specs):
    init = x[rng.choice(x.shape[0], nc, replace=False)].copy()
    if how == "far":
        init[-1] = 100.0  # no point is closest to it: an empty cluster at the first iteration
    xf = f"{sys.argv[1]}/x{k}.npy"
    np.save(xf, x)
    km = KMeans(n_clusters=nc, init=init, n_init=1, algorithm="lloyd", max_iter=max_iter, tol=tol).fit(x)
    out.append({"x": xf, "init": init.tolist(), "maxIter": max_iter, "tol": tol, "centres": km.cluster_centers_.tolist(),
                "inertia": float(km.inertia_), "nIter": int(km.n_iter_), "labels": km.labels_.tolist(),
                "transformed": km.transform(x[:5]).tolist(), "score": float(km.score(x))})
print(json.dumps(out))`,
  [dir],
);

/** Squared distance of row i of x to centre c. */
function squared(x: Matrix, i: number, centres: Matrix, c: number): number {
  let s = 0;
  for (let t = 0; t < x.cols; t++) s += (x.get(i, t) - centres.get(c, t)) ** 2;
  return s;
}

function tasksOf(kernel: string): number {
  return engine().stats().byKernel[kernel] ?? 0;
}

describeEachExecutor("KMeans", () => {
  it("agrees with scikit-learn's Lloyd run from the same centres, in random blockings", async () => {
    for (const [k, c] of cases.entries()) {
      const [br, bc] = fc.sample(fc.tuple(fc.integer({ min: 1, max: 90 }), fc.integer({ min: 1, max: 4 })), {
        seed: 100 + k,
        numRuns: 1,
      })[0];
      const x = await ds.loadNpy(c.x, { blockSize: [br, bc] });
      const model = new KMeans({ nClusters: c.init.length, init: c.init, maxIter: c.maxIter, tol: c.tol });
      const before = tasksOf("ml.kmeans.partial");
      const labels = await (await model.fitPredict(x)).collect();
      const where = `case ${k} (blockSize [${br}, ${bc}])`;
      assertClose(model.clusterCenters.data, c.centres.flat(), 1e-9, `${where} centres`);
      assert.ok(Math.abs(model.inertia - c.inertia) <= 1e-9 * c.inertia, `${where} inertia ${model.inertia}`);
      assert.equal(model.nIter, c.nIter, `${where} nIter`);
      assert.deepEqual(Array.from(labels.data), c.labels, `${where} labels`);
      // One partial task per row strip and iteration, plus the final pass.
      assert.equal(tasksOf("ml.kmeans.partial") - before, x.nBlocks[0] * (c.nIter + 1), `${where} tasks`);
      const t = await model.transform(x).slice([0, 5]).collect();
      assertClose(t.data, c.transformed.flat(), 1e-9, `${where} transform`);
      const score = await model.score(x);
      assert.ok(Math.abs(score - c.score) <= 1e-9 * Math.abs(c.score), `${where} score ${score}`);
    }
  });

  it("ends with each centre the mean of its points and the inertia their squared distances, for random data and blockings", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 6, max: 80 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.constantFrom("random" as const, "k-means++" as const),
        async (n, m, br, bc, k, seed, init) => {
          const x = ds.random([n, m], { blockSize: [Math.min(br, n), Math.min(bc, m)], seed });
          const model = await new KMeans({ nClusters: k, init, tol: 0, randomState: seed, nInit: 1 }).fit(x);
          assert.ok(model.nIter < 300, `did not converge in ${model.nIter}`);
          const xs = await x.collect();
          const labels = (await model.predict(x).collect()).data;
          const centres = model.clusterCenters;
          let inertia = 0;
          for (let c = 0; c < k; c++) {
            const mine = [...labels.keys()].filter((i) => labels[i] === c);
            assert.ok(mine.length > 0, `cluster ${c} is empty`);
            for (let t = 0; t < m; t++) {
              const mean = mine.reduce((s, i) => s + xs.get(i, t), 0) / mine.length;
              assert.ok(
                Math.abs(centres.get(c, t) - mean) < 1e-12,
                `centre ${c}[${t}] ${centres.get(c, t)} vs ${mean}`,
              );
            }
          }
          for (let i = 0; i < n; i++) {
            const own = squared(xs, i, centres, labels[i]);
            for (let c = 0; c < k; c++)
              assert.ok(own <= squared(xs, i, centres, c) + 1e-12, `row ${i} not closest`);
            inertia += own;
          }
          assert.ok(
            Math.abs(model.inertia - inertia) <= 1e-12 * Math.max(1, inertia),
            `inertia ${model.inertia} vs ${inertia}`,
          );
          assert.ok(Math.abs((await model.score(x)) + inertia) <= 1e-12 * Math.max(1, inertia));
        },
      ),
      { numRuns: 12 },
    );
  });

  it("never raises the inertia from one iteration to the next", async () => {
    for (const seed of [1, 2, 3]) {
      const x = ds.random([120, 3], { blockSize: [25, 2], seed });
      const start = await x.slice([0, 5]).collect();
      let previous = Infinity;
      for (let maxIter = 1; maxIter <= 8; maxIter++) {
        const model = await new KMeans({ nClusters: 5, init: start, maxIter, tol: 0 }).fit(x);
        assert.ok(
          model.inertia <= previous * (1 + 1e-12),
          `seed ${seed}: ${model.inertia} after ${maxIter} > ${previous}`,
        );
        previous = model.inertia;
      }
    }
  });

  it("saves and loads as JSON, refuses to predict before fit, and checks its options and inputs", async () => {
    const x = ds.random([40, 3], { blockSize: [7, 2], seed: 3 });
    const model = await new KMeans({ nClusters: 3, randomState: 5 }).fit(x);
    const copy = KMeans.fromJSON(JSON.parse(JSON.stringify(model)));
    assert.deepEqual(await copy.predict(x).toArray(), await model.predict(x).toArray());
    assert.deepEqual(copy.clusterCenters, model.clusterCenters);
    assert.equal(copy.inertia, model.inertia);
    const sparse = await new KMeans({ nClusters: 3, randomState: 5 }).fit(x.toSparse());
    assert.deepEqual(sparse.clusterCenters, model.clusterCenters);
    const again = await new KMeans({ nClusters: 3, randomState: 5 }).fit(x.rechunk([40, 3]));
    assertClose(
      again.clusterCenters.data,
      model.clusterCenters.data,
      1e-12,
      "the same seed, another blocking",
    );

    assert.throws(() => new KMeans({ nClusters: 2 }).predict(x), NotFittedError);
    assert.throws(() => new KMeans().transform(x), /KMeans.transform: this KMeans is not fitted yet/);
    await assert.rejects(new KMeans().score(x), NotFittedError);
    assert.throws(() => new KMeans({ n_clusters: 3 } as never), /KMeans: unknown option "n_clusters"/);
    assert.throws(() => new KMeans({ nClusters: 0 }), /nClusters must be an integer >= 1 but was 0/);
    assert.throws(() => new KMeans({ nClusters: 2.5 }), ArgumentError);
    assert.throws(
      () => new KMeans({ init: "kmeans" as never }),
      /init must be "k-means\+\+", "k-means\|\|", "random" or a Matrix/,
    );
    assert.throws(
      () => new KMeans({ nClusters: 3, init: [[0, 0]] }),
      /init has shape \[1, 2\] but nClusters is 3/,
    );
    assert.throws(
      () => new KMeans({ nClusters: 1, init: [[0, 0]], nInit: 3 }),
      /nInit must be 1 when init is a Matrix/,
    );
    assert.throws(() => new KMeans({ tol: -1 }), /tol must be a finite number >= 0/);
    assert.throws(() => new KMeans({ maxIter: 0 }), /maxIter must be an integer >= 1/);
    assert.throws(() => new KMeans({ randomState: "a" } as never), /randomState must be an integer/);
    await assert.rejects(new KMeans({ nClusters: 41 }).fit(x), /x has 40 rows but nClusters is 41/);
    await assert.rejects(new KMeans({ nClusters: 1, init: [[0, 0]] }).fit(x), ShapeError);
    await assert.rejects(new KMeans().fit([[1]] as never), /KMeans.fit: x must be a DsArray/);
    assert.throws(
      () => model.predict(ds.ones([2, 4], { blockSize: [2, 4] })),
      /x has 4 features but the KMeans was fitted with 3/,
    );
    assert.throws(() => KMeans.fromJSON({ estimator: "PCA" }), /expected a saved KMeans/);
  });
});
