import { it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ds, ArgumentError, ShapeError, type DsArray } from "../../src/index.ts";
import { engine } from "../../src/internal.ts";
import { rechunkTo } from "../../src/array/rechunk.ts";
import { innerParts } from "../../src/array/ops/matmul.ts";
import { describeEachExecutor } from "../support/executors.ts";
import { assertDsEqual, denseMatmul, denseTranspose, type Dense } from "../support/dense.ts";
import { blockedArb, build } from "../support/irregular.ts";

interface Submitted {
  kernel: string;
  inputs: number;
}

/** Every task submitted while `body` runs, with its kernel and number of inputs (the fan-in). */
function submittedDuring<T>(body: () => T): { result: T; tasks: Submitted[] } {
  const e = engine();
  const tasks: Submitted[] = [];
  const submit = e.submit.bind(e);
  // An own property shadows Engine.prototype.submit until it is deleted again.
  e.submit = (spec) => {
    tasks.push({ kernel: spec.kernel, inputs: spec.inputs.length });
    return submit(spec);
  };
  try {
    return { result: body(), tasks };
  } finally {
    Reflect.deleteProperty(e, "submit");
  }
}

/** numpy.kron for 2-D inputs. */
function denseKron(a: Dense, b: Dense): Dense {
  const p = b.length;
  const q = b[0].length;
  return Array.from({ length: a.length * p }, (_, row) =>
    Array.from(
      { length: a[0].length * q },
      (_, col) => a[Math.floor(row / p)][Math.floor(col / q)] * b[row % p][col % q],
    ),
  );
}

const dim = fc.integer({ min: 1, max: 7 });

