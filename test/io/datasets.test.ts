import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ArgumentError, init, shutdown, type DsArray, type Matrix } from "../../src/index.ts";
import { datasets } from "../../src/io/datasets/index.ts";
import { shareByLargestRemainder } from "../../src/io/datasets/mnist.ts";
import { Permutation, classOfRank } from "../../src/io/datasets/permutation.ts";

const CLASS_SIZES = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];
const TEST_COUNTS = [200, 225, 198, 206, 196, 173, 203, 214, 189, 196];

function labelCounts(y: Matrix, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (const v of y.data) {
    assert.ok(Number.isInteger(v) && v >= 0 && v < classes, `label ${v} outside 0..${classes - 1}`);
    counts[v]++;
  }
  return counts;
}

function rowKeys(m: Matrix): string[] {
  const keys: string[] = [];
  for (let i = 0; i < m.rows; i++) keys.push(m.data.subarray(i * m.cols, (i + 1) * m.cols).join(","));
  return keys;
}

async function same(a: DsArray, b: DsArray): Promise<boolean> {
  const [ma, mb] = await Promise.all([a.collect(), b.collect()]);
  return ma.rows === mb.rows && ma.cols === mb.cols && ma.data.every((v, k) => Object.is(v, mb.data[k]));
}

describe("ds.datasets", () => {
  before(async () => init({ executor: "inline" }));
  after(async () => shutdown());

  describe("mnist", () => {
    it("splits the 10,000 shipped digits 8,000 / 2,000, stratified, with known class counts", async () => {
      const { x, y, xTest, yTest } = datasets.mnist();
      assert.deepEqual(x.shape, [8000, 784]);
      assert.deepEqual(y.shape, [8000, 1]);
      assert.deepEqual(xTest.shape, [2000, 784]);
      assert.deepEqual(yTest.shape, [2000, 1]);
      const testCounts = labelCounts(await yTest.collect(), 10);
      const trainCounts = labelCounts(await y.collect(), 10);
      assert.deepEqual(testCounts, TEST_COUNTS);
      assert.deepEqual(
        trainCounts.map((c, d) => c + testCounts[d]),
        CLASS_SIZES,
      );
    });

    it("has pixels in [0, 1] with at most three decimals, and no image in both sets", async () => {
      const { x, xTest } = datasets.mnist();
      const [train, test] = await Promise.all([x.collect(), xTest.collect()]);
      for (const m of [train, test]) {
        let sum = 0;
        for (const v of m.data) {
          assert.ok(v >= 0 && v <= 1, `pixel ${v} outside [0, 1]`);
          assert.equal(Math.round(v * 1000) / 1000, v);
          sum += v;
        }
        const mean = sum / m.data.length;
        assert.ok(mean > 0.1 && mean < 0.16, `mean pixel ${mean} is not MNIST-like (about 0.13)`);
      }
      const trainKeys = new Set(rowKeys(train));
      const shared = rowKeys(test).filter((k) => trainKeys.has(k));
      assert.equal(shared.length, 0, "an image is both in the training and the test set");
    });

    it("takes smaller sets, and the seed orders rows without changing which digits are in them", async () => {
      const a = datasets.mnist({ trainSize: 500, testSize: 100, seed: 1 });
      const b = datasets.mnist({ trainSize: 500, testSize: 100, seed: 1, blockSize: [64, 784] });
      const c = datasets.mnist({ trainSize: 500, testSize: 100, seed: 2 });
      assert.deepEqual(a.x.shape, [500, 784]);
      assert.deepEqual(b.x.nBlocks, [8, 1]);
      assert.deepEqual(b.xTest.nBlocks, [2, 1]);
      assert.ok(await same(a.x, b.x), "the block size changed the data");
      assert.ok(!(await same(a.x, c.x)), "another seed gave the same row order");
      const sorted = async (m: DsArray) => rowKeys(await m.collect()).sort();
      assert.deepEqual(await sorted(a.x), await sorted(c.x));
      assert.deepEqual(labelCounts(await a.yTest.collect(), 10), shareByLargestRemainder(100, CLASS_SIZES));
      assert.deepEqual(datasets.mnist({ trainSize: 9999 }).xTest.shape, [1, 784]);
    });

    it("rejects bad options with messages that name them", () => {
      assert.throws(() => datasets.mnist({ trainSize: 9000, testSize: 2000 }), {
        name: "ArgumentError",
        message: /trainSize \+ testSize must be at most 10000 .* 9000 \+ 2000 = 11000/,
      });
      assert.throws(
        () => datasets.mnist({ trainSize: 0 }),
        /trainSize must be an integer in \[1, 9999\] but was 0/,
      );
      assert.throws(
        () => datasets.mnist({ testSize: 1.5 }),
        /testSize must be an integer in \[1, 9999\] but was 1.5/,
      );
      assert.throws(() => datasets.mnist({ blockSize: [100, 785] }), /block size 785 is larger/);
      assert.throws(
        () => datasets.mnist({ train: 10 } as never),
        /unknown option "train" \(known options: trainSize/,
      );
      assert.throws(() => datasets.mnist({ seed: 0.5 }), ArgumentError);
    });
  });

  describe("makeBlobs", () => {
    it("gives exact, balanced cluster sizes and centres that recover the labels", async () => {
      const { x, y, centers } = datasets.makeBlobs({
        nSamples: 301,
        nFeatures: 5,
        centers: 3,
        clusterStd: 0.5,
        seed: 9,
      });
      assert.deepEqual(x.shape, [301, 5]);
      assert.deepEqual(y.shape, [301, 1]);
      assert.deepEqual([centers.rows, centers.cols], [3, 5]);
      assert.ok(centers.data.every((v) => v >= -10 && v < 10));
      const [mx, my] = await Promise.all([x.collect(), y.collect()]);
      assert.deepEqual(labelCounts(my, 3), [101, 100, 100]);
      let right = 0;
      for (let i = 0; i < mx.rows; i++) {
        let best = -1;
        let bestDistance = Infinity;
        for (let c = 0; c < 3; c++) {
          let d = 0;
          for (let j = 0; j < 5; j++) d += (mx.get(i, j) - centers.get(c, j)) ** 2;
          if (d < bestDistance) [best, bestDistance] = [c, d];
        }
        if (best === my.data[i]) right++;
      }
      assert.equal(right, mx.rows, "the nearest centre should recover every label");
    });

    it("is reproducible by seed whatever the block size", async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 40 }),
          fc.integer({ min: 1, max: 40 }),
          fc.nat(),
          async (n, rows, seed) => {
            const block: [number, number] = [Math.min(rows, n), 1];
            const a = datasets.makeBlobs({ nSamples: n, nFeatures: 3, seed });
            const b = datasets.makeBlobs({ nSamples: n, nFeatures: 3, seed, blockSize: block });
            assert.ok(await same(a.x, b.x));
            assert.ok(await same(a.y, b.y));
          },
        ),
        { numRuns: 25, seed: 7 },
      );
      const c = datasets.makeBlobs({ nSamples: 50, seed: 1 });
      const d = datasets.makeBlobs({ nSamples: 50, seed: 2 });
      assert.ok(!(await same(c.x, d.x)));
    });

    it("takes explicit centres and per-cluster deviations", async () => {
      const centres = [
        [0, 0],
        [100, 100],
      ];
      const { x, y } = datasets.makeBlobs({ nSamples: 40, centers: centres, clusterStd: [0, 1] });
      const [mx, my] = await Promise.all([x.collect(), y.collect()]);
      for (let i = 0; i < 40; i++) {
        if (my.data[i] === 0) assert.deepEqual([mx.get(i, 0), mx.get(i, 1)], [0, 0]);
        else assert.ok(Math.abs(mx.get(i, 0) - 100) < 6);
      }
    });

    it("rejects bad options", () => {
      assert.throws(
        () => datasets.makeBlobs({ nSamples: 0 }),
        /makeBlobs: nSamples must be an integer >= 1 but was 0/,
      );
      assert.throws(() => datasets.makeBlobs({ centers: 0 }), /centers must be an integer >= 1 but was 0/);
      assert.throws(() => datasets.makeBlobs({ centers: [] }), /centers must not be an empty list/);
      assert.throws(
        () => datasets.makeBlobs({ centers: [[1, 2], [3]] }),
        /centers\[1\] must be a list of 2 finite numbers/,
      );
      assert.throws(
        () => datasets.makeBlobs({ centers: [[1, 2]], nFeatures: 3 }),
        /nFeatures is 3 but the centres have 2/,
      );
      assert.throws(
        () => datasets.makeBlobs({ clusterStd: -1 }),
        /clusterStd must be a finite number >= 0 but was -1/,
      );
      assert.throws(
        () => datasets.makeBlobs({ clusterStd: [1, 2] }),
        /list of 3 finite numbers >= 0 \(one per centre\)/,
      );
      assert.throws(() => datasets.makeBlobs({ centerBox: [5, -5] }), /centerBox must be \[low, high\]/);
      assert.throws(
        () => datasets.makeBlobs({ nSamples: "10" } as never),
        /nSamples must be an integer >= 1 but was "10"/,
      );
      assert.throws(() => datasets.makeBlobs({ n_samples: 10 } as never), /unknown option "n_samples"/);
      assert.throws(
        () => datasets.makeBlobs({ nSamples: 10, blockSize: [11, 2] }),
        /block size 11 is larger/,
      );
    });
  });

  describe("makeClassification", () => {
    it("puts class centres on hypercube vertices in the informative features, noise elsewhere", async () => {
      const n = 4000;
      const { x, y } = datasets.makeClassification({
        nSamples: n,
        nFeatures: 6,
        nInformative: 2,
        nClasses: 4,
        classSep: 2,
        seed: 5,
      });
      assert.deepEqual(x.shape, [n, 6]);
      const [mx, my] = await Promise.all([x.collect(), y.collect()]);
      assert.deepEqual(labelCounts(my, 4), [1000, 1000, 1000, 1000]);
      const means = Array.from({ length: 4 }, () => new Array<number>(6).fill(0));
      for (let i = 0; i < n; i++) for (let j = 0; j < 6; j++) means[my.data[i]][j] += mx.get(i, j) / 1000;
      const vertices = new Set<string>();
      for (const mean of means) {
        for (let j = 0; j < 2; j++)
          assert.ok(Math.abs(Math.abs(mean[j]) - 2) < 0.15, `informative mean ${mean[j]} is not ±2`);
        for (let j = 2; j < 6; j++)
          assert.ok(Math.abs(mean[j]) < 0.15, `noise feature mean ${mean[j]} is not 0`);
        vertices.add(mean.slice(0, 2).map(Math.sign).join(","));
      }
      assert.equal(vertices.size, 4, "classes must sit on distinct vertices");
    });

    it("is reproducible by seed whatever the block size", async () => {
      const a = datasets.makeClassification({ nSamples: 97, nFeatures: 7, seed: 3 });
      const b = datasets.makeClassification({ nSamples: 97, nFeatures: 7, seed: 3, blockSize: [10, 3] });
      const c = datasets.makeClassification({ nSamples: 97, nFeatures: 7, seed: 4 });
      assert.deepEqual(b.x.nBlocks, [10, 3]);
      assert.ok(await same(a.x, b.x));
      assert.ok(await same(a.y, b.y));
      assert.ok(!(await same(a.x, c.x)));
    });

    it("rejects bad options", () => {
      assert.throws(
        () => datasets.makeClassification({ nFeatures: 3, nInformative: 4 }),
        /nInformative \(4\) must be at most nFeatures \(3\)/,
      );
      assert.throws(
        () => datasets.makeClassification({ nInformative: 2, nClasses: 5 }),
        /nClasses \(5\) must be at most 2\^nInformative = 4/,
      );
      assert.throws(
        () => datasets.makeClassification({ nClasses: 1 }),
        /nClasses must be an integer in \[2, /,
      );
      assert.throws(
        () => datasets.makeClassification({ classSep: Number.NaN }),
        /classSep must be a finite number >= 0 but was NaN/,
      );
      assert.throws(
        () => datasets.makeClassification(null as never),
        /makeClassification: options must be an object such as \{ nSamples, .* \} but was null/,
      );
    });
  });

  describe("makeRegression", () => {
    it("gives y = x coef + bias + noise, with the noise of the requested size", async () => {
      const noise = 0.5;
      const { x, y, coef } = datasets.makeRegression({
        nSamples: 2000,
        nFeatures: 8,
        nInformative: 3,
        noise,
        bias: 2,
        seed: 11,
      });
      assert.deepEqual(
        [x.shape, y.shape, [coef.rows, coef.cols]],
        [
          [2000, 8],
          [2000, 1],
          [8, 1],
        ],
      );
      for (let j = 0; j < 8; j++) {
        const c = coef.get(j, 0);
        assert.ok(j < 3 ? c >= 0 && c < 100 && c !== 0 : c === 0, `coef[${j}] = ${c}`);
      }
      const [mx, my] = await Promise.all([x.collect(), y.collect()]);
      let sumSq = 0;
      for (let i = 0; i < mx.rows; i++) {
        let fit = 2;
        for (let j = 0; j < 8; j++) fit += mx.get(i, j) * coef.get(j, 0);
        const residual = my.data[i] - fit;
        assert.ok(
          Math.abs(residual) < 6 * noise,
          `residual ${residual} of row ${i} is not noise of sd ${noise}`,
        );
        sumSq += residual ** 2;
      }
      const sd = Math.sqrt(sumSq / mx.rows);
      assert.ok(Math.abs(sd - noise) < 0.05 * noise, `residual sd ${sd}, expected about ${noise}`);
    });

    it("is exact without noise and reproducible by seed", async () => {
      const a = datasets.makeRegression({ nSamples: 30, nFeatures: 4, seed: 2, blockSize: [7, 4] });
      const b = datasets.makeRegression({ nSamples: 30, nFeatures: 4, seed: 2 });
      assert.ok(await same(a.x, b.x));
      assert.ok(await same(a.y, b.y));
      assert.deepEqual(a.coef.data, b.coef.data);
      const [mx, my] = await Promise.all([a.x.collect(), a.y.collect()]);
      for (let i = 0; i < 30; i++) {
        let fit = 0;
        for (let j = 0; j < 4; j++) fit += mx.get(i, j) * a.coef.get(j, 0);
        assert.ok(Math.abs(fit - my.data[i]) <= 1e-9 * Math.max(1, Math.abs(fit)));
      }
    });

    it("draws standard-normal features", async () => {
      const { x } = datasets.makeRegression({ nSamples: 20000, nFeatures: 2, seed: 1 });
      const m = await x.collect();
      let s = 0;
      let s2 = 0;
      for (const v of m.data) [s, s2] = [s + v, s2 + v * v];
      const mean = s / m.data.length;
      assert.ok(Math.abs(mean) < 0.03, `mean ${mean}`);
      assert.ok(Math.abs(s2 / m.data.length - 1) < 0.03, `variance ${s2 / m.data.length}`);
    });

    it("rejects bad options", () => {
      assert.throws(
        () => datasets.makeRegression({ noise: -1 }),
        /makeRegression: noise must be a finite number >= 0 but was -1/,
      );
      assert.throws(
        () => datasets.makeRegression({ nFeatures: 2, nInformative: 3 }),
        /nInformative \(3\) must be at most nFeatures \(2\)/,
      );
      assert.throws(() => datasets.makeRegression({ bias: Infinity }), /bias must be a finite number/);
    });
  });

  describe("helpers", () => {
    it("Permutation is a bijection of 0..n-1 for any n and seed", () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 3000 }), fc.nat(), (n, seed) => {
          const p = new Permutation(n, seed);
          const seen = new Uint8Array(n);
          for (let i = 0; i < n; i++) seen[p.at(i)]++;
          assert.ok(seen.every((c) => c === 1));
        }),
        { numRuns: 50, seed: 3 },
      );
    });

    it("classOfRank splits as evenly as scikit-learn", () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1, max: 20 }), (n, k) => {
          const counts = new Array<number>(k).fill(0);
          for (let r = 0; r < n; r++) counts[classOfRank(r, n, k)]++;
          assert.deepEqual(
            counts,
            counts.map((_, c) => Math.floor(n / k) + (c < n % k ? 1 : 0)),
          );
        }),
        { seed: 5 },
      );
    });

    it("shareByLargestRemainder gives parts that add up and never exceed their size", () => {
      fc.assert(
        fc.property(
          fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 10 }),
          fc.double({ min: 0, max: 1, noNaN: true }),
          (sizes, f) => {
            const sum = sizes.reduce((a, b) => a + b, 0);
            fc.pre(sum > 0);
            const total = Math.floor(f * sum);
            const parts = shareByLargestRemainder(total, sizes);
            assert.equal(
              parts.reduce((a, b) => a + b, 0),
              total,
            );
            parts.forEach((p, d) => assert.ok(p >= 0 && p <= sizes[d]));
          },
        ),
        { seed: 6 },
      );
    });
  });
});
