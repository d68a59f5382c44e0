import { it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import {
  ArgumentError,
  ds,
  DsfabricError,
  NotFittedError,
  ShapeError,
  type DsArray,
} from "../../src/index.ts";
import type { Block } from "../../src/core/block.ts";
import { engine } from "../../src/internal.ts";
import {
  foldArrays,
  GridSearchCV,
  KFold,
  KMeans,
  LinearRegression,
  shuffle,
  StandardScaler,
  trainTestSplit,
  type Estimator,
} from "../../src/ml/index.ts";
import { permutation } from "../../src/ml/modelSelection/permutation.ts";
import { splitSizes } from "../../src/ml/modelSelection/trainTestSplit.ts";
import { stratifiedIndices } from "../../src/ml/modelSelection/stratifiedSplit.ts";
import { SeededUniform } from "../../src/ml/cluster/kMeansInit.ts";
import { describeEachExecutor } from "../support/executors.ts";
import { blockingArb, build } from "../support/irregular.ts";
import { pythonJson } from "../support/python.ts";
import { assertClose } from "../support/approx.ts";

const dir = mkdtempSync(join(tmpdir(), "dsfabric-modelsel-"));

/** scikit-learn's answers: split sizes, KFold folds and two grid searches on data saved as .npy. */
interface Reference {
  sizes: { n: number; testSize: number | null; trainSize: number | null; sizes: [number, number] | null }[];
  kfold: { n: number; k: number; folds: [number[], number[]][] }[];
  linear: { x: string; y: string; mean: number[]; split: number[][]; best: { fitIntercept: boolean } };
  kmeans: { x: string; mean: number[]; best: { nClusters: number } };
  /** Per case: rows per class in train and test, or null where scikit-learn's tie-breaking makes them vary. */
  stratified: { labels: number[]; testSize: number; train: number[] | null; test: number[] | null }[];
}

const ref = pythonJson<Reference>(
  `import sys, json, warnings, numpy as np
warnings.simplefilter("ignore")
from sklearn.model_selection import train_test_split, KFold, GridSearchCV
from sklearn.linear_model import LinearRegression
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs
sizes = []
for n in [1, 2, 3, 4, 5, 7, 10, 11, 19, 97, 100, 1000, 1001]:
    for test in [None, 0.1, 0.2, 0.25, 0.3, 1/3, 0.5, 0.7, 0.9, 0.999, 1, 2, 3, 50, 999]:
        for train in [None, 0.1, 0.33, 0.5, 0.75, 0.8, 2, 5, 90]:
            try:
                a, b = train_test_split(np.arange(n), test_size=test, train_size=train, random_state=0)
                got = [len(a), len(b)]
            except ValueError:
                got = None
            sizes.append({"n": n, "testSize": test, "trainSize": train, "sizes": got})
kfold = []
for n in [2, 5, 7, 10, 23, 64]:
    for k in [2, 3, 4, 5, 7]:
        if k <= n:
            kfold.append({"n": n, "k": k, "folds": [[a.tolist(), b.tolist()] for a, b in KFold(k).split(np.zeros((n, 1)))]})
rng = np.random.default_rng(3)
x = rng.normal(size=(230, 4)) + np.array([0.0, 1.0, -2.0, 0.5])
y = (x @ np.array([[1.5], [-2.0], [0.5], [0.0]])) + 0.3 + rng.normal(scale=2.0, size=(230, 1))
np.save(f"{sys.argv[1]}/lx.npy", x); np.save(f"{sys.argv[1]}/ly.npy", y)
g = GridSearchCV(LinearRegression(), {"fit_intercept": [True, False]}, cv=KFold(5)).fit(x, y)
r = g.cv_results_
linear = {"x": f"{sys.argv[1]}/lx.npy", "y": f"{sys.argv[1]}/ly.npy", "mean": r["mean_test_score"].tolist(),
          "split": [r[f"split{f}_test_score"].tolist() for f in range(5)], "best": {"fitIntercept": g.best_params_["fit_intercept"]}}
xb = make_blobs(n_samples=240, n_features=3, centers=4, cluster_std=0.5, random_state=5)[0]
np.save(f"{sys.argv[1]}/kx.npy", xb)
g = GridSearchCV(KMeans(n_init=10, random_state=0), {"n_clusters": [2, 3, 4]}, cv=KFold(5)).fit(xb)
kmeans = {"x": f"{sys.argv[1]}/kx.npy", "mean": g.cv_results_["mean_test_score"].tolist(), "best": {"nClusters": int(g.best_params_["n_clusters"])}}
stratified = []
for n, k, test in [(100, 3, 0.25), (101, 4, 0.3), (57, 5, 0.2), (200, 2, 0.1), (33, 3, 0.5), (80, 6, 17), (64, 4, 0.25), (1000, 7, 0.33)]:
    labels = np.random.default_rng(n + k).integers(0, k, size=n) * 2.5 - 1
    per = set()
    for seed in range(20):
        tr, te = train_test_split(np.arange(n), test_size=test, stratify=labels, random_state=seed)
        cls = np.unique(labels)
        per.add((tuple(int((labels[tr] == c).sum()) for c in cls), tuple(int((labels[te] == c).sum()) for c in cls)))
    one = list(per)[0] if len(per) == 1 else (None, None)
    stratified.append({"labels": labels.tolist(), "testSize": test, "train": None if one[0] is None else list(one[0]), "test": None if one[1] is None else list(one[1])})
print(json.dumps({"sizes": sizes, "kfold": kfold, "linear": linear, "kmeans": kmeans, "stratified": stratified}))`,
  [dir],
);

/** n x m values whose column 0 is the row index (so a result row says where it came from). */
function indexed(n: number, m: number, seed: number): number[][] {
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: m }, (_, j) => (j === 0 ? i : Math.sin(seed + 31 * i + 7 * j))),
  );
}