describeEachExecutor("linalg", () => {
  it("ds.matmul matches the dense product for all four transpose combinations and any blockings", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.tuple(dim, dim, dim, fc.boolean(), fc.boolean()).chain(([n, k, m, transposeA, transposeB]) =>
          fc.record({
            a: blockedArb(transposeA ? k : n, transposeA ? n : k),
            b: blockedArb(transposeB ? m : k, transposeB ? k : m),
            transposeA: fc.constant(transposeA),
            transposeB: fc.constant(transposeB),
          }),
        ),
        async ({ a, b, transposeA, transposeB }) => {
          const x = await build(a.values, a.blocking).persist();
          const y = await build(b.values, b.blocking).persist();
          const { result: z, tasks } = submittedDuring(() => ds.matmul(x, y, { transposeA, transposeB }));
          const opA = transposeA ? denseTranspose(a.values) : a.values;
          const opB = transposeB ? denseTranspose(b.values) : b.values;
          assert.deepEqual(z.grid.rowChunks, transposeA ? x.grid.colChunks : x.grid.rowChunks);
          assert.deepEqual(z.grid.colChunks, transposeB ? y.grid.rowChunks : y.grid.colChunks);
          // `parts` matmul tasks per output block (one unless the workers would idle), plus one sum of the
          // parts; no materialised transpose; rechunks only if inner chunks differ.
          const products = tasks.filter((t) => t.kernel === "matmul.accumulate");
          const sums = tasks.filter((t) => t.kernel === "block.addAll");
          const outputBlocks = z.nBlocks[0] * z.nBlocks[1];
          const innerBlocks = Math.max(x.nBlocks[transposeA ? 0 : 1], y.nBlocks[transposeB ? 1 : 0]);
          const innerA = transposeA ? x.grid.rowChunks : x.grid.colChunks;
          const innerB = transposeB ? y.grid.colChunks : y.grid.rowChunks;
          if (innerA.join() === innerB.join()) {
            const parts = innerParts(outputBlocks, innerBlocks, engine().executor.workers);
            assert.equal(products.length, outputBlocks * parts);
            assert.equal(sums.length, parts > 1 ? outputBlocks : 0);
            assert.ok(sums.every((t) => t.inputs === parts));
            assert.equal(tasks.length, products.length + sums.length);
          }
          assert.ok(
            tasks.every((t) => ["matmul.accumulate", "block.assemble", "block.addAll"].includes(t.kernel)),
          );
          await assertDsEqual(z, denseMatmul(opA, opB), 1e-9);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("x.matmul(y) equals ds.matmul(x, y)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.tuple(dim, dim, dim).chain(([n, k, m]) => fc.record({ a: blockedArb(n, k), b: blockedArb(k, m) })),
        async ({ a, b }) => {
          const x = build(a.values, a.blocking);
          const y = build(b.values, b.blocking);
          await assertDsEqual(x.matmul(y), denseMatmul(a.values, b.values), 1e-9);
        },
      ),
      { numRuns: 30 },
    );
  });

  it("one accumulate task per output block, reading every inner block pair", async () => {
    const a = await ds.random([12, 10], { blockSize: [5, 3], seed: 1 }).persist();
    const b = await ds.random([10, 7], { blockSize: [3, 4], seed: 2 }).persist();
    const { result: z, tasks } = submittedDuring(() => ds.matmul(a, b));
    assert.deepEqual(z.nBlocks, [3, 2]);
    assert.equal(tasks.length, 6);
    assert.ok(
      tasks.every((t) => t.kernel === "matmul.accumulate" && t.inputs === 2 * 4),
      "fan-in: 4 inner block pairs",
    );
    // aᵀ·a: blocks (k, i) of a with the transpose flag, no transpose task.
    const { result: g, tasks: gramTasks } = submittedDuring(() => ds.matmul(a, a, { transposeA: true }));
    assert.deepEqual(g.nBlocks, [4, 4]);
    assert.equal(gramTasks.length, 16);
    assert.ok(gramTasks.every((t) => t.kernel === "matmul.accumulate" && t.inputs === 2 * 3));
    const ad = await a.toArray();
    await assertDsEqual(g, denseMatmul(denseTranspose(ad), ad), 1e-9);
    await assertDsEqual(z, denseMatmul(ad, await b.toArray()), 1e-9);
  });

  it("the Gram matrix of a tall array splits its inner sum so that every worker computes", async () => {
    const x = await ds.random([200, 6], { blockSize: [10, 6], seed: 5 }).persist();
    const { result: g, tasks } = submittedDuring(() => ds.matmul(x, x, { transposeA: true }));
    const workers = engine().executor.workers;
    const parts = Math.min(20, 2 * workers);
    assert.equal(innerParts(1, 20, workers), parts);
    const products = tasks.filter((t) => t.kernel === "matmul.accumulate");
    assert.equal(products.length, parts);
    // The 20 inner block pairs are shared out evenly: no part reads more than one pair above another.
    const pairs = products.map((t) => t.inputs / 2);
    assert.equal(
      pairs.reduce((s, p) => s + p, 0),
      20,
    );
    assert.ok(Math.max(...pairs) - Math.min(...pairs) <= 1);
    assert.deepEqual(
      tasks.filter((t) => t.kernel === "block.addAll").map((t) => t.inputs),
      [parts],
    );
    const xd = await x.toArray();
    await assertDsEqual(g, denseMatmul(denseTranspose(xd), xd), 1e-9);
  });

  it("mismatched inner chunks rechunk the smaller operand instead of failing", async () => {
    const a = await ds.random([8, 9], { blockSize: [4, 3], seed: 3 }).persist();
    const b = await ds.random([9, 2], { blockSize: [4, 2], seed: 4 }).persist();
    const { result: z, tasks } = submittedDuring(() => ds.matmul(a, b));
    // b (18 elements) is rechunked to a's column chunks [3, 3, 3]: 3 assemble tasks, then the products of
    // the 2 output blocks, each split into parts when the workers would otherwise idle.
    const parts = innerParts(2, 3, engine().executor.workers);
    assert.deepEqual(tasks.map((t) => t.kernel).slice(0, 3), [
      "block.assemble",
      "block.assemble",
      "block.assemble",
    ]);
    assert.equal(tasks.filter((t) => t.kernel === "matmul.accumulate").length, 2 * parts);
    assert.equal(tasks.filter((t) => t.kernel === "block.addAll").length, parts > 1 ? 2 : 0);
    await assertDsEqual(z, denseMatmul(await a.toArray(), await b.toArray()), 1e-9);
    const irregular = await rechunkTo(b, [2, 7], [1, 1]).persist();
    const w = ds.matmul(irregular, a, { transposeA: true, transposeB: true });
    await assertDsEqual(
      w,
      denseMatmul(denseTranspose(await b.toArray()), denseTranspose(await a.toArray())),
      1e-9,
    );
  });

  it("an empty inner dimension gives zeros, an empty outer one an empty result", async () => {
    const a = ds.zeros([3, 0], { blockSize: [2, 1] });
    const b = ds.zeros([0, 2], { blockSize: [1, 2] });
    await assertDsEqual(ds.matmul(a, b), [
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
    const z = ds.matmul(b, ds.ones([2, 4], { blockSize: [1, 2] }));
    assert.deepEqual(z.shape, [0, 4]);
    await assertDsEqual(z, []);
  });

  it("ds.matmul rejects mismatched shapes with the operands and transposes in the message", () => {
    const a = ds.zeros([2, 3], { blockSize: [1, 1] });
    const b = ds.zeros([4, 5], { blockSize: [1, 1] });
    const before = engine().stats().tasksSubmitted;
    assert.throws(
      () => ds.matmul(a, b),
      (e: unknown) =>
        e instanceof ShapeError &&
        e.message === "ds.matmul: a has 3 columns but b has 4 rows (a.shape=[2,3], b.shape=[4,5])",
    );
    assert.throws(
      () => ds.matmul(a, b, { transposeA: true }),
      (e: unknown) =>
        e instanceof ShapeError &&
        e.message ===
          "ds.matmul: a.T has 2 columns but b has 4 rows (a.shape=[2,3], b.shape=[4,5], transposeA=true)",
    );
    assert.throws(
      () => ds.matmul(b, a, { transposeA: true, transposeB: true }),
      (e: unknown) =>
        e instanceof ShapeError && /b\.T has 3 rows .*transposeA=true, transposeB=true\)$/.test(e.message),
    );
    assert.throws(
      () => a.matmul(b),
      (e: unknown) =>
        e instanceof ShapeError &&
        e.message === "matmul: x has 3 columns but y has 4 rows (x.shape=[2,3], y.shape=[4,5])",
    );
    assert.throws(
      () => ds.matmul(a, [[1]] as unknown as DsArray),
      (e: unknown) => e instanceof ArgumentError && /b must be a DsArray/.test(e.message),
    );
    assert.throws(
      () => ds.matmul(a, a, { transposeA: 1 as unknown as boolean }),
      (e: unknown) => e instanceof ArgumentError && /transposeA/.test(e.message),
    );
    assert.equal(engine().stats().tasksSubmitted, before, "nothing submitted");
  });

  it("ds.kron matches numpy.kron for any blockings, one task per result block", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .tuple(dim, dim, dim, dim)
          .chain(([n, m, p, q]) => fc.record({ a: blockedArb(n, m, true), b: blockedArb(p, q, true) })),
        async ({ a, b }) => {
          const x = await build(a.values, a.blocking).persist();
          const y = await build(b.values, b.blocking).persist();
          const { result: z, tasks } = submittedDuring(() => ds.kron(x, y));
          assert.equal(tasks.length, z.nBlocks[0] * z.nBlocks[1]);
          assert.ok(tasks.every((t) => t.kernel === "structure.kron"));
          await assertDsEqual(z, denseKron(a.values, b.values));
        },
      ),
      { numRuns: 50 },
    );
  });

  it("ds.kron follows a's grid for a small b and b's grid for a large b", async () => {
    const big = await ds.random([6, 8], { blockSize: [6, 4], seed: 5 }).persist();
    const small = ds.array(
      [
        [1, -1],
        [2, 0],
      ],
      { blockSize: [2, 2] },
    );
    // b (2x2) is smaller than a's blocks (6x4): runs of 3 rows and 2 columns of a times b, so the result
    // keeps a's block size and a's block boundaries.
    const k1 = ds.kron(big, small);
    assert.deepEqual(k1.shape, [12, 16]);
    assert.deepEqual(k1.grid.rowChunks, [6, 6]);
    assert.deepEqual(k1.grid.colChunks, [4, 4, 4, 4]);
    // a (1x2 in 1x1 blocks) is small, b = big: its 6 rows fit the target (6) whole; its 8 columns do
    // not (target 4), so each element of a scales each of b's column blocks.
    const tiny = ds.array([[2, 3]], { blockSize: [1, 1] });
    const k2 = ds.kron(tiny, big);
    assert.deepEqual(k2.grid.rowChunks, [6]);
    assert.deepEqual(k2.grid.colChunks, [4, 4, 4, 4]);
    const bd = await big.toArray();
    await assertDsEqual(k1, denseKron(bd, await small.toArray()));
    await assertDsEqual(k2, denseKron([[2, 3]], bd));
    assert.deepEqual(ds.kron(ds.zeros([0, 3], { blockSize: [1, 1] }), small).shape, [0, 6]);
    assert.throws(() => ds.kron(big, 2 as unknown as DsArray), ArgumentError);
  });
});
