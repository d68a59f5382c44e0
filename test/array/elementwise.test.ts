import { it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ds, ShapeError, ArgumentError, TaskFailedError } from "../../src/index.ts";
import { engine } from "../../src/internal.ts";
import { describeEachExecutor } from "../support/executors.ts";
import {
  assertDsEqual,
  bcast,
  denseMap,
  denseValues,
  ofKind,
  shapeAndBlocks,
  withZeros,
  type Dense,
} from "../support/dense.ts";

const binaryRefs: Record<string, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: (a, b) => Math.pow(a, b),
  minimum: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b)),
  maximum: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b)),
  eq: (a, b) => Number(a === b),
  ne: (a, b) => Number(a !== b),
  lt: (a, b) => Number(a < b),
  le: (a, b) => Number(a <= b),
  gt: (a, b) => Number(a > b),
  ge: (a, b) => Number(a >= b),
};
type BinaryName =
  "add" | "sub" | "mul" | "div" | "pow" | "minimum" | "maximum" | "eq" | "ne" | "lt" | "le" | "gt" | "ge";

const unaryRefs: Record<string, (a: number) => number> = {
  neg: (a) => -a,
  abs: Math.abs,
  sqrt: Math.sqrt,
  exp: Math.exp,
  log: Math.log,
  sign: Math.sign,
};
type UnaryName = "neg" | "abs" | "sqrt" | "exp" | "log" | "sign";

/** Operand shapes that broadcast against n x m: same, row, column, 1x1. */
const broadcastKinds = ["same", "row", "col", "one"] as const;
function operandShape(kind: (typeof broadcastKinds)[number], n: number, m: number): [number, number] {
  return kind === "same" ? [n, m] : kind === "row" ? [1, m] : kind === "col" ? [n, 1] : [1, 1];
}

