import { it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ds, type DsArray } from "../../src/index.ts";
import { describeEachExecutor } from "../support/executors.ts";
import { assertDsEqual, denseValues, shapeAndBlocks, type Dense } from "../support/dense.ts";
import { kernelsSubmittedBy } from "../support/kernels.ts";

const lane = {
  sum: (v: number[]) => v.reduce((s, e) => s + e, 0),
  mean: (v: number[]) => v.reduce((s, e) => s + e, 0) / v.length,
  norm: (v: number[]) => Math.sqrt(v.reduce((s, e) => s + e * e, 0)),
  countNonzero: (v: number[]) => v.filter((e) => e !== 0).length,
};
type Name = keyof typeof lane;

function reduceDense(name: Name, a: Dense, axis: 0 | 1 | undefined): Dense | number {
  const f = lane[name];
  if (axis === undefined) return f(a.flat());
  if (axis === 0) return [a[0].map((_, j) => f(a.map((row) => row[j])))];
  return a.map((row) => [f(row)]);
}

function close(x: number, y: number): boolean {
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) && Number.isNaN(y);
  if (!Number.isFinite(x) || !Number.isFinite(y)) return x === y;
  return Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x), Math.abs(y));
}

describeEachExecutor("a chain that ends in a sum", () => {
  it("runs in one pass per block (no chain block is stored) and matches the dense reference", async () => {
    await fc.assert(
      fc.asyncProperty(
        shapeAndBlocks(9).chain(({ shape, blockSize }) =>
          fc.record({
            shape: fc.constant(shape),
            blockSize: fc.constant(blockSize),
            a: denseValues(shape[0], shape[1], true),
          }),
        ),
        async ({ shape: [n, m], blockSize, a }) => {
          const r = [Array.from({ length: m }, (_, j) => j - 1.5)];
          const c = Array.from({ length: n }, (_, i) => [i % 3]);
          const x = ds.array(a, { blockSize });
          const row = ds.array(r, { blockSize: [1, Math.max(1, blockSize[1])] });
          const col = ds.array(c, { blockSize: [Math.max(1, blockSize[0]), 1] });
          await Promise.all([x.persist(), row.persist(), col.persist()]);
          // |2x + r - c|, broadcast by row and by column; 0 where it cancels, so countNonzero varies.
          const dense = a.map((vals, i) => vals.map((v, j) => Math.abs(v * 2 + r[0][j] - c[i][0])));
          for (const name of ["sum", "mean", "norm", "countNonzero"] as const) {
            for (const axis of [0, 1, undefined] as const) {
              const chain = x.mul(2).add(row).sub(col).abs();
              const { result, kernels } = kernelsSubmittedBy(() => chain[name](axis));
              assert.ok(
                !kernels.includes("elementwise.fused"),
                `${name}(${axis}) stored the chain: ${kernels.join()}`,
              );
              assert.equal(
                kernels.filter((k) => k === "reduce.sum.fusedChunk").length,
                x.nBlocks[0] * x.nBlocks[1],
              );
              const expected = reduceDense(name, dense, axis);
              if (typeof expected === "number") {
                const got = await (result as Promise<number>);
                assert.ok(close(got, expected), `${name}() = ${got}, expected ${expected}`);
              } else {
                await assertDsEqual(result as DsArray, expected, 1e-9);
              }
            }
          }
        },
      ),
      { numRuns: 15 },
    );
  });

  it("the chain stays usable afterwards, and constants and user functions fuse too", async () => {
    const x = ds.array(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { blockSize: [1, 2] },
    );
    const chain = x.add(1);
    assert.equal(await chain.sum(), 27);
    await assertDsEqual(chain, [
      [2, 3, 4],
      [5, 6, 7],
    ]);
    const { result } = kernelsSubmittedBy(() => ds.ones([5, 7], { blockSize: [2, 3] }).sum());
    assert.equal(await result, 35);
    assert.equal(await x.map((v) => v * v).sum(), 91);
    assert.ok(Number.isNaN(await x.log().sub(Math.log(2)).sqrt().sum()), "sqrt of a negative gives NaN");
  });
});
