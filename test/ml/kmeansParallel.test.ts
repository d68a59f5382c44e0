import { it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Matrix } from "../../src/index.ts";
import { ds } from "../../src/index.ts";
import { engine } from "../../src/internal.ts";
import { KMeans } from "../../src/ml/index.ts";
import { SeededUniform } from "../../src/ml/cluster/kMeansInit.ts";
import { kMeansParallel, ROUNDS } from "../../src/ml/cluster/kMeansParallel.ts";
import { float64Bits, pythonJson } from "../support/python.ts";
import { describeEachExecutor } from "../support/executors.ts";

const dir = mkdtempSync(join(tmpdir(), "dsfabric-kmeans-par-"));

/** scikit-learn's make_blobs: well separated (std 0.5, centres in a box of side 200) and overlapping (std 2, side 20). */
const blobs = pythonJson<{ separated: string; labels: number[]; overlapping: string }>(
  `import sys, json, numpy as np
from sklearn.datasets import make_blobs
x, y = make_blobs(n_samples=3000, n_features=5, centers=6, cluster_std=0.5, center_box=(-100, 100), random_state=4)
np.save(f"{sys.argv[1]}/separated.npy", x)
z, _ = make_blobs(n_samples=2000, n_features=2, centers=10, cluster_std=2.0, center_box=(-10, 10), random_state=5)
np.save(f"{sys.argv[1]}/overlapping.npy", z)
print(json.dumps({"separated": f"{sys.argv[1]}/separated.npy", "labels": y.tolist(), "overlapping": f"{sys.argv[1]}/overlapping.npy"}))`,
  [dir],
);

/** The row of x equal to `centre` (every value), or -1. */
function rowOf(xs: Matrix, centre: Float64Array): number {
  for (let i = 0; i < xs.rows; i++) {
    if (centre.every((v, t) => v === xs.get(i, t))) return i;
  }
  return -1;
}

function tasksOf(kernel: string): number {
  return engine().stats().byKernel[kernel] ?? 0;
}

describeEachExecutor("KMeans k-means||", () => {
  it("picks rows of x, the same for a seed whatever the blocking, and other rows for another seed", async () => {
    const path = blobs.overlapping;
    const a = await ds.loadNpy(path, { blockSize: [300, 2] });
    const b = await ds.loadNpy(path, { blockSize: [77, 1] });
    const xs = await a.collect();
    const before = { cost: tasksOf("ml.kmeans.cost"), count: tasksOf("ml.kmeans.sampleCount") };
    const first = await kMeansParallel("test", a, 10, new SeededUniform(3, 0));
    // At most one cost pass per round (the first before the rounds, none after the last) and one count per round.
    assert.ok(tasksOf("ml.kmeans.cost") - before.cost <= a.nBlocks[0] * ROUNDS);
    assert.equal(tasksOf("ml.kmeans.sampleCount") - before.count, a.nBlocks[0] * ROUNDS);
    const again = await kMeansParallel("test", a, 10, new SeededUniform(3, 0));
    const reblocked = await kMeansParallel("test", b, 10, new SeededUniform(3, 0));
    const other = await kMeansParallel("test", a, 10, new SeededUniform(4, 0));
    assert.deepEqual(float64Bits(again.data), float64Bits(first.data));
    assert.deepEqual(float64Bits(reblocked.data), float64Bits(first.data));
    assert.notDeepEqual(float64Bits(other.data), float64Bits(first.data));
    const rows = new Set<number>();
    for (let c = 0; c < 10; c++) {
      const row = rowOf(xs, first.data.subarray(c * 2, (c + 1) * 2));
      assert.ok(row >= 0, `centre ${c} is not a row of x`);
      rows.add(row);
    }
    assert.equal(rows.size, 10, "the centres are distinct rows");
    // Through the estimator: the same seed gives the same fit.
    const fit = async () => new KMeans({ nClusters: 10, init: "k-means||", randomState: 9 }).fit(a);
    assert.deepEqual(
      float64Bits((await fit()).clusterCenters.data),
      float64Bits((await fit()).clusterCenters.data),
    );
  });

  it("finds well-separated clusters: one initial centre in each, and the true partition after Lloyd", async () => {
    const x = await ds.loadNpy(blobs.separated, { blockSize: [250, 5] });
    const xs = await x.collect();
    for (const seed of [0, 1, 2]) {
      const start = await kMeansParallel("test", x, 6, new SeededUniform(seed, 0));
      const hit = new Set<number>();
      for (let c = 0; c < 6; c++) hit.add(blobs.labels[rowOf(xs, start.data.subarray(c * 5, (c + 1) * 5))]);
      assert.equal(hit.size, 6, `seed ${seed}: the initial centres fall in ${hit.size} of the 6 blobs`);
      const model = await new KMeans({ nClusters: 6, init: "k-means||", randomState: seed }).fit(x);
      const labels = (await model.predict(x).collect()).data;
      // The same partition: each found cluster is exactly one true blob.
      const mapping = new Map<number, number>();
      for (let i = 0; i < labels.length; i++) {
        const seen = mapping.get(labels[i]);
        if (seen === undefined) mapping.set(labels[i], blobs.labels[i]);
        else assert.equal(seen, blobs.labels[i], `seed ${seed}: row ${i} in a mixed cluster`);
      }
      assert.equal(new Set(mapping.values()).size, 6);
    }
  });

  it("starts as well as k-means++ on overlapping clusters (inertia after one Lloyd step)", async () => {
    const x = await ds.loadNpy(blobs.overlapping, { blockSize: [400, 2] });
    const mean = async (init: "k-means++" | "k-means||") => {
      let total = 0;
      for (let seed = 0; seed < 6; seed++)
        total += (await new KMeans({ nClusters: 10, init, randomState: seed, maxIter: 1 }).fit(x)).inertia;
      return total / 6;
    };
    // Here (6 seeds): k-means++ 11029, k-means|| 11051, "random" 14045 (which the bounds would reject).
    const plusPlus = await mean("k-means++");
    const parallel = await mean("k-means||");
    assert.ok(parallel <= 1.1 * plusPlus, `k-means|| ${parallel} vs k-means++ ${plusPlus}`);
    assert.ok(plusPlus <= 1.1 * parallel, `k-means++ ${plusPlus} vs k-means|| ${parallel}`);
  });

  it("falls back to k-means++ when x has fewer distinct rows than clusters, and saves its init", async () => {
    const x = ds.array(
      [
        [1, 1],
        [1, 1],
        [2, 2],
        [2, 2],
        [1, 1],
        [2, 2],
      ],
      { blockSize: [4, 2] },
    );
    const start = await kMeansParallel("test", x, 3, new SeededUniform(0, 0));
    for (let c = 0; c < 3; c++)
      assert.ok([1, 2].includes(start.get(c, 0)) && start.get(c, 0) === start.get(c, 1));
    const model = await new KMeans({ nClusters: 3, init: "k-means||" }).fit(x);
    assert.equal(model.inertia, 0);
    const copy = KMeans.fromJSON(JSON.parse(JSON.stringify(model)));
    assert.equal(copy.init, "k-means||");
    assert.throws(
      () => new KMeans({ init: "k-means|" as never }),
      /init must be "k-means\+\+", "k-means\|\|", "random"/,
    );
  });
});
