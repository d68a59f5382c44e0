import { it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { ArgumentError, CsrMatrix, ds, Matrix, NotFittedError, ShapeError } from "../../src/index.ts";
import { KNeighborsClassifier, NearestNeighbors } from "../../src/ml/index.ts";
import { describeEachExecutor } from "../support/executors.ts";
import { pythonJson } from "../support/python.ts";
import { assertClose } from "../support/approx.ts";

const dir = mkdtempSync(join(tmpdir(), "dsfabric-neighbors-"));

/** Random data (no near-ties), scikit-learn's brute-force neighbours and its classifier's votes. */
interface Reference {
  x: string;
  q: string;
  y: string;
  k: number;
  dist: number[][];
  ind: number[][];
  selfDist: number[][];
  selfInd: number[][];
  predict: Record<string, number[]>;
  proba: Record<string, number[][]>;
  score: number;
}

const ref = pythonJson<Reference>(
  `import sys, json, numpy as np
from sklearn.neighbors import NearestNeighbors, KNeighborsClassifier
rng = np.random.default_rng(3)
x = rng.normal(size=(230, 6)) * 3 + 1
q = rng.normal(size=(70, 6)) * 3 + 1
y = rng.choice([-2.0, 3.0, 7.0], size=230)
d = sys.argv[1]
np.save(f"{d}/x.npy", x); np.save(f"{d}/q.npy", q); np.save(f"{d}/y.npy", y.reshape(-1, 1))
k = 7
nn = NearestNeighbors(n_neighbors=k, algorithm="brute").fit(x)
dist, ind = nn.kneighbors(q)
sd, si = nn.kneighbors()
out = {"x": f"{d}/x.npy", "q": f"{d}/q.npy", "y": f"{d}/y.npy", "k": k, "dist": dist.tolist(), "ind": ind.tolist(),
       "selfDist": sd.tolist(), "selfInd": si.tolist(), "predict": {}, "proba": {}}
for w in ["uniform", "distance"]:
    c = KNeighborsClassifier(n_neighbors=k, weights=w, algorithm="brute").fit(x, y)
    out["predict"][w] = c.predict(q).tolist()
    out["proba"][w] = c.predict_proba(q).tolist()
out["score"] = float(KNeighborsClassifier(n_neighbors=k, algorithm="brute").fit(x, y).score(q, y[:70]))
print(json.dumps(out))`,
  [dir],
);

/** The k nearest rows of x for each row of q by direct sums, ties to the lower index. */
function naive(x: number[][], q: number[][], k: number, self: boolean): { d: number[][]; i: number[][] } {
  const d: number[][] = [];
  const i: number[][] = [];
  q.forEach((row, r) => {
    const all = x
      .map((p, j) => ({ j, s: p.reduce((acc, v, t) => acc + (v - row[t]) ** 2, 0) }))
      .filter(({ j }) => !self || j !== r)
      .sort((a, b) => a.s - b.s || a.j - b.j)
      .slice(0, k);
    d.push(all.map((e) => Math.sqrt(e.s)));
    i.push(all.map((e) => e.j));
  });
  return { d, i };
}

describeEachExecutor("NearestNeighbors and KNeighborsClassifier", () => {
  it("agree with scikit-learn's brute force on random data, in random blockings", async () => {
    const blockings = fc.sample(
      fc.tuple(
        fc.integer({ min: 1, max: 120 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 40 }),
      ),
      { seed: 11, numRuns: 3 },
    );
    for (const [br, bc, bq] of blockings) {
      const where = `blockSize [${br}, ${bc}], query rows ${bq}`;
      const x = await ds.loadNpy(ref.x, { blockSize: [br, bc] });
      const q = await ds.loadNpy(ref.q, { blockSize: [bq, 6 - bc + 1] });
      const nn = await new NearestNeighbors({ nNeighbors: ref.k }).fit(x);
      const [dist, ind] = await nn.kneighbors(q);
      assert.deepEqual(dist.shape, [70, ref.k]);
      assertClose((await dist.collect()).data, ref.dist.flat(), 1e-9, `${where} distances`);
      assert.deepEqual(Array.from((await ind.collect()).data), ref.ind.flat(), `${where} indices`);
      const [sd, si] = await nn.kneighbors();
      assertClose((await sd.collect()).data, ref.selfDist.flat(), 1e-9, `${where} self distances`);
      assert.deepEqual(Array.from((await si.collect()).data), ref.selfInd.flat(), `${where} self indices`);
      const y = await ds.loadNpy(ref.y, { blockSize: [bq, 1] });
      for (const weights of ["uniform", "distance"] as const) {
        const knn = await new KNeighborsClassifier({ nNeighbors: ref.k, weights }).fit(x, y);
        assert.deepEqual(Array.from(knn.classes), [-2, 3, 7]);
        const p = await knn.predict(q).collect();
        assert.deepEqual(Array.from(p.data), ref.predict[weights], `${where} ${weights} predict`);
        const proba = await knn.predictProba(q).collect();
        assertClose(proba.data, ref.proba[weights].flat(), 1e-12, `${where} ${weights} predictProba`);
      }
      const knn = await new KNeighborsClassifier({ nNeighbors: ref.k }).fit(x, y);
      assert.equal(await knn.score(q, y.slice([0, 70])), ref.score, `${where} score`);
    }
  });

  it("match direct sums with ties to the lower index and never return a row as its own neighbour", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 40 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 15 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 1000 }),
        async (n, m, br, bc, k0, seed) => {
          // Small integers: many exact ties (and duplicate rows), all computed exactly.
          const values = fc.sample(fc.integer({ min: -2, max: 2 }), { seed, numRuns: n * m });
          const rows = Array.from({ length: n }, (_, i) => values.slice(i * m, (i + 1) * m));
          const x = ds.array(rows, { blockSize: [Math.min(br, n), Math.min(bc, m)] });
          const k = Math.min(k0, n - 1);
          const nn = await new NearestNeighbors({ nNeighbors: k }).fit(x);
          const want = naive(rows, rows, k, true);
          const [d, i] = await nn.kneighbors();
          assert.deepEqual(await i.toArray(), want.i);
          assertClose((await d.collect()).data, want.d.flat(), 1e-12, "self distances");
          const [dq, iq] = await nn.kneighbors(x, { nNeighbors: Math.min(k0, n) });
          const wantQ = naive(rows, rows, Math.min(k0, n), false);
          assert.deepEqual(await iq.toArray(), wantQ.i);
          assertClose((await dq.collect()).data, wantQ.d.flat(), 1e-12, "query distances");
        },
      ),
      { numRuns: 8 },
    );
  });

  it("give the same neighbours across the kernel's gemm tiles (strips over 256 and 1024 rows)", async () => {
    const x = ds.random([1100, 3], { blockSize: [1100, 3], seed: 5 });
    const rows = await x.toArray();
    const q = ds.array(rows.slice(0, 300), { blockSize: [300, 2] });
    const [d, i] = await (await new NearestNeighbors({ nNeighbors: 4 }).fit(x)).kneighbors(q);
    const want = naive(rows, rows.slice(0, 300), 4, false);
    assert.deepEqual(await i.toArray(), want.i);
    // Each query is a fitted row: its distance 0 comes out of ||q||² - 2 q·x + ||x||² as up to sqrt(eps).
    assertClose((await d.collect()).data, want.d.flat(), 3e-8, "distances");
  });

  it("make a sparse x and query dense and give the dense answers", async () => {
    const rows = [
      [0, 0, 1],
      [2, 0, 0],
      [0, 0, 0],
      [0, 3, 1],
      [1, 0, 1],
    ];
    const sparse = ds.array(CsrMatrix.fromDense(Matrix.fromArray(rows)), { blockSize: [2, 2] });
    const dense = ds.array(rows, { blockSize: [3, 3] });
    const [ds1, is1] = await (await new NearestNeighbors({ nNeighbors: 3 }).fit(sparse)).kneighbors(sparse);
    const [ds2, is2] = await (await new NearestNeighbors({ nNeighbors: 3 }).fit(dense)).kneighbors(dense);
    assert.deepEqual(await is1.toArray(), await is2.toArray());
    assert.deepEqual(await is1.toArray(), naive(rows, rows, 3, false).i);
    assertClose((await ds1.collect()).data, (await ds2.collect()).data, 1e-12, "sparse distances");
    const y = ds.array([[0], [1], [0], [1], [0]], { blockSize: [2, 1] });
    const knn = await new KNeighborsClassifier({ nNeighbors: 3 }).fit(sparse, y);
    assert.deepEqual(await knn.predict(sparse).toArray(), [[0], [0], [0], [0], [0]]);
  });

  it("save the training rows and labels, and load them back", async () => {
    const x = ds.array(
      [
        [0, 0],
        [1, 0],
        [5, 5],
        [6, 5],
      ],
      { blockSize: [3, 1] },
    );
    const y = ds.array([[1], [1], [2], [2]], { blockSize: [2, 1] });
    const nn = await new NearestNeighbors({ nNeighbors: 1 }).fit(x);
    const json = JSON.parse(JSON.stringify(nn)) as ReturnType<NearestNeighbors["toJSON"]>;
    assert.deepEqual(json.state.fitX, [
      [0, 0],
      [1, 0],
      [5, 5],
      [6, 5],
    ]);
    const loaded = NearestNeighbors.fromJSON(json);
    const q = ds.array([[5.8, 5]], { blockSize: [1, 2] });
    assert.deepEqual(await (await loaded.kneighbors(q))[1].toArray(), [[3]]);
    const knn = await new KNeighborsClassifier({ nNeighbors: 3, weights: "distance" }).fit(x, y);
    const back = KNeighborsClassifier.fromJSON(JSON.parse(JSON.stringify(knn)));
    assert.equal(back.weights, "distance");
    assert.deepEqual(await back.predictProba(q).toArray(), await knn.predictProba(q).toArray());
    assert.deepEqual(await back.predict(q).toArray(), [[2]]);
  });

  it("keep the fitted rows when the caller disposes x, and across a refit", async () => {
    const x = ds.array([[0], [1], [5], [6], [9]], { blockSize: [2, 1] });
    const y = ds.array([[1], [1], [2], [2], [2]], { blockSize: [2, 1] });
    const q = ds.array([[5.4], [0.2]], { blockSize: [1, 1] });
    const nn = await new NearestNeighbors({ nNeighbors: 2 }).fit(x);
    const knn = await new KNeighborsClassifier({ nNeighbors: 1 }).fit(x, y);
    x.dispose();
    assert.deepEqual(await (await nn.kneighbors(q))[1].toArray(), [
      [2, 3],
      [0, 1],
    ]);
    assert.deepEqual(await knn.predict(q).toArray(), [[2], [1]]);
    const other = ds.array([[100], [0.3], [200]], { blockSize: [2, 1] });
    await nn.fit(other);
    other.dispose();
    assert.deepEqual(await (await nn.kneighbors(q))[1].toArray(), [
      [1, 0],
      [1, 0],
    ]);
    assert.deepEqual(nn.toJSON().state.fitX, [[100], [0.3], [200]]);
  });

  it("reject bad input with one-line errors", async () => {
    const x = ds.array(
      [
        [0, 0],
        [1, 0],
        [5, 5],
      ],
      { blockSize: [2, 2] },
    );
    const y = ds.array([[1], [1], [2]], { blockSize: [2, 1] });
    await assert.rejects(new NearestNeighbors().kneighbors(x), NotFittedError);
    assert.throws(() => new KNeighborsClassifier().predict(x), NotFittedError);
    assert.throws(() => new NearestNeighbors().toJSON(), NotFittedError);
    assert.throws(() => new NearestNeighbors({ nNeighbors: 0 }), /nNeighbors must be an integer >= 1/);
    assert.throws(() => new NearestNeighbors({ k: 3 } as never), /unknown option "k"/);
    assert.throws(
      () => new KNeighborsClassifier({ weights: "inverse" } as never),
      /weights must be "uniform"/,
    );
    const nn = await new NearestNeighbors({ nNeighbors: 3 }).fit(x);
    await assert.rejects(
      nn.kneighbors(),
      (e: Error) => e instanceof ArgumentError && /only 2 fitted rows/.test(e.message),
    );
    await assert.rejects(nn.kneighbors(x, { nNeighbors: 4 }), /nNeighbors is 4 but only 3 fitted rows/);
    await assert.rejects(nn.kneighbors(x, { n: 1 } as never), /unknown option "n"/);
    const wide = ds.array([[1, 2, 3]], { blockSize: [1, 3] });
    await assert.rejects(nn.kneighbors(wide), /x has 3 features but the NearestNeighbors was fitted with 2/);
    await assert.rejects(new NearestNeighbors().fit([[1]] as never), /x must be a DsArray/);
    const knn = new KNeighborsClassifier({ nNeighbors: 2 });
    await assert.rejects(knn.fit(x, ds.array([[1], [2]], { blockSize: [2, 1] })), ShapeError);
    await assert.rejects(knn.fit(x, ds.array([[1], [NaN], [2]], { blockSize: [2, 1] })), /not finite/);
    await knn.fit(x, y);
    assert.throws(() => knn.predict(wide), /x has 3 features/);
    assert.throws(() => new KNeighborsClassifier({ nNeighbors: 4 }).predict(x), NotFittedError);
    assert.throws(
      () => NearestNeighbors.fromJSON({ estimator: "KMeans", version: 1 }),
      /expected a saved NearestNeighbors/,
    );
    for (const e of [() => new NearestNeighbors({ nNeighbors: 1.5 })]) {
      assert.throws(e, (err: Error) => !err.message.includes("\n"));
    }
  });
});
