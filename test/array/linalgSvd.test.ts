/**
 * ds.svd (one-sided block Jacobi) and ds.randomSvd against numpy.linalg.svd and scikit-learn's
 * randomized_svd, and their defining properties on random shapes and block grids: U S Vᵀ = a, UᵀU = I,
 * VᵀV = I, s descending, the sign convention, the declared blocking; plus condition 1e10 and bad inputs.
 */
import { it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ds, ArgumentError, LinalgError, ShapeError } from "../../src/index.ts";
import { describeEachExecutor } from "../support/executors.ts";
import { build } from "../support/irregular.ts";
import {
  caseArb,
  PY_ILL_CONDITIONED,
  maxAbs,
  maxDiff,
  numpy,
  once,
  orthogonalityError,
  product,
  seededMatrix,
  usvt,
} from "../support/matrices.ts";
import type { Dense } from "../support/dense.ts";

function checkDescending(s: Float64Array): void {
  for (let i = 0; i < s.length; i++) {
    assert.ok(s[i] >= 0, `s[${i}] = ${s[i]} is negative`);
    if (i > 0) assert.ok(s[i] <= s[i - 1], `s is not descending at ${i}: ${s[i - 1]}, ${s[i]}`);
  }
}

/** Each column of v has its entry of largest magnitude positive. */
function checkSigns(v: Dense): void {
  v[0].forEach((_, c) => {
    let big = 0;
    for (const row of v) if (Math.abs(row[c]) > Math.abs(big)) big = row[c];
    assert.ok(big >= 0, `column ${c} of V has its largest entry negative (${big})`);
  });
}

const CASES = [
  [40, 6, [7, 6]],
  [30, 9, [8, 4]],
  [12, 12, [5, 5]],
  [25, 7, [25, 7]],
] as const;
const caseValues = CASES.map(([m, n]) => seededMatrix(m, n, 3 * m + n));

const lowRankValues = product(seededMatrix(30, 3, 1), seededMatrix(3, 12, 2));

interface References {
  /** numpy.linalg.svd of every case, V's columns signed as ours (svd_flip, u_based_decision=False). */
  svd: { u: Dense; s: number[]; v: Dense }[];
  /** The ill-conditioned matrix, its exact singular values and numpy's. */
  ill: { a: Dense; s: number[]; ref: number[] };
  /** The rank-3 matrix: numpy's singular values and scikit-learn's randomized_svd top 2. */
  lowRank: { s: number[]; sk: number[] };
}

/** Every NumPy and scikit-learn reference of this file, in one Python run. */
const refs = once(() =>
  numpy<References>(
    `${PY_ILL_CONDITIONED}
from sklearn.utils.extmath import randomized_svd
out = []
for a in args[:-1]:
    u, s, vt = np.linalg.svd(a, full_matrices=False)
    rows = np.argmax(np.abs(vt), axis=1)
    signs = np.sign(vt[np.arange(vt.shape[0]), rows])
    out.append({"u": (u * signs).tolist(), "s": s.tolist(), "v": (vt.T * signs).tolist()})
a, s = ill(50, 10, 10, 11)
low = args[-1]
_, sk, _ = randomized_svd(low, 2, random_state=0)
print(json.dumps({
    "svd": out,
    "ill": {"a": a.tolist(), "s": s.tolist(), "ref": np.linalg.svd(a, compute_uv=False).tolist()},
    "lowRank": {"s": np.linalg.svd(low, compute_uv=False).tolist(), "sk": sk.tolist()},
}))`,
    ...caseValues,
    lowRankValues,
  ),
);