async function sourceRows(a: DsArray<Block>): Promise<number[]> {
  return (await a.toArray()).map((row) => row[0]);
}

const takeTasks = () => engine().stats().byKernel["block.take"] ?? 0;

const sorted = (v: readonly number[]) => [...v].sort((a, b) => a - b);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

it("permutation: each of the 24 orders of 4 items about equally often over 4800 seeds (chi-squared)", () => {
  const counts = new Map<string, number>();
  for (let seed = 0; seed < 4800; seed++) {
    const key = permutation(4, seed, 101).join();
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  assert.equal(counts.size, 24);
  const chi2 = [...counts.values()].reduce((s, c) => s + (c - 200) ** 2 / 200, 0);
  // 23 degrees of freedom: P(chi2 > 49.7) = 0.001.
  assert.ok(chi2 < 49.7, `chi2 ${chi2}`);
});

it("trainTestSplit sizes equal scikit-learn's (or both reject) for every n, testSize, trainSize combination", () => {
  let compared = 0;
  for (const c of ref.sizes) {
    const sizes = { testSize: c.testSize ?? undefined, trainSize: c.trainSize ?? undefined };
    const where = `n=${c.n} testSize=${c.testSize} trainSize=${c.trainSize}`;
    if (c.sizes === null) {
      assert.throws(() => splitSizes(c.n, sizes), ArgumentError, where);
    } else {
      assert.deepEqual(splitSizes(c.n, sizes), c.sizes, where);
      compared++;
    }
  }
  assert.ok(compared > 500, `only ${compared} accepted combinations`);
});

it("trainTestSplit with stratify: scikit-learn's rows per class in train and test (where its ties do not make them vary)", () => {
  let exact = 0;
  for (const [k, c] of ref.stratified.entries()) {
    const n = c.labels.length;
    const [nTrain, nTest] = splitSizes(n, { testSize: c.testSize });
    const classes = sorted([...new Set(c.labels)]);
    for (const seed of [0, 1, 2]) {
      const rng = new SeededUniform(seed, 102);
      const { train, test } = stratifiedIndices("test", c.labels, nTrain, nTest, rng);
      const where = `case ${k} seed ${seed}`;
      assert.equal(train.length, nTrain, where);
      assert.equal(test.length, nTest, where);
      assert.deepEqual(
        sorted([...train, ...test]),
        sorted([...new Set([...train, ...test])]),
        `${where}: disjoint`,
      );
      const per = (rows: Int32Array) =>
        classes.map((l) => Array.from(rows).filter((i) => c.labels[i] === l).length);
      const counts = per(Int32Array.from(range(n)));
      // Each class's share of the train set is its proportional share rounded down or up.
      per(train).forEach((t, i) =>
        assert.ok(Math.abs(t - (counts[i] / n) * nTrain) < 1, `${where} class ${i}`),
      );
      if (c.train !== null && c.test !== null) {
        assert.deepEqual(per(train), c.train, `${where} train per class`);
        assert.deepEqual(per(test), c.test, `${where} test per class`);
        exact++;
      }
    }
  }
  assert.ok(exact >= 12, `only ${exact} exact comparisons`);
});

it("KFold without shuffle gives scikit-learn's train and test indices", () => {
  for (const c of ref.kfold) {
    assert.deepEqual([...new KFold({ nSplits: c.k }).split(c.n)], c.folds, `n=${c.n} k=${c.k}`);
  }
});

it("KFold with shuffle: the test folds partition the rows with the unshuffled sizes, sorted, per seed", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 2, max: 60 }),
      fc.integer({ min: 2, max: 8 }),
      fc.integer(),
      (n, k, seed) => {
        fc.pre(k <= n);
        const folds = [...new KFold({ nSplits: k, shuffle: true, randomState: seed }).split(n)];
        const plain = [...new KFold({ nSplits: k }).split(n)];
        const tests = folds.flatMap(([, test]) => test);
        assert.deepEqual(sorted(tests), range(n));
        folds.forEach(([train, test], f) => {
          assert.equal(test.length, plain[f][1].length);
          assert.deepEqual(train, sorted(train));
          assert.deepEqual(test, sorted(test));
          assert.deepEqual(sorted([...train, ...test]), range(n));
        });
        const again = [...new KFold({ nSplits: k, shuffle: true, randomState: seed }).split(n)];
        assert.deepEqual(again, folds);
      },
    ),
    { numRuns: 40 },
  );
  const a = [...new KFold({ nSplits: 4, shuffle: true, randomState: 1 }).split(40)];
  assert.notDeepEqual(a, [...new KFold({ nSplits: 4 }).split(40)]);
  assert.notDeepEqual(a, [...new KFold({ nSplits: 4, shuffle: true, randomState: 2 }).split(40)]);
});

