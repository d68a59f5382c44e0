import { it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  ds,
  ArgumentError,
  IndexError,
  Matrix,
  ShapeError,
  TaskFailedError,
  type DsArray,
} from "../../src/index.ts";
import { engine } from "../../src/internal.ts";
import { rechunkTo } from "../../src/array/rechunk.ts";
import { describeEachExecutor } from "../support/executors.ts";
import { assertDsEqual, denseTranspose, type Dense } from "../support/dense.ts";
import { blockedArb, blockingArb, build, chunksArb, dimsArb } from "../support/irregular.ts";

/** Tasks submitted (in total and by kernel) while `body` runs. */
function tasksDuring<T>(body: () => T): { result: T; tasks: number; byKernel: Record<string, number> } {
  const before = engine().stats();
  const result = body();
  const after = engine().stats();
  const byKernel: Record<string, number> = {};
  for (const [k, v] of Object.entries(after.byKernel)) {
    const d = v - (before.byKernel[k] ?? 0);
    if (d > 0) byKernel[k] = d;
  }
  return { result, tasks: after.tasksSubmitted - before.tasksSubmitted, byKernel };
}

const denseConcat = (parts: Dense[], axis: 0 | 1): Dense =>
  axis === 0 ? parts.flat() : parts[0].map((_, i) => parts.flatMap((p) => p[i]));

function denseDelete(a: Dense, idx: number[], axis: 0 | 1): Dense {
  const length = axis === 0 ? a.length : a[0].length;
  const gone = new Set(idx.map((i) => (i < 0 ? i + length : i)));
  if (axis === 0) return a.filter((_, i) => !gone.has(i));
  return a.map((row) => row.filter((_, j) => !gone.has(j)));
}

const sum = (c: readonly number[]) => c.reduce((s, v) => s + v, 0);