describeEachExecutor("ds.svd / ds.randomSvd", () => {
  it("svd: U S Vᵀ = a, UᵀU = I, VᵀV = I, s descending, V's signs, on random tall shapes and grids", async () => {
    await fc.assert(
      fc.asyncProperty(
        caseArb([1, 14], [1, 8], (m, n) => m >= n).chain((c) =>
          fc.record({
            c: fc.constant(c),
            blockCols: fc.option(fc.integer({ min: 1, max: c.n }), { nil: undefined }),
          }),
        ),
        async ({ c: { m, n, blocking, seed }, blockCols }) => {
          const values = seededMatrix(m, n, seed);
          const a = build(values, blocking);
          // blockCols below n / 2 runs the round-robin over many pairs of column blocks.
          const { u, s, v } = await ds.svd(a, blockCols === undefined ? {} : { blockCols });
          assert.deepEqual(u.grid, a.grid);
          assert.deepEqual(v.grid.rowChunks, a.grid.colChunks);
          assert.deepEqual(v.grid.colChunks, a.grid.colChunks);
          const [ud, vd] = [(await u.collect()).toArray(), (await v.collect()).toArray()];
          checkDescending(s);
          checkSigns(vd);
          assert.ok(maxDiff(usvt(ud, s, vd), values) <= 1e-13 * Math.max(1, maxAbs(values)), "U S Vᵀ = a");
          assert.ok(orthogonalityError(ud) <= 1e-11, `|UᵀU - I| = ${orthogonalityError(ud)}`);
          assert.ok(orthogonalityError(vd) <= 1e-13, `|VᵀV - I| = ${orthogonalityError(vd)}`);
        },
      ),
      { numRuns: 10 },
    );
  });

  it("svd agrees with numpy.linalg.svd: s to 1e-12 relative, U and V to 1e-9", async () => {
    for (const [c, [m, n, blockSize]] of CASES.entries()) {
      const a = ds.array(caseValues[c], { blockSize: [...blockSize] });
      const { u, s, v } = await ds.svd(a, c === 0 ? {} : { blockCols: blockSize[1] });
      const ref = refs().svd[c];
      s.forEach((x, i) => assert.ok(Math.abs(x - ref.s[i]) <= 1e-12 * ref.s[i], `s[${i}] of ${m}x${n}`));
      assert.ok(maxDiff((await u.collect()).toArray(), ref.u) <= 1e-9, `U of ${m}x${n}`);
      assert.ok(maxDiff((await v.collect()).toArray(), ref.v) <= 1e-9, `V of ${m}x${n}`);
      const only = await ds.svd(a, { computeUv: false });
      assert.equal("u" in only, false);
      only.s.forEach((x, i) => assert.ok(Math.abs(x - s[i]) <= 1e-14 * s[0]));
    }
  });

  it("svd at condition number 1e10: s within 1e-14 · s[0] of numpy, U and V orthonormal", async () => {
    const { a: values, s: exact, ref } = refs().ill;
    const { u, s, v } = await ds.svd(ds.array(values, { blockSize: [13, 3] }), { blockCols: 3 });
    s.forEach((x, i) => {
      assert.ok(Math.abs(x - ref[i]) <= 1e-14 * ref[0], `s[${i}] = ${x}, numpy ${ref[i]}`);
      assert.ok(Math.abs(x - exact[i]) <= 1e-14 * exact[0], `s[${i}] = ${x}, exact ${exact[i]}`);
    });
    assert.ok(orthogonalityError((await u.collect()).toArray()) <= 1e-11);
    assert.ok(orthogonalityError((await v.collect()).toArray()) <= 1e-13);
  });

  it("svd of a rank-3 array converges: top s as numpy, the rest numerically zero with zero U columns", async () => {
    const values = lowRankValues;
    const full = refs().lowRank.s;
    const { u, s, v } = await ds.svd(ds.array(values, { blockSize: [7, 5] }), { blockCols: 5 });
    const zero = 30 * Number.EPSILON * Math.hypot(...full);
    s.forEach((x, i) => {
      if (i < 3) assert.ok(Math.abs(x - full[i]) <= 1e-13 * full[0], `s[${i}] vs numpy`);
      else assert.ok(x <= zero, `s[${i}] = ${x} should be numerically zero`);
    });
    const [ud, vd] = [(await u.collect()).toArray(), (await v.collect()).toArray()];
    assert.ok(
      ud.every((row) => row.slice(3).every((x) => x === 0)),
      "U's columns beyond the rank are zero",
    );
    assert.ok(orthogonalityError(ud.map((row) => row.slice(0, 3))) <= 1e-13);
    assert.ok(orthogonalityError(vd) <= 1e-13);
    assert.ok(maxDiff(usvt(ud, s, vd), values) <= 1e-13 * maxAbs(values), "U S Vᵀ = a");
  });

  it("randomSvd is exact on a rank-3 matrix and agrees with numpy and scikit-learn's randomized_svd", async () => {
    const values = lowRankValues;
    const { s: full, sk } = refs().lowRank;
    const a = ds.array(values, { blockSize: [7, 5] });
    const { u, s, v } = await ds.randomSvd(a, 2, { randomState: 0 });
    assert.deepEqual(u.grid.rowChunks, a.grid.rowChunks);
    assert.deepEqual(v.grid.rowChunks, a.grid.colChunks);
    s.forEach((x, i) => {
      assert.ok(Math.abs(x - full[i]) <= 1e-12 * full[0], `s[${i}] vs numpy`);
      assert.ok(Math.abs(x - sk[i]) <= 1e-12 * full[0], `s[${i}] vs scikit-learn`);
    });
    const [ud, vd] = [(await u.collect()).toArray(), (await v.collect()).toArray()];
    checkSigns(vd);
    assert.ok(orthogonalityError(ud) <= 1e-13 && orthogonalityError(vd) <= 1e-13);
  });

  it("randomSvd reconstructs random low-rank arrays on random grids (rank <= k)", async () => {
    await fc.assert(
      fc.asyncProperty(
        caseArb([2, 16], [2, 16]).chain((c) =>
          fc.record({
            c: fc.constant(c),
            rank: fc.integer({ min: 1, max: Math.min(c.m, c.n) }),
            extra: fc.integer({ min: 0, max: 3 }),
          }),
        ),
        async ({ c: { m, n, blocking, seed }, rank, extra }) => {
          const values = product(seededMatrix(m, rank, seed), seededMatrix(rank, n, seed + 1));
          const k = Math.min(rank + extra, m, n);
          const { u, s, v } = await ds.randomSvd(build(values, blocking), k, {
            randomState: seed,
            nOversamples: 2,
          });
          checkDescending(s);
          const [ud, vd] = [(await u.collect()).toArray(), (await v.collect()).toArray()];
          assert.ok(maxDiff(usvt(ud, s, vd), values) <= 1e-12 * Math.max(1, maxAbs(values)), "U S Vᵀ = a");
          assert.ok(orthogonalityError(vd) <= 1e-12);
        },
      ),
      { numRuns: 10 },
    );
  });

  it("bad inputs: one clear error each", async () => {
    const a = ds.ones([4, 3], { blockSize: [2, 2] });
    await assert.rejects(
      ds.svd(ds.ones([2, 3], { blockSize: [1, 1] })),
      (e: Error) =>
        e instanceof ShapeError &&
        /ds\.svd: a must have at least as many rows as columns but has shape \[2, 3\] \(factor a\.T/.test(
          e.message,
        ),
    );
    await assert.rejects(ds.svd(a, { tol: 0 }), /ds\.svd: tol must be a positive number but was 0/);
    await assert.rejects(ds.svd(a, { blockCols: 0 }), /ds\.svd: blockCols must be an integer >= 1 but was 0/);
    await assert.rejects(ds.svd(a, { sweeps: 3 } as never), /ds\.svd: unknown option "sweeps"/);
    await assert.rejects(
      ds.svd(ds.array(seededMatrix(8, 4, 1), { blockSize: [4, 2] }), { maxSweeps: 1, blockCols: 1 }),
      (e: Error) => e instanceof LinalgError && /ds\.svd: no convergence after 1 sweeps/.test(e.message),
    );
    const withNan = ds.array(
      [
        [1, 2],
        [Number.NaN, 3],
        [4, 5],
      ],
      { blockSize: [2, 1] },
    );
    await assert.rejects(ds.svd(withNan), /^LinalgError: ds\.svd: a must be finite but contains NaN/);
    await assert.rejects(
      ds.randomSvd(withNan, 1),
      /^LinalgError: ds\.randomSvd: a must be finite but contains NaN/,
    );
    for (const k of [0, 4, 1.5]) {
      await assert.rejects(
        ds.randomSvd(a, k),
        (e: Error) =>
          e instanceof ArgumentError &&
          new RegExp(
            `ds\\.randomSvd: k must be an integer in \\[1, 3\\] \\(min of a\\.shape=\\[4, 3\\]\\) but was ${k}`,
          ).test(e.message),
      );
    }
    await assert.rejects(
      ds.randomSvd(a, 1, { nIter: -1 }),
      /ds\.randomSvd: nIter must be an integer >= 0 but was -1/,
    );
  });
});