it("bad inputs: each a clear one-line error", () => {
  const x = ds.array(indexed(10, 2, 0), { blockSize: [4, 2] });
  const y = ds.array(indexed(9, 1, 0), { blockSize: [4, 1] });
  const cases: [() => unknown, RegExp | typeof NotFittedError][] = [
    [
      () => trainTestSplit(x, { testSize: 0 }),
      /trainTestSplit: testSize must be a fraction in \(0, 1\) or a count/,
    ],
    [() => trainTestSplit(x, { testSize: 1.5 }), /testSize must be .* but was 1.5/],
    [() => trainTestSplit(x, { testSize: 10 }), /testSize must be .*\[1, 10\).* but was 10/],
    [() => trainTestSplit(x, { testSize: -0.2 }), /testSize/],
    [() => trainTestSplit(x, { trainSize: 0.7, testSize: 0.5 }), /add up to at most 1/],
    [() => trainTestSplit(x, { trainSize: 8, testSize: 3 }), /add up to more than the 10 rows/],
    [() => trainTestSplit(x, { trainSize: 0.05 }), /the train set is empty/],
    [() => trainTestSplit(x, { testsize: 0.2 } as never), /trainTestSplit: unknown option "testsize"/],
    [() => trainTestSplit(x, { shuffle: "yes" } as never), /shuffle must be true or false/],
    [
      () => trainTestSplit(x, x, { stratify: x as never }),
      /stratify must be the n labels .*but was a DsArray/,
    ],
    [() => trainTestSplit(x, { stratify: [0, 1] }), /stratify has 2 labels but x has 10 rows/],
    [() => trainTestSplit(x, { stratify: range(10), shuffle: false }), /stratify needs shuffle: true/],
    [
      () => trainTestSplit(x, { stratify: [0, 0, 0, 0, 0, 1, 1, 1, 1, 2] }),
      /least populated class .*\(2\) has only 1 row/,
    ],
    [
      () => trainTestSplit(x, { stratify: [0, 0, 1, 1, 2, 2, 3, 3, 4, 4], testSize: 3 }),
      /test set has 3 rows but stratify has 5 classes/,
    ],
    [() => trainTestSplit(x, { stratify: [0, 0, 1, 1, 2, 2, 3, 3, NaN, NaN] }), /stratify has NaN at row 8/],
    [() => trainTestSplit(x, y), /x has 10 rows but y has 9/],
    [() => trainTestSplit([[1]] as never), /trainTestSplit: x must be a DsArray/],
    [() => shuffle(x, { seed: 1 } as never), /shuffle: unknown option "seed"/],
    [() => shuffle(x, { randomState: 0.5 }), /shuffle: randomState must be an integer/],
    [() => shuffle(x, y), /shuffle: x has 10 rows but y has 9/],
    [() => new KFold({ nSplits: 1 }), /KFold: nSplits must be an integer >= 2 but was 1/],
    [() => [...new KFold({ nSplits: 11 }).split(x)], /KFold.split: nSplits is 11 but x has only 10 rows/],
    [() => new KFold({ randomState: 3 }), /randomState has no effect when shuffle is false/],
    [() => new KFold({ folds: 3 } as never), /KFold: unknown option "folds"/],
    [() => new GridSearchCV(KMeans, []), /GridSearchCV: paramGrid is an empty list/],
    [() => new GridSearchCV(KMeans, { nClusters: [] }), /paramGrid.nClusters must be a non-empty array/],
    [
      () => new GridSearchCV(KMeans, [{ nClusters: [2] }, { tol: 1 } as never]),
      /paramGrid\[1\].tol must be a non-empty array/,
    ],
    [() => new GridSearchCV(KMeans, { nClustrs: [2, 3] }), /KMeans: unknown option "nClustrs"/],
    [
      () => new GridSearchCV(KMeans, { nClusters: [2, 0] }),
      /KMeans: nClusters must be an integer >= 1 but was 0/,
    ],
    [
      () => new GridSearchCV(KMeans, { nClusters: [2] }, { folds: 3 } as never),
      /GridSearchCV: unknown option "folds"/,
    ],
    [() => new GridSearchCV(KMeans, { nClusters: [2] }, { cv: 1 }), /KFold: nSplits must be an integer >= 2/],
    [
      () => new GridSearchCV(KMeans, { nClusters: [2] }, { cv: "5" } as never),
      /GridSearchCV: cv must be a number of folds/,
    ],
    [
      () => new GridSearchCV(StandardScaler as never, { withMean: [true] }),
      /StandardScaler has no score method/,
    ],
    [
      () => new GridSearchCV(() => new KMeans(), { nClusters: [2] }, { baseOptions: {} }),
      /baseOptions is only for an estimator class/,
    ],
    [() => new GridSearchCV(KMeans, { nClusters: [2] }).bestParams, NotFittedError],
  ];
  for (const [run, want] of cases) {
    assert.throws(run, (e: unknown) => {
      assert.ok(e instanceof DsfabricError, `${String(e)} is not a DsfabricError`);
      if (want instanceof RegExp) assert.match(e.message, want);
      else assert.ok(e instanceof want, `${e.name}: ${e.message}`);
      assert.ok(!e.message.includes("\n"), `one line: ${e.message}`);
      return true;
    });
  }
  assert.throws(() => trainTestSplit(x, y), ShapeError);
});

