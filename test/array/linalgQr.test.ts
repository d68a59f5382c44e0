/**
 * ds.tsqr and ds.qr against numpy.linalg.qr (after fixing numpy's signs so R's diagonal is non-negative),
 * and their defining properties on random shapes and block grids: QR = a, QᵀQ = I, R upper triangular with
 * a non-negative diagonal, the declared blocking; plus an ill-conditioned input (condition 1e10) and bad inputs.
 */
import { it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ds, ArgumentError, ShapeError } from "../../src/index.ts";
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
} from "../support/matrices.ts";
import type { Dense } from "../support/dense.ts";

const CASES = [
  [40, 6, [7, 6]],
  [30, 9, [8, 4]],
  [12, 12, [5, 5]],
  [5, 9, [2, 4]],
] as const;
const caseValues = CASES.map(([m, n]) => seededMatrix(m, n, m * n));

/**
 * One Python run: numpy.linalg.qr of every case, signs fixed as ours (R's diagonal non-negative), and the
 * ill-conditioned matrix.
 */
const refs = once(() =>
  numpy<{ qr: { q: Dense; r: Dense }[]; ill: Dense }>(
    `${PY_ILL_CONDITIONED}
out = []
for a in args:
    q, r = np.linalg.qr(a)
    d = np.where(np.diag(r) < 0, -1.0, 1.0)
    out.append({"q": (q * d).tolist(), "r": (r * d[:, None]).tolist()})
print(json.dumps({"qr": out, "ill": ill(60, 12, 10, 7)[0].tolist()}))`,
    ...caseValues,
  ),
);

function checkUpper(r: Dense): void {
  r.forEach((row, i) =>
    row.forEach((v, j) => {
      if (j < i) assert.equal(v, 0, `R[${i}, ${j}] below the diagonal`);
      if (j === i) assert.ok(v >= 0, `R[${i}, ${i}] = ${v} is negative`);
    }),
  );
}

/** QR = a, QᵀQ = I, R upper triangular with a non-negative diagonal; tolerances relative to max|a|. */
function checkFactors(a: Dense, q: Dense, r: Dense, tol = 1e-13): void {
  checkUpper(r);
  const scale = Math.max(1, maxAbs(a));
  assert.ok(maxDiff(product(q, r), a) <= tol * scale, `|QR - a| = ${maxDiff(product(q, r), a)}`);
  assert.ok(orthogonalityError(q) <= tol, `|QᵀQ - I| = ${orthogonalityError(q)}`);
}

describeEachExecutor("ds.tsqr / ds.qr", () => {
  it("tsqr: QR = a, QᵀQ = I, R triangular with diagonal >= 0, on random tall shapes and grids", async () => {
    await fc.assert(
      fc.asyncProperty(
        caseArb([1, 24], [1, 6], (m, n) => m >= n),
        async ({ m, n, blocking, seed }) => {
          const values = seededMatrix(m, n, seed);
          const a = build(values, blocking);
          const { q, r } = ds.tsqr(a);
          assert.deepEqual(q.grid.rowChunks, a.grid.rowChunks);
          assert.deepEqual(q.shape, [m, n]);
          assert.deepEqual(r.nBlocks, [1, 1]);
          checkFactors(values, (await q.collect()).toArray(), (await r.collect()).toArray());
          const only = ds.tsqr(a, { mode: "r" });
          assert.equal("q" in only, false);
          assert.ok(maxDiff((await only.r.collect()).toArray(), (await r.collect()).toArray()) <= 1e-14);
        },
      ),
      { numRuns: 12 },
    );
  });

  it("qr: QR = a, QᵀQ = I, R triangular with diagonal >= 0 on random grids, tall and wide", async () => {
    await fc.assert(
      fc.asyncProperty(caseArb([1, 14], [1, 14]), async ({ m, n, blocking, seed }) => {
        const values = seededMatrix(m, n, seed);
        const a = build(values, blocking);
        const { q, r } = ds.qr(a);
        const k = Math.min(m, n);
        assert.deepEqual(q.shape, [m, k]);
        assert.deepEqual(r.shape, [k, n]);
        assert.deepEqual(q.grid.rowChunks, a.grid.rowChunks);
        if (m >= n) {
          assert.deepEqual(q.grid.colChunks, a.grid.colChunks);
          assert.deepEqual(r.grid.rowChunks, a.grid.colChunks);
        }
        checkFactors(values, (await q.collect()).toArray(), (await r.collect()).toArray());
      }),
      { numRuns: 14 },
    );
  });

  it("tsqr and qr agree with numpy.linalg.qr after numpy's signs are fixed", async () => {
    for (const [c, [m, n, blockSize]] of CASES.entries()) {
      const ref = refs().qr[c];
      const a = ds.array(caseValues[c], { blockSize: [...blockSize] });
      const results = m >= n ? [ds.qr(a), ds.tsqr(a)] : [ds.qr(a)];
      for (const { q, r } of results) {
        assert.ok(maxDiff((await q.collect()).toArray(), ref.q) <= 1e-12, `Q of ${m}x${n}`);
        assert.ok(maxDiff((await r.collect()).toArray(), ref.r) <= 1e-12, `R of ${m}x${n}`);
      }
    }
  });

  it("qr stays orthogonal at condition number 1e10 (unlike CholeskyQR)", async () => {
    const values = refs().ill;
    const a = ds.array(values, { blockSize: [16, 3] });
    for (const { q, r } of [ds.qr(a), ds.tsqr(a)]) {
      checkFactors(values, (await q.collect()).toArray(), (await r.collect()).toArray(), 5e-15 * 60);
    }
  });

  it("sparse input is made dense", async () => {
    const values = [
      [1, 0],
      [0, 2],
      [3, 0],
    ];
    const a = ds.array(values, { blockSize: [2, 1] }).toSparse();
    const { q, r } = ds.qr(a);
    checkFactors(values, (await q.collect()).toArray(), (await r.collect()).toArray());
  });

  it("bad inputs: one clear error each", () => {
    const a = ds.ones([4, 2], { blockSize: [2, 2] });
    assert.throws(
      () => ds.tsqr([[1]] as never),
      (e: Error) => e instanceof ArgumentError && /ds\.tsqr: a must be a DsArray/.test(e.message),
    );
    assert.throws(
      () => ds.tsqr(a, { mode: "full" } as never),
      /ds\.tsqr: mode must be "reduced" or "r" but was "full"/,
    );
    assert.throws(() => ds.qr(a, { pivoting: true } as never), /ds\.qr: unknown option "pivoting"/);
    assert.throws(
      () => ds.qr(ds.zeros([0, 3], { blockSize: [1, 1] })),
      (e: Error) =>
        e instanceof ShapeError && /ds\.qr: a must not be empty but has shape \[0, 3\]/.test(e.message),
    );
  });
});