describeEachExecutor("elementwise", () => {
  it("every binary op matches the dense reference, with broadcasting, mismatched blockings and sparse operands", async () => {
    await fc.assert(
      fc.asyncProperty(
        shapeAndBlocks(),
        fc.constantFrom(...Object.keys(binaryRefs)),
        fc.constantFrom(...broadcastKinds),
        fc.boolean(),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.constantFrom([false, false], [true, false], [false, true], [true, true]),
        async ({ shape: [n, m], blockSize }, op, kind, swap, otherBlock, seed, [sparseX, sparseY]) => {
          const [p, q] = operandShape(kind, n, m);
          const rawA = fc.sample(denseValues(n, m, true), { seed, numRuns: 1 })[0];
          const rawB = fc.sample(denseValues(p, q, true), { seed: seed + 1, numRuns: 1 })[0];
          const a = sparseX ? withZeros(rawA, seed) : rawA;
          const b = sparseY ? withZeros(rawB, seed + 1) : rawB;
          const x = ofKind(ds.array(a, { blockSize }), sparseX);
          const y = ofKind(
            ds.array(b, { blockSize: [Math.min(otherBlock, p), Math.min(otherBlock, q)] }),
            sparseY,
          );
          const ref = binaryRefs[op];
          const [left, right, dl, dr]: [typeof x, typeof y, Dense, Dense] = swap
            ? [y, x, b, a]
            : [x, y, a, b];
          const expected = Array.from({ length: n }, (_, i) =>
            Array.from({ length: m }, (_, j) => ref(bcast(dl, i, j), bcast(dr, i, j))),
          );
          await assertDsEqual(left[op as BinaryName](right), expected);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("scalar operands and every unary op, including NaN and infinities, on dense and sparse arrays", async () => {
    await fc.assert(
      fc.asyncProperty(
        shapeAndBlocks(),
        fc.constantFrom(...Object.keys(unaryRefs)),
        fc.double({ min: -5, max: 5, noNaN: true }),
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.boolean(),
        async ({ shape: [n, m], blockSize }, op, s, seed, sparse) => {
          const raw = fc.sample(denseValues(n, m, true), { seed, numRuns: 1 })[0];
          const a = sparse ? withZeros(raw, seed) : raw;
          const x = ofKind(ds.array(a, { blockSize }), sparse);
          await assertDsEqual(x[op as UnaryName](), denseMap(a, unaryRefs[op]));
          await assertDsEqual(
            x.mul(s).add(1),
            denseMap(a, (v) => v * s + 1),
          );
        },
      ),
      { numRuns: 40 },
    );
  });

  it("clip, where and map follow NumPy", async () => {
    const a = [
      [-2, 0.5, NaN],
      [3, -0.25, 1],
    ];
    const x = ds.array(a, { blockSize: [1, 2] });
    await assertDsEqual(
      x.clip(-1, 1),
      denseMap(a, (v) => (Number.isNaN(v) ? NaN : Math.min(Math.max(v, -1), 1))),
    );
    await assertDsEqual(
      ds.where(x.gt(0), x, x.mul(-10)),
      denseMap(a, (v) => (v > 0 ? v : v * -10)),
    );
    // NaN is a true condition in NumPy's where.
    await assertDsEqual(
      ds.where(x, 1, 0),
      denseMap(a, (v) => (v !== 0 ? 1 : 0)),
    );
    await assertDsEqual(
      x.map((v) => v * v + 1),
      denseMap(a, (v) => v * v + 1),
    );
  });

  it("fuses sqrt((x + y) * 2) into one task per block", async () => {
    const x = ds.random([30, 20], { blockSize: [10, 7], seed: 1 });
    const y = ds.random([30, 20], { blockSize: [10, 7], seed: 2 });
    await x.persist();
    await y.persist();
    const before = engine().stats();
    const z = x.add(y).mul(2).sqrt();
    assert.equal(engine().stats().tasksSubmitted, before.tasksSubmitted, "nothing is submitted before use");
    const got = await z.collect();
    const after = engine().stats();
    assert.equal(after.tasksSubmitted - before.tasksSubmitted, 3 * 3, "one task per block (3x3 blocks)");
    assert.equal(after.byKernel["elementwise.fused"] - (before.byKernel["elementwise.fused"] ?? 0), 9);
    const xs = await x.collect();
    const ys = await y.collect();
    for (let k = 0; k < got.data.length; k++) {
      assert.ok(Math.abs(got.data[k] - Math.sqrt((xs.data[k] + ys.data[k]) * 2)) < 1e-15);
    }
  });

  it("reuses submitted intermediates instead of recomputing them", async () => {
    const x = ds.random([8, 8], { blockSize: [4, 4], seed: 3 });
    const t = x.mul(3);
    await t.persist();
    const before = engine().stats().tasksSubmitted;
    await t.add(1).persist();
    await t.sub(1).persist();
    assert.equal(engine().stats().tasksSubmitted - before, 8, "each result reads t's blocks: 4 tasks each");
  });

  it("slicing or reading one element of a pending chain computes only the blocks it reads", async () => {
    const x = ds.random([40, 40], { blockSize: [10, 10], seed: 6 });
    await x.persist();
    const before = engine().stats().byKernel["elementwise.fused"] ?? 0;
    const chain = x.mul(2).add(1);
    const corner = await chain.slice([0, 10], [0, 10]).collect();
    assert.equal(await chain.item(39, 39), (await x.item(39, 39)) * 2 + 1);
    assert.equal((engine().stats().byKernel["elementwise.fused"] ?? 0) - before, 2, "2 of 16 blocks");
    assert.equal(corner.get(3, 4), (await x.item(3, 4)) * 2 + 1);
    // Once part of it is submitted, the chain is read (not re-merged) by later operations.
    assert.ok(chain.isSubmitted);
    await assertDsEqual(chain.sub(1).div(2), await x.toArray());
  });

  it("ds.full and friends fuse into their consumer", async () => {
    const x = ds.random([6, 6], { blockSize: [3, 3], seed: 4 });
    await x.persist();
    const before = engine().stats().tasksSubmitted;
    const z = x.add(ds.ones([6, 6], { blockSize: [3, 3] })).mul(ds.full([1, 6], 2, { blockSize: [1, 6] }));
    const xs = await x.toArray();
    await assertDsEqual(
      z,
      denseMap(xs, (v) => (v + 1) * 2),
    );
    // Constant arrays read nothing, so they merge whatever their shape: 4 fused tasks, one per block of z.
    assert.equal(engine().stats().tasksSubmitted - before, 4);
  });

  it("rejects shapes that do not broadcast, and non-numeric operands, with clear errors", () => {
    const x = ds.zeros([4, 3], { blockSize: [2, 2] });
    const y = ds.zeros([2, 3], { blockSize: [2, 2] });
    assert.throws(
      () => x.add(y),
      (e: unknown) =>
        e instanceof ShapeError && /add: .*\[4, 3\] and \[2, 3\].*axis 0: 4 vs 2/.test(e.message),
    );
    assert.throws(() => x.add("1" as unknown as number), ArgumentError);
    assert.throws(
      () => x.map(Math.abs),
      (e: unknown) => e instanceof ArgumentError && /wrap it/.test(e.message),
    );
  });

  it("a map that uses its enclosing scope on a path map's check does not take fails naming map; the pool stays usable", async () => {
    const outer = 3;
    const x = ds.ones([4, 4], { blockSize: [2, 2] });
    await assert.rejects(
      x.map((v) => (v > 0 ? v * outer : v)).collect(),
      (e: unknown) =>
        e instanceof TaskFailedError && e.op === "map" && /outer is not defined/.test(e.message),
    );
    await assertDsEqual(x.add(1), [
      [2, 2, 2, 2],
      [2, 2, 2, 2],
      [2, 2, 2, 2],
      [2, 2, 2, 2],
    ]);
  });
});
