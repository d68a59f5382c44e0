/**
 * ds.cholesky (tiled right-looking) and ds.solve (QR + block back-substitution) against numpy.linalg, and
 * their defining properties on random sizes and block grids: L Lᵀ = a with L lower triangular, a x = b;
 * plus a matrix that is not positive definite, a singular matrix and bad inputs.
 */
import { it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ds, ArgumentError, LinalgError, ShapeError } from "../../src/index.ts";
import { describeEachExecutor } from "../support/executors.ts";
import { build, blockingArb } from "../support/irregular.ts";
import { maxAbs, maxDiff, numpy, once, product, seededMatrix, transpose } from "../support/matrices.ts";
import type { Dense } from "../support/dense.ts";

/** x xᵀ + n I for a seeded n x n x: symmetric positive definite, condition number modest. */
function spd(n: number, seed: number): Dense {
  const x = seededMatrix(n, n, seed);
  return product(x, transpose(x)).map((row, i) => row.map((v, j) => v + (i === j ? n : 0)));
}

const sizeArb = (max: number) =>
  fc.integer({ min: 1, max }).chain((n) =>
    fc.record({
      n: fc.constant(n),
      k: fc.integer({ min: 1, max: 4 }),
      blocking: blockingArb(n, n),
      seed: fc.integer({ min: 0, max: 2 ** 30 }),
    }),
  );

const spdCase = spd(17, 5);
const solveCase = { a: seededMatrix(17, 17, 8), b: seededMatrix(17, 3, 9) };
const numpyRefs = once(() =>
  numpy<{ l: Dense; x: Dense }>(
    `print(json.dumps({"l": np.linalg.cholesky(args[0]).tolist(), "x": np.linalg.solve(args[1], args[2]).tolist()}))`,
    spdCase,
    solveCase.a,
    solveCase.b,
  ),
);

describeEachExecutor("ds.cholesky / ds.solve", () => {
  it("cholesky: L Lᵀ = a, L lower triangular with a positive diagonal, on random sizes and grids", async () => {
    await fc.assert(
      fc.asyncProperty(sizeArb(13), async ({ n, blocking, seed }) => {
        const values = spd(n, seed);
        const a = build(values, blocking);
        const l = await ds.cholesky(a);
        assert.deepEqual(l.grid.rowChunks, a.grid.rowChunks);
        assert.deepEqual(l.grid.colChunks, a.grid.rowChunks);
        const ld = (await l.collect()).toArray();
        ld.forEach((row, i) =>
          row.forEach((v, j) => {
            if (j > i) assert.equal(v, 0, `L[${i}, ${j}] above the diagonal`);
            if (j === i) assert.ok(v > 0, `L[${i}, ${i}] = ${v}`);
          }),
        );
        assert.ok(maxDiff(product(ld, transpose(ld)), values) <= 1e-13 * maxAbs(values), "L Lᵀ = a");
      }),
      { numRuns: 12 },
    );
  });

  it("solve: a x = b on random sizes, grids and right-hand sides", async () => {
    await fc.assert(
      fc.asyncProperty(sizeArb(13), async ({ n, k, blocking, seed }) => {
        const av = seededMatrix(n, n, seed).map((row, i) => row.map((v, j) => v + (i === j ? 2 : 0)));
        const bv = seededMatrix(n, k, seed + 1);
        const x = await ds.solve(
          build(av, blocking),
          ds.array(bv, { blockSize: [Math.max(1, n >> 1), Math.min(2, k)] }),
        );
        assert.deepEqual(x.shape, [n, k]);
        const xd = (await x.collect()).toArray();
        const residual = maxDiff(product(av, xd), bv);
        assert.ok(residual <= 1e-12 * Math.max(1, maxAbs(av) * maxAbs(xd)), `|a x - b| = ${residual}`);
      }),
      { numRuns: 12 },
    );
  });

  it("cholesky and solve agree with numpy.linalg", async () => {
    const ref = numpyRefs();
    const l = await ds.cholesky(ds.array(spdCase, { blockSize: [5, 5] }));
    assert.ok(maxDiff((await l.collect()).toArray(), ref.l) <= 1e-13 * maxAbs(ref.l), "cholesky");
    const x = await ds.solve(
      ds.array(solveCase.a, { blockSize: [4, 6] }),
      ds.array(solveCase.b, { blockSize: [5, 2] }),
    );
    assert.ok(maxDiff((await x.collect()).toArray(), ref.x) <= 1e-10 * maxAbs(ref.x), "solve");
  });

  it("not positive definite, singular: LinalgError with a clear message", async () => {
    const indefinite = spd(6, 1).map((row, i) => row.map((v, j) => (i === 4 && j === 4 ? -50 : v)));
    await assert.rejects(
      ds.cholesky(ds.array(indefinite, { blockSize: [2, 2] })),
      (e: Error) =>
        e instanceof LinalgError &&
        /^ds\.cholesky: a is not positive definite \(the factorisation broke down in rows 4\.\.5\)$/.test(
          e.message,
        ),
    );
    const singular = seededMatrix(6, 6, 2).map((row) => [...row.slice(0, 5), row[0] + row[1]]);
    await assert.rejects(
      ds.solve(ds.array(singular, { blockSize: [4, 4] }), ds.ones([6, 1], { blockSize: [3, 1] })),
      (e: Error) =>
        e instanceof LinalgError &&
        /^ds\.solve: a is singular to working precision \(\|R\[5, 5\]\| = /.test(e.message),
    );
  });

  it("bad inputs: one clear error each", async () => {
    const square = ds.identity(4, { blockSize: [2, 2] });
    await assert.rejects(
      ds.cholesky(ds.ones([4, 3], { blockSize: [2, 2] })),
      (e: Error) =>
        e instanceof ShapeError && /^ds\.cholesky: a must be square but has shape \[4, 3\]$/.test(e.message),
    );
    await assert.rejects(
      ds.solve(ds.ones([3, 4], { blockSize: [2, 2] }), square),
      /^ShapeError: ds\.solve: a must be square but has shape \[3, 4\]$/,
    );
    await assert.rejects(
      ds.solve(square, ds.ones([3, 1], { blockSize: [2, 1] })),
      /ds\.solve: b must have 4 rows \(as a\) but has shape \[3, 1\] \(a\.shape=\[4, 4\]\)/,
    );
    await assert.rejects(
      ds.solve(square, [[1]] as never),
      (e: Error) => e instanceof ArgumentError && /ds\.solve: b must be a DsArray/.test(e.message),
    );
    const withNan = ds.array(
      [
        [1, Number.NaN],
        [Number.NaN, 1],
      ],
      { blockSize: [1, 1] },
    );
    await assert.rejects(
      ds.cholesky(withNan),
      (e: Error) =>
        e instanceof LinalgError && /^ds\.cholesky: a must be finite but contains NaN/.test(e.message),
    );
    await assert.rejects(
      ds.solve(ds.identity(2, { blockSize: [1, 1] }), ds.full([2, 1], Infinity, { blockSize: [1, 1] })),
      /^LinalgError: ds\.solve: b must be finite but contains Infinity/,
    );
    // Sparse operands are made dense.
    const x = await ds.solve(square.toSparse(), ds.ones([4, 1], { blockSize: [2, 1] }).toSparse());
    assert.deepEqual(await x.toArray(), [[1], [1], [1], [1]]);
    const l = await ds.cholesky(square.mul(4).toSparse());
    assert.deepEqual(await l.toArray(), [
      [2, 0, 0, 0],
      [0, 2, 0, 0],
      [0, 0, 2, 0],
      [0, 0, 0, 2],
    ]);
  });
});