describeEachExecutor("model selection", () => {
  it("shuffle: a permutation of the rows over the whole array, x and y paired, blocked like the input", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 40 }).chain((n) =>
          fc.integer({ min: 1, max: 4 }).chain((m) =>
            fc.record({
              n: fc.constant(n),
              m: fc.constant(m),
              xb: blockingArb(n, m),
              yb: blockingArb(n, 1),
            }),
          ),
        ),
        fc.integer(),
        async ({ n, m, xb, yb }, seed) => {
          const x = build(indexed(n, m, seed), xb);
          const y = build(
            indexed(n, 1, 0).map(([i]) => [1000 + i]),
            yb,
          );
          const before = takeTasks();
          const [xs, ys] = shuffle(x, y, { randomState: seed });
          const copied = takeTasks() - before;
          assert.deepEqual(xs.grid.rowChunks, x.grid.rowChunks);
          assert.deepEqual(xs.grid.colChunks, x.grid.colChunks);
          assert.deepEqual(ys.grid.rowChunks, y.grid.rowChunks);
          // One task per output block (a block that comes out whole and in place is shared instead).
          assert.ok(copied <= x.nBlocks[0] * x.nBlocks[1] + y.nBlocks[0] * y.nBlocks[1], `${copied} tasks`);
          const xRows = await xs.toArray();
          const order = xRows.map((row) => row[0]);
          assert.deepEqual(sorted(order), range(n));
          const want = indexed(n, m, seed);
          xRows.forEach((row, i) => assert.deepEqual(row, want[order[i]], `row ${i}`));
          assert.deepEqual(
            await sourceRows(ys),
            order.map((i) => 1000 + i),
          );
          assert.deepEqual(await sourceRows(shuffle(x, { randomState: seed })), order, "deterministic");
        },
      ),
      { numRuns: 15 },
    );
  });

  it("shuffle: not the identity, differs per seed, and rows of block 0 land in every block", async () => {
    const x = ds.array(indexed(400, 2, 0), { blockSize: [50, 2] });
    const before = takeTasks();
    const order = await sourceRows(shuffle(x, { randomState: 7 }));
    assert.equal(takeTasks() - before, 8, "one block.take task per output block");
    assert.notDeepEqual(order, range(400));
    assert.notDeepEqual(await sourceRows(shuffle(x, { randomState: 8 })), order);
    assert.deepEqual(await sourceRows(shuffle(x)), await sourceRows(shuffle(x, { randomState: 0 })));
    // Where the 50 rows of input block 0 went: some in each of the 8 output blocks, some in the last.
    const blocksHit = new Set(
      order.map((src, i) => (src < 50 ? Math.floor(i / 50) : -1)).filter((b) => b >= 0),
    );
    assert.deepEqual(sorted([...blocksHit]), range(8));
    // A fixed point count near 1 (a per-block shuffle would also give that; the spread above would not).
    const moved = order.filter((src, i) => Math.floor(src / 50) !== Math.floor(i / 50)).length;
    assert.ok(moved > 300, `${moved} rows changed block`);
  });

  it("shuffle and trainTestSplit keep a sparse array sparse, with the same rows", async () => {
    const dense = ds.array(
      indexed(30, 3, 2).map((row) => row.map((v, j) => (j === 2 && v < 0 ? 0 : v))),
      { blockSize: [7, 2] },
    );
    const x = dense.toSparse();
    const xs = shuffle(x, { randomState: 3 });
    assert.ok(xs.sparse);
    assert.deepEqual(await xs.toDense().toArray(), await shuffle(dense, { randomState: 3 }).toArray());
    const [train, test] = trainTestSplit(x, { randomState: 3 });
    assert.ok(train.sparse && test.sparse);
    const [dTrain] = trainTestSplit(dense, { randomState: 3 });
    assert.deepEqual(await train.toDense().toArray(), await dTrain.toArray());
  });

  it("trainTestSplit: train and test partition the rows (x, y paired), random per seed, or in order without shuffle", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 50 }),
        fc.integer({ min: 1, max: 12 }),
        fc.oneof(fc.double({ min: 0.01, max: 0.99, noNaN: true }), fc.integer({ min: 1, max: 49 })),
        fc.integer(),
        async (n, br, testSize, seed) => {
          fc.pre(testSize < 1 ? Math.ceil(testSize * n) < n : testSize < n);
          const x = ds.array(indexed(n, 2, seed), { blockSize: [Math.min(br, n), 2] });
          const y = x.slice(null, [0, 1]).add(1000);
          const [nTrain, nTest] = splitSizes(n, { testSize });
          const [xTrain, xTest, yTrain, yTest] = trainTestSplit(x, y, { testSize, randomState: seed });
          assert.equal(xTrain.shape[0], nTrain);
          assert.equal(xTest.shape[0], nTest);
          const train = await sourceRows(xTrain);
          const test = await sourceRows(xTest);
          assert.deepEqual(sorted([...train, ...test]), range(n));
          assert.deepEqual(
            await sourceRows(yTrain),
            train.map((i) => 1000 + i),
          );
          assert.deepEqual(
            await sourceRows(yTest),
            test.map((i) => 1000 + i),
          );
          const [xt] = trainTestSplit(x, { testSize, randomState: seed });
          assert.deepEqual(await sourceRows(xt), train, "deterministic");
          const [pTrain, pTest] = trainTestSplit(x, { testSize, shuffle: false });
          assert.deepEqual(await sourceRows(pTrain), range(nTrain));
          assert.deepEqual(
            await sourceRows(pTest),
            range(nTest).map((i) => nTrain + i),
          );
        },
      ),
      { numRuns: 15 },
    );
    const x = ds.array(indexed(200, 1, 0), { blockSize: [40, 1] });
    const [a] = trainTestSplit(x, { randomState: 1 });
    const [b] = trainTestSplit(x, { randomState: 2 });
    const ta = await sourceRows(a);
    assert.notDeepEqual(ta, await sourceRows(b));
    assert.notDeepEqual(sorted(ta), range(150), "the train set is not the first rows");
    assert.ok(
      ta.slice(0, 40).some((i) => i >= 160),
      "rows of the last block reach the first train block",
    );
  });

  it("trainTestSplit with stratify: x and y rows paired, each class in proportion in both sets", async () => {
    const n = 90;
    const labels = range(n).map((i) => (i * 7) % 3);
    const x = ds.array(indexed(n, 2, 5), { blockSize: [16, 1] });
    const y = ds.array(
      labels.map((l) => [l]),
      { blockSize: [25, 1] },
    );
    const [xTrain, xTest, yTrain, yTest] = trainTestSplit(x, y, {
      testSize: 0.2,
      stratify: labels,
      randomState: 4,
    });
    const train = await sourceRows(xTrain);
    const test = await sourceRows(xTest);
    assert.deepEqual(sorted([...train, ...test]), range(n));
    assert.deepEqual(
      await sourceRows(yTrain),
      train.map((i) => labels[i]),
    );
    assert.deepEqual(
      await sourceRows(yTest),
      test.map((i) => labels[i]),
    );
    for (const l of [0, 1, 2]) assert.equal(test.filter((i) => labels[i] === l).length, 6, `class ${l}`);
    assert.notDeepEqual(train, sorted(train), "random order");
  });

  it("KFold.folds / foldArrays: the arrays hold exactly each fold's rows", async () => {
    const x = ds.array(indexed(23, 3, 1), { blockSize: [5, 2] });
    const y = x.slice(null, [0, 1]).mul(-1);
    const kf = new KFold({ nSplits: 4, shuffle: true, randomState: 9 });
    const folds = [...kf.split(x)];
    const arrays = kf.folds(x, y);
    assert.equal(arrays.length, 4);
    for (const [f, [xTrain, xTest, yTrain, yTest]] of arrays.entries()) {
      assert.deepEqual(await sourceRows(xTrain), folds[f][0]);
      assert.deepEqual(await sourceRows(xTest), folds[f][1]);
      assert.deepEqual(
        await sourceRows(yTrain),
        folds[f][0].map((i) => -i),
      );
      assert.deepEqual(
        await sourceRows(yTest),
        folds[f][1].map((i) => -i),
      );
    }
    const [only] = foldArrays(x, undefined, folds[0]);
    assert.deepEqual(
      await only.toArray(),
      (await x.toArray()).filter((_, i) => folds[0][0].includes(i)),
    );
  });

  it("GridSearchCV(LinearRegression): scikit-learn's fold scores (1e-9), mean, best params, and a sequential run's exact scores", async () => {
    const x = await ds.loadNpy(ref.linear.x, { blockSize: [37, 3] });
    const y = await ds.loadNpy(ref.linear.y, { blockSize: [37, 1] });
    const search = await new GridSearchCV(LinearRegression, { fitIntercept: [true, false] }, { cv: 5 }).fit(
      x,
      y,
    );
    const r = search.cvResults;
    assert.deepEqual(r.params, [{ fitIntercept: true }, { fitIntercept: false }]);
    assertClose(r.meanTestScore, ref.linear.mean, 1e-9, "meanTestScore");
    for (let f = 0; f < 5; f++) assertClose(r[`split${f}TestScore`], ref.linear.split[f], 1e-9, `split${f}`);
    assert.deepEqual(search.bestParams, ref.linear.best);
    assert.equal(search.bestScore, Math.max(...r.meanTestScore));
    assert.deepEqual(r.rankTestScore, r.meanTestScore[0] > r.meanTestScore[1] ? [1, 2] : [2, 1]);
    // Sequentially, fold by fold: the same numbers exactly (the same task graphs, in another order).
    const folds = [...new KFold({ nSplits: 5 }).split(x)];
    for (const [c, params] of r.params.entries()) {
      const scores: number[] = [];
      for (const fold of folds) {
        const [xTrain, xTest, yTrain, yTest] = foldArrays(x, y, fold);
        scores.push(await (await new LinearRegression(params).fit(xTrain, yTrain)).score(xTest, yTest));
      }
      assert.deepEqual(
        folds.map((_, f) => r[`split${f}TestScore`][c]),
        scores,
        `candidate ${c}`,
      );
      const mean = scores.reduce((a, b) => a + b, 0) / 5;
      assert.equal(r.meanTestScore[c], mean);
      assert.ok(
        Math.abs(r.stdTestScore[c] - Math.sqrt(scores.reduce((a, s) => a + (s - mean) ** 2, 0) / 5)) < 1e-15,
      );
    }
    // The refit is the best candidate on all the data.
    const all = await new LinearRegression(search.bestParams).fit(x, y);
    assert.deepEqual(search.bestEstimator.coef.data, all.coef.data);
    assert.equal(await search.score(x, y), await all.score(x, y));
  });

  it("GridSearchCV(KMeans): every fit in flight at once, the sequential scores, scikit-learn's best nClusters", async () => {
    const x = await ds.loadNpy(ref.kmeans.x, { blockSize: [50, 3] });
    let inFlight = 0;
    let inFlightMax = 0;
    // A factory whose estimators count how many fits run at the same time.
    const counting = (params: Record<string, unknown>): Estimator => {
      const km = new KMeans(params);
      return {
        async fit(xs: DsArray) {
          inFlightMax = Math.max(inFlightMax, ++inFlight);
          await km.fit(xs);
          inFlight--;
          return this;
        },
        score: (xs: DsArray) => km.score(xs),
      };
    };
    const grid = { nClusters: [2, 3, 4] };
    const search = await new GridSearchCV(counting, grid, { refit: false }).fit(x);
    assert.equal(inFlightMax, 15, "3 candidates x 5 folds in flight together");
    assert.deepEqual(search.bestParams, ref.kmeans.best);
    assert.deepEqual(search.cvResults.rankTestScore, [3, 2, 1]);
    // The best candidate finds the 4 blobs, as scikit-learn's does: the same mean score within 1e-9.
    assert.ok(Math.abs(search.bestScore - ref.kmeans.mean[2]) <= 1e-9 * Math.abs(ref.kmeans.mean[2]));
    assert.throws(() => search.bestEstimator, /refit was false/);
    inFlightMax = 0;
    const bounded = await new GridSearchCV(counting, grid, { concurrentFitsMax: 4 }).fit(x);
    assert.equal(inFlightMax, 4);
    assert.deepEqual(bounded.cvResults, search.cvResults, "the bound changes nothing but the overlap");
    const folds = [...new KFold().split(x)];
    for (const [c, k] of grid.nClusters.entries()) {
      for (const [f, fold] of folds.entries()) {
        const [xTrain, xTest] = foldArrays(x, undefined, fold);
        const score = await (await new KMeans({ nClusters: k }).fit(xTrain)).score(xTest);
        assert.equal(search.cvResults[`split${f}TestScore`][c], score, `k=${k} fold ${f}`);
      }
    }
    // A class with base options, and a custom scorer: minus the score, so the fewest clusters win.
    const worst = await new GridSearchCV(KMeans, grid, {
      baseOptions: { maxIter: 50 },
      scoring: async (est, xs) => -(await est.score(xs)),
    }).fit(x);
    assert.deepEqual(worst.bestParams, { nClusters: 2 });
    assert.equal(worst.bestEstimator.maxIter, 50);
    assert.equal(worst.bestEstimator.nClusters, 2);
  });

  it("GridSearchCV: a failing fit scores errorScore (NaN by default, ranked last) with a warning, or rejects", async () => {
    const x = ds.array(indexed(12, 2, 0), { blockSize: [5, 2] });
    // Each train set has 9 rows: nClusters 10 cannot be fitted.
    const grid = { nClusters: [2, 10, 3] };
    const cv = new KFold({ nSplits: 4 });
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on("warning", onWarning);
    let search: GridSearchCV<KMeans>;
    try {
      search = await new GridSearchCV(KMeans, grid, { cv }).fit(x);
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
    } finally {
      process.off("warning", onWarning);
    }
    const failed = warnings.filter((w) => w.name === "FitFailedWarning");
    assert.equal(failed.length, 1, "one warning for all failed fits");
    assert.match(
      failed[0].message,
      /^4 of 12 fits failed and were scored NaN; the first: GridSearchCV.fit: candidate \{"nClusters":10\} on fold \d failed: KMeans.fit: x has 9 rows but nClusters is 10/,
    );
    for (let f = 0; f < 4; f++) assert.ok(Number.isNaN(search.cvResults[`split${f}TestScore`][1]));
    assert.ok(Number.isNaN(search.cvResults.meanTestScore[1]));
    assert.equal(search.cvResults.rankTestScore[1], 3, "a NaN mean ranks last");
    assert.ok(search.cvResults.meanTestScore.every((m, c) => c === 1 || Number.isFinite(m)));
    assert.notEqual(search.bestIndex, 1);
    const floor = await new GridSearchCV(KMeans, grid, { cv, errorScore: -1e9 }).fit(x);
    assert.deepEqual(floor.cvResults.split0TestScore[1], -1e9);
    await assert.rejects(
      new GridSearchCV(KMeans, grid, { cv, errorScore: "raise" }).fit(x),
      /GridSearchCV.fit: candidate \{"nClusters":10\} on fold \d failed: KMeans.fit: x has 9 rows but nClusters is 10/,
    );
    await assert.rejects(
      new GridSearchCV(KMeans, { nClusters: [10, 11] }, { cv }).fit(x),
      /GridSearchCV.fit: all 8 fits failed; the first: GridSearchCV.fit: candidate \{"nClusters":1[01]\} on fold \d failed/,
    );
    assert.throws(
      () => new GridSearchCV(KMeans, grid, { errorScore: "nan" as never }),
      /GridSearchCV: errorScore must be a number or "raise" but was "nan"/,
    );
    await assert.rejects(
      new GridSearchCV(KMeans, grid).fit(x, ds.array(indexed(5, 1, 0), { blockSize: [5, 1] })),
      ShapeError,
    );
  });
});
