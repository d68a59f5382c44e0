/**
 * Operations on irregular arrays made the way users make them: by slicing a regular array at offsets that
 * do not fall on block boundaries. Each result is compared with the same operation on the dense slice.
 */
import { it } from "node:test";
import fc from "fast-check";
import { ds } from "../../src/index.ts";
import { describeEachExecutor } from "../support/executors.ts";
import {
  assertDsEqual,
  denseMap,
  denseMatmul,
  denseTranspose,
  denseValues,
  type Dense,
} from "../support/dense.ts";

/** A regular array, a random slice of it (start, stop, step per axis) and the dense slice. */
const slicedArb = fc
  .record({ n: fc.integer({ min: 2, max: 12 }), m: fc.integer({ min: 2, max: 12 }), seed: fc.integer() })
  .chain(({ n, m, seed }) =>
    fc.record({
      values: fc.constant(fc.sample(denseValues(n, m), { seed, numRuns: 1 })[0]),
      blockSize: fc.tuple(fc.integer({ min: 1, max: n }), fc.integer({ min: 1, max: m })),
      rows: fc.tuple(
        fc.integer({ min: 0, max: n - 1 }),
        fc.integer({ min: 1, max: n }),
        fc.integer({ min: 1, max: 2 }),
      ),
      cols: fc.tuple(
        fc.integer({ min: 0, max: m - 1 }),
        fc.integer({ min: 1, max: m }),
        fc.integer({ min: 1, max: 2 }),
      ),
    }),
  )
  .filter(({ rows, cols }) => rows[0] < rows[1] && cols[0] < cols[1]);

function denseSlice(a: Dense, [r0, r1, rs]: number[], [c0, c1, cs]: number[]): Dense {
  const out: Dense = [];
  for (let i = r0; i < r1; i += rs) {
    const row: number[] = [];
    for (let j = c0; j < c1; j += cs) row.push(a[i][j]);
    out.push(row);
  }
  return out;
}

describeEachExecutor("operations on sliced (irregular) arrays", () => {
  it("elementwise with a regular operand, reductions, transpose and matmul match the dense slice", async () => {
    await fc.assert(
      fc.asyncProperty(slicedArb, async ({ values, blockSize, rows, cols }) => {
        const x = ds.array(values, { blockSize }).slice(rows, cols);
        const d = denseSlice(values, rows, cols);
        const [n, m] = [d.length, d[0].length];
        const other = ds.array(
          denseMap(d, (v, i, j) => v * 0.5 + i - j),
          { blockSize: [Math.max(1, Math.ceil(n / 2)), m] },
        );
        await assertDsEqual(
          x.add(other).mul(2),
          denseMap(d, (v, i, j) => (v + v * 0.5 + i - j) * 2),
        );
        await assertDsEqual(x.sum(0), [d[0].map((_, j) => d.reduce((s, row) => s + row[j], 0))], 1e-9);
        await assertDsEqual(
          x.max(1),
          d.map((row) => [Math.max(...row)]),
        );
        await assertDsEqual(x.T, denseTranspose(d));
        await assertDsEqual(x.matmul(x.T), denseMatmul(d, denseTranspose(d)), 1e-9);
      }),
      { numRuns: 40 },
    );
  });
});