describeEachExecutor("structure", () => {
  it("transpose matches the dense reference with one task per block and swapped chunks", async () => {
    await fc.assert(
      fc.asyncProperty(
        dimsArb().chain(([n, m]) => blockedArb(n, m, true)),
        fc.boolean(),
        async ({ values, blocking }, useGetter) => {
          const x = await build(values, blocking).persist();
          const { result: t, tasks, byKernel } = tasksDuring(() => (useGetter ? x.T : x.transpose()));
          assert.equal(tasks, x.nBlocks[0] * x.nBlocks[1]);
          assert.deepEqual(byKernel, { "block.transpose": tasks });
          assert.deepEqual(t.grid.rowChunks, x.grid.colChunks);
          assert.deepEqual(t.grid.colChunks, x.grid.rowChunks);
          await assertDsEqual(t, denseTranspose(values));
          await assertDsEqual(t.T, values);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("empty arrays keep their shapes through every structure op", async () => {
    const e = ds.zeros([0, 3], { blockSize: [1, 2] });
    assert.deepEqual(e.T.shape, [3, 0]);
    assert.equal((await e.T.collect()).rows, 3);
    assert.deepEqual(e.rechunk([5, 3]).grid.colChunks, [3]);
    assert.deepEqual(e.mapBlocks((b) => b).shape, [0, 3]);
    assert.deepEqual(e.copy().shape, [0, 3]);
    // Columns of length 0 reach fn as empty vectors.
    await assertDsEqual(
      ds.applyAlongAxis((v) => v.length, 0, e),
      [[0, 0, 0]],
    );
    assert.deepEqual(ds.applyAlongAxis((v) => [v.length, 1], 1, e).shape, [0, 2]);
    assert.deepEqual(ds.applyAlongAxis(() => [], 1, ds.ones([2, 2], { blockSize: [1, 1] })).shape, [2, 0]);
  });

  it("rechunk gives the same values on the regular grid of the new block size", async () => {
    await fc.assert(
      fc.asyncProperty(
        dimsArb().chain(([n, m]) =>
          fc.record({
            source: blockedArb(n, m, true),
            target: fc.tuple(fc.integer({ min: 1, max: n }), fc.integer({ min: 1, max: m })),
          }),
        ),
        async ({ source, target }) => {
          const x = await build(source.values, source.blocking).persist();
          const { result: y, tasks } = tasksDuring(() => x.rechunk(target));
          assert.deepEqual(y.blockSize, target);
          assert.ok(tasks <= y.nBlocks[0] * y.nBlocks[1], "at most one task per output block");
          await assertDsEqual(y, source.values);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("rechunk reuses the blocks that do not change", async () => {
    const x = await ds.random([8, 6], { blockSize: [4, 3], seed: 1 }).persist();
    assert.equal(tasksDuring(() => x.rechunk([4, 3])).tasks, 0, "same block size: nothing to do");
    // Rows [4, 2, 2] -> [4, 4]: the first block row is reused, the second is rebuilt (2 blocks).
    const y = await rechunkTo(x, [4, 2, 2], [3, 3]).persist();
    const { result: z, tasks } = tasksDuring(() => y.rechunk([4, 3]));
    assert.equal(tasks, 2);
    assert.equal(z.blocks()[0][0], y.blocks()[0][0]);
    assert.equal(z.blocks()[0][1], y.blocks()[0][1]);
    await assertDsEqual(z, await x.toArray());
  });

  it("rechunk rejects bad block sizes synchronously, submitting nothing", () => {
    const x = ds.zeros([4, 3], { blockSize: [2, 2] });
    for (const bad of [[0, 1], [5, 1], [1, 1.5], [2], "2x2"]) {
      const { tasks } = tasksDuring(() =>
        assert.throws(
          () => x.rechunk(bad as unknown as [number, number]),
          (e: unknown) =>
            e instanceof ArgumentError && /^rechunk: .*blockSize|^rechunk: block size/.test(e.message),
        ),
      );
      assert.equal(tasks, 0);
    }
  });

  it("copy has the same values and grid, submits nothing and survives disposing the original", async () => {
    const a = [
      [1, NaN],
      [3, 4],
      [5, 6],
    ];
    const x = await ds.array(a, { blockSize: [2, 1] }).persist();
    const { result: y, tasks } = tasksDuring(() => x.copy());
    assert.equal(tasks, 0);
    assert.deepEqual(y.grid, x.grid);
    x.dispose();
    await assertDsEqual(y, a);
  });

  it("concat matches the dense reference for any blockings, and aligns the other axis", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(0 as const, 1 as const),
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 0, max: 2 ** 31 }),
        async (axis, common, lengths, seed) => {
          const parts = lengths.map((len, k) => {
            const [n, m] = axis === 0 ? [len, common] : [common, len];
            return fc.sample(blockedArb(n, m, true), { seed: seed + k, numRuns: 1 })[0];
          });
          const arrays = parts.map((p) => build(p.values, p.blocking));
          const z = ds.concat(arrays, axis);
          const otherChunks = (a: DsArray) => (axis === 0 ? a.grid.colChunks : a.grid.rowChunks);
          const axisChunks = (a: DsArray) => (axis === 0 ? a.grid.rowChunks : a.grid.colChunks);
          assert.ok(arrays.some((a) => otherChunks(a).join() === otherChunks(z).join()));
          assert.deepEqual(axisChunks(z), arrays.flatMap(axisChunks), "blocks along the axis are kept");
          await assertDsEqual(
            z,
            denseConcat(
              parts.map((p) => p.values),
              axis,
            ),
          );
        },
      ),
      { numRuns: 40 },
    );
  });

  it("concat of aligned inputs submits no task and reuses the input blocks", async () => {
    const a = await ds.random([5, 6], { blockSize: [2, 4], seed: 1 }).persist();
    const b = await ds.random([3, 6], { blockSize: [3, 4], seed: 2 }).persist();
    const { result: z, tasks } = tasksDuring(() => ds.concat([a, b], 0));
    assert.equal(tasks, 0);
    assert.deepEqual(z.grid.rowChunks, [2, 2, 1, 3]);
    assert.equal(z.blocks()[3][1], b.blocks()[0][1]);
    // a.T has row chunks [4, 2]: c is blocked the same way along the rows, so only the transposes run.
    const c = await ds.random([6, 2], { blockSize: [4, 2], seed: 3 }).persist();
    const { result: w, byKernel } = tasksDuring(() => ds.concat([a.T, c, a.T], 1));
    assert.deepEqual(byKernel, { "block.transpose": 2 * 6 });
    assert.deepEqual(w.grid.colChunks, [2, 2, 1, 2, 2, 2, 1]);
    const [ad, cd] = [await a.toArray(), await c.toArray()];
    await assertDsEqual(w, denseConcat([denseTranspose(ad), cd, denseTranspose(ad)], 1));
  });

  it("concat rechunks a differently blocked input along the other axis, never rejects it", async () => {
    const a = await ds.random([4, 6], { blockSize: [2, 3], seed: 1 }).persist();
    const b = await ds.random([2, 6], { blockSize: [2, 4], seed: 2 }).persist();
    const { result: z, tasks, byKernel } = tasksDuring(() => ds.concat([a, b], 0));
    assert.deepEqual(z.grid.colChunks, [3, 3], "the longer input's chunks");
    assert.deepEqual(byKernel, { "block.assemble": tasks });
    assert.equal(tasks, 2, "b's one block row is rebuilt as two blocks");
    await assertDsEqual(z, [...(await a.toArray()), ...(await b.toArray())]);
  });

  it("concat skips inputs of length 0 along the axis", async () => {
    const a = ds.array([[1, 2]], { blockSize: [1, 1] });
    const e = ds.zeros([0, 2], { blockSize: [1, 1] });
    await assertDsEqual(ds.concat([e, a, e], 0), [[1, 2]]);
    const z = ds.concat([e, e], 0);
    assert.deepEqual(z.shape, [0, 2]);
    await assertDsEqual(z, []);
  });

  it("concat rejects mismatched lengths, bad axes and bad lists", () => {
    const a = ds.zeros([2, 3], { blockSize: [1, 1] });
    const b = ds.zeros([4, 5], { blockSize: [1, 1] });
    assert.throws(
      () => ds.concat([a, b], 0),
      (e: unknown) =>
        e instanceof ShapeError &&
        e.message ===
          "ds.concat: every array must have the same number of cols to join along axis 0, but arrays[0].shape=[2, 3] and arrays[1].shape=[4, 5]",
    );
    assert.throws(
      () => ds.concat([a, b], 1),
      (e: unknown) => e instanceof ShapeError && /number of rows/.test(e.message),
    );
    assert.throws(
      () => ds.concat([a, a], 2 as 0),
      (e: unknown) =>
        e instanceof ArgumentError && /ds.concat: axis must be 0 or 1 but was 2/.test(e.message),
    );
    assert.throws(() => ds.concat([], 0), ArgumentError);
    assert.throws(
      () => ds.concat([a, [[1]]] as unknown as DsArray[], 0),
      (e: unknown) => e instanceof ArgumentError && /arrays\[1\]/.test(e.message),
    );
  });

  it("deleteRows and deleteCols follow np.delete and keep the grid", async () => {
    await fc.assert(
      fc.asyncProperty(
        dimsArb().chain(([n, m]) =>
          fc.record({
            source: blockedArb(n, m, true),
            axis: fc.constantFrom(0 as const, 1 as const),
            raw: fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 6 }),
            single: fc.boolean(),
            negate: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
          }),
        ),
        async ({ source, axis, raw, single, negate }) => {
          const x = await build(source.values, source.blocking).persist();
          const length = x.shape[axis];
          // Indices in range, some negative, duplicates possible.
          const idx = raw.map((r, k) => (negate[k] ? (r % length) - length : r % length));
          const arg = single && idx.length > 0 ? idx[0] : idx;
          const { result: y, tasks } = tasksDuring(() =>
            axis === 0 ? x.deleteRows(arg) : x.deleteCols(arg),
          );
          const expected = denseDelete(source.values, typeof arg === "number" ? [arg] : arg, axis);
          const chunks = (a: DsArray) => (axis === 0 ? a.grid.rowChunks : a.grid.colChunks);
          const other = (a: DsArray) => (axis === 0 ? a.grid.colChunks : a.grid.rowChunks);
          assert.deepEqual(other(y), other(x), "the other axis keeps its blocking");
          // Each surviving chunk is a source chunk minus its deleted lines; untouched blocks cost no task.
          const offsets = [0];
          for (const c of chunks(x)) offsets.push(offsets[offsets.length - 1] + c);
          const gone = new Set((typeof arg === "number" ? [arg] : arg).map((i) => (i < 0 ? i + length : i)));
          const left = chunks(x).map(
            (c, b) => c - [...gone].filter((i) => i >= offsets[b] && i < offsets[b + 1]).length,
          );
          const survivors = left.filter((c) => c > 0);
          assert.deepEqual(chunks(y), survivors.length > 0 ? survivors : [0]);
          const touched = left.filter((c, b) => c > 0 && c < chunks(x)[b]).length;
          assert.equal(tasks, touched * other(x).length);
          assert.equal(y.shape[axis], sum(left));
          await assertDsEqual(y, expected);
        },
      ),
      { numRuns: 50 },
    );
  });

  it("deleting every row gives an empty array; bad indices throw", async () => {
    const x = ds.array(
      [
        [1, 2],
        [3, 4],
      ],
      { blockSize: [1, 1] },
    );
    const y = x.deleteRows([0, 1, -1]);
    assert.deepEqual(y.shape, [0, 2]);
    assert.deepEqual((await y.collect()).rows, 0);
    assert.deepEqual(x.deleteCols([]).shape, [2, 2]);
    assert.throws(
      () => x.deleteRows(2),
      (e: unknown) => e instanceof IndexError && /deleteRows: index 2 is out of range/.test(e.message),
    );
    assert.throws(
      () => x.deleteCols([-3]),
      (e: unknown) => e instanceof IndexError && /deleteCols/.test(e.message),
    );
    assert.throws(() => x.deleteCols([0.5]), ArgumentError);
    assert.throws(() => x.deleteRows("0" as unknown as number), ArgumentError);
  });

  it("applyAlongAxis matches NumPy's apply_along_axis for scalar and vector results", async () => {
    await fc.assert(
      fc.asyncProperty(
        dimsArb().chain(([n, m]) => blockedArb(n, m)),
        fc.constantFrom(0 as const, 1 as const),
        fc.boolean(),
        async ({ values, blocking }, axis, vector) => {
          const x = await build(values, blocking).persist();
          const lines = axis === 0 ? denseTranspose(values) : values;
          const fn = vector
            ? (v: Float64Array) => [v[0] + v[v.length - 1], v.reduce((s, t) => s + t * t, 0), v.length]
            : (v: Float64Array) => v.reduce((s, t) => s + t, 0);
          const { result: y, tasks } = tasksDuring(() => ds.applyAlongAxis(fn, axis, x));
          assert.equal(tasks, x.nBlocks[1 - axis], "one task per strip");
          const perLine = lines.map((l) => {
            const r = fn(Float64Array.from(l));
            return typeof r === "number" ? [r] : r;
          });
          await assertDsEqual(y, axis === 0 ? denseTranspose(perLine) : perLine, 1e-9);
          assert.deepEqual(
            axis === 0 ? y.grid.colChunks : y.grid.rowChunks,
            axis === 0 ? x.grid.colChunks : x.grid.rowChunks,
          );
        },
      ),
      { numRuns: 40 },
    );
  });

  it("applyAlongAxis accepts typed-array results and rejects bad functions", async () => {
    const x = ds.array(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { blockSize: [1, 2] },
    );
    await assertDsEqual(
      ds.applyAlongAxis((v) => v.map((t) => t * 2), 1, x),
      [
        [2, 4, 6],
        [8, 10, 12],
      ],
    );
    const outer = 2;
    assert.throws(
      () => ds.applyAlongAxis((v) => v[0] * outer, 0, x),
      (e: unknown) => e instanceof ArgumentError && /enclosing scope/.test(e.message),
    );
    assert.throws(() => ds.applyAlongAxis((v) => v[0], 2 as 0, x), ArgumentError);
    assert.throws(
      () => ds.applyAlongAxis(Math.max as unknown as (v: Float64Array) => number, 0, x),
      ArgumentError,
    );
    assert.throws(
      () => ds.applyAlongAxis((() => "a") as unknown as (v: Float64Array) => number, 0, x),
      (e: unknown) => e instanceof ArgumentError && /number or an array of numbers/.test(e.message),
    );
    // A result whose length varies with the data fails the task, naming the operation (and the row of
    // whichever block failed first: with threads either may).
    await assert.rejects(
      ds.applyAlongAxis((v) => v.filter((t) => t > 1), 1, x).collect(),
      (e: unknown) =>
        e instanceof TaskFailedError &&
        e.op === "ds.applyAlongAxis" &&
        /values for row \d+ but 0 for the probe/.test(e.message),
    );
  });

  it("mapBlocks runs fn once per block on a private copy and keeps the grid", async () => {
    await fc.assert(
      fc.asyncProperty(
        dimsArb().chain(([n, m]) => blockedArb(n, m, true)),
        async ({ values, blocking }) => {
          const x = await build(values, blocking).persist();
          const {
            result: y,
            tasks,
            byKernel,
          } = tasksDuring(() =>
            x.mapBlocks((b) => {
              for (let k = 0; k < b.data.length; k++) b.data[k] = b.data[k] * 3 + 1;
              return b;
            }),
          );
          assert.equal(tasks, x.nBlocks[0] * x.nBlocks[1]);
          assert.deepEqual(byKernel, { "structure.mapBlocks": tasks });
          assert.deepEqual(y.grid, x.grid);
          await assertDsEqual(
            y,
            values.map((row) => row.map((v) => v * 3 + 1)),
          );
          await assertDsEqual(x, values, 0);
        },
      ),
      { numRuns: 30 },
    );
  });

  it("mapBlocks sees block-local data, may build a Matrix, and rejects a wrong shape", async () => {
    const x = ds.array(
      [
        [1, 2, 3, 4],
        [5, 6, 7, 8],
      ],
      { blockSize: [2, 2] },
    );
    // Each block minus its own first element: the result depends on the blocking, as documented.
    await assertDsEqual(
      x.mapBlocks((b) => {
        const out = Matrix.zeros(b.rows, b.cols);
        for (let k = 0; k < b.data.length; k++) out.data[k] = b.data[k] - b.data[0];
        return out;
      }),
      [
        [0, 1, 0, 1],
        [4, 5, 4, 5],
      ],
    );
    await assert.rejects(
      x.mapBlocks((b) => Matrix.zeros(b.rows + 1, b.cols)).collect(),
      (e: unknown) =>
        e instanceof TaskFailedError && e.op === "mapBlocks" && /3x2 block for a 2x2 block/.test(e.message),
    );
    assert.throws(() => x.mapBlocks(42 as unknown as (b: Matrix) => Matrix), ArgumentError);
  });

  it("structure ops agree on irregular grids built directly from chunks", async () => {
    await fc.assert(
      fc.asyncProperty(
        dimsArb(6).chain(([n, m]) =>
          fc.record({
            values: blockedArb(n, m).map((b) => b.values),
            rows: chunksArb(n),
            cols: chunksArb(m),
            other: blockingArb(n, m),
          }),
        ),
        async ({ values, rows, cols, other }) => {
          const x = rechunkTo(ds.array(values, { blockSize: [values.length, values[0].length] }), rows, cols);
          const y = build(values, other);
          await assertDsEqual(ds.concat([x, y.T.T], 1), denseConcat([values, values], 1));
          await assertDsEqual(x.copy().T.rechunk([1, 1]), denseTranspose(values));
          // A pending elementwise chain is submitted first, then transposed.
          await assertDsEqual(x.mul(2).T, denseTranspose(values.map((row) => row.map((v) => 2 * v))));
        },
      ),
      { numRuns: 20 },
    );
  });
});
