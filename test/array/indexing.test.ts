/**
 * slice, take, mask, item and set against a dense reference (CPython slice semantics), on regular and
 * irregular grids, plus the task graph: block-aligned slices are views, only touched blocks get tasks.
 */
import { it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  ds,
  ArgumentError,
  IndexError,
  ShapeError,
  TaskFailedError,
  type DsArray,
  type SliceSpec,
} from "../../src/index.ts";
import { engine } from "../../src/internal.ts";
import { rechunkTo } from "../../src/array/rechunk.ts";
import { describeEachExecutor } from "../support/executors.ts";
import { assertDsEqual, ofKind, shapeAndBlocks, type Dense } from "../support/dense.ts";

type Bound = number | null;

/** The indices `spec` selects on an axis of `n`: CPython's slice.indices + range, or one index. */
function selected(n: number, spec: SliceSpec): number[] {
  if (typeof spec === "number") return [spec < 0 ? spec + n : spec];
  const [start = null, stop = null, step = null] = (spec ?? []) as Bound[];
  const s = step ?? 1;
  const adjust = (v: Bound, dflt: number): number => {
    if (v === null) return dflt;
    if (v < 0) return v + n < 0 ? (s < 0 ? -1 : 0) : v + n;
    return v >= n ? (s < 0 ? n - 1 : n) : v;
  };
  const out: number[] = [];
  for (let i = adjust(start, s < 0 ? n - 1 : 0); s > 0 ? i < adjust(stop, n) : i > adjust(stop, -1); i += s)
    out.push(i);
  return out;
}

/** Distinct values, so that any index mix-up shows. */
const denseOf = (n: number, m: number): Dense =>
  Array.from({ length: n }, (_, i) => Array.from({ length: m }, (_, j) => i * 100 + j + 0.5));
const pick = (a: Dense, rows: number[], cols: number[]): Dense => rows.map((i) => cols.map((j) => a[i][j]));
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const offsetsOf = (c: readonly number[]) => c.reduce((o, v) => [...o, o[o.length - 1] + v], [0]);
/** The block of index i (the last block starting at or before i). */
function blockAt(c: readonly number[], i: number): number {
  let b = 0;
  offsetsOf(c).forEach((o, k) => {
    if (k < c.length && o <= i) b = k;
  });
  return b;
}

/** Runs of consecutive selected indices that fall in one source block: [block, indices]. */
function runs(chunks: readonly number[], indices: number[]): [number, number[]][] {
  const out: [number, number[]][] = [];
  for (const i of indices) {
    const b = blockAt(chunks, i);
    if (out.length > 0 && out[out.length - 1][0] === b) out[out.length - 1][1].push(i);
    else out.push([b, [i]]);
  }
  return out;
}

/** A random partition of n into chunks (cut points anywhere). */
const partition = (n: number) =>
  fc
    .uniqueArray(fc.integer({ min: 1, max: Math.max(1, n - 1) }), { maxLength: n - 1 })
    .map((cuts) => [0, ...cuts.filter((c) => c < n).sort((a, b) => a - b), n])
    .map((points) => points.slice(1).map((p, k) => p - points[k]));

/** An array of shape [n, m] on a regular grid or, half of the time, an irregular one. */
const source = (maxDim = 9) =>
  shapeAndBlocks(maxDim).chain(({ shape: [n, m], blockSize }) =>
    fc.record({
      n: fc.constant(n),
      m: fc.constant(m),
      blockSize: fc.constant(blockSize),
      irregular: fc.option(fc.tuple(partition(n), partition(m)), { nil: undefined }),
    }),
  );
function build(s: {
  n: number;
  m: number;
  blockSize: [number, number];
  irregular?: [number[], number[]];
}): Promise<DsArray> {
  const x = ds.array(denseOf(s.n, s.m), { blockSize: s.blockSize });
  // Computed before use, so that no task is still running when a test ends (and task counts start clean).
  return (s.irregular === undefined ? x : rechunkTo(x, s.irregular[0], s.irregular[1])).persist();
}

const sliceSpec = (n: number): fc.Arbitrary<SliceSpec> => {
  const bound = fc.oneof(fc.constant(null), fc.integer({ min: -n - 3, max: n + 3 }));
  const step = fc.oneof(
    fc.constant(null),
    fc.integer({ min: -4, max: 4 }).filter((s) => s !== 0),
  );
  return fc.oneof(
    { weight: 1, arbitrary: fc.constantFrom(null, undefined) },
    { weight: 1, arbitrary: fc.integer({ min: -n, max: n - 1 }) },
    { weight: 1, arbitrary: fc.tuple(bound) },
    { weight: 2, arbitrary: fc.tuple(bound, bound) },
    { weight: 5, arbitrary: fc.tuple(bound, bound, step) },
  );
};

const tasks = () => engine().stats().tasksSubmitted;

describeEachExecutor("indexing", () => {
  it("slice matches the dense reference, keeps the source's block boundaries, and shares whole blocks (dense or sparse)", async () => {
    await fc.assert(
      fc.asyncProperty(
        source().chain((s) => fc.tuple(fc.constant(s), sliceSpec(s.n), sliceSpec(s.m))),
        fc.boolean(),
        async ([s, rs, cs], sparse) => {
          const x = ofKind(await build(s), sparse);
          const rows = selected(s.n, rs);
          const cols = selected(s.m, cs);
          const before = tasks();
          const y = x.slice(rs, cs);
          const rowRuns = runs(x.grid.rowChunks, rows);
          const colRuns = runs(x.grid.colChunks, cols);
          assert.deepEqual(y.grid.rowChunks, rows.length === 0 ? [0] : rowRuns.map(([, r]) => r.length));
          assert.deepEqual(y.grid.colChunks, cols.length === 0 ? [0] : colRuns.map(([, c]) => c.length));
          // A run that is its whole block in increasing order is the source block itself; the rest are tasks.
          const whole = (chunks: readonly number[], [b, idx]: [number, number[]]) =>
            idx.length === chunks[b] && idx.every((v, k) => v === offsetsOf(chunks)[b] + k);
          let partial = 0;
          if (rows.length > 0 && cols.length > 0) {
            rowRuns.forEach((r, i) =>
              colRuns.forEach((c, j) => {
                const same = y.blocks()[i][j] === x.blocks()[r[0]][c[0]];
                assert.equal(
                  same,
                  whole(x.grid.rowChunks, r) && whole(x.grid.colChunks, c),
                  `block (${i}, ${j})`,
                );
                if (!same) partial++;
              }),
            );
          }
          assert.equal(tasks() - before, partial, "one block.slice task per partly selected block");
          await assertDsEqual(y, pick(denseOf(s.n, s.m), rows, cols));
        },
      ),
      { numRuns: 60 },
    );
  });

  it("a block-aligned slice is a view: no task, the same block futures", async () => {
    const x = ds.random([16, 8], { blockSize: [4, 4], seed: 5 });
    await x.persist();
    const before = engine().stats();
    const y = x.slice([4, 12]);
    const z = x.slice([-8, null], [4, 8]);
    const w = x.slice(null, [null, null, 1]);
    assert.equal(engine().stats().tasksSubmitted, before.tasksSubmitted, "0 tasks");
    assert.deepEqual(y.nBlocks, [2, 2]);
    assert.equal(y.blocks()[0][0], x.blocks()[1][0]);
    assert.equal(y.blocks()[1][1], x.blocks()[2][1]);
    assert.equal(z.blocks()[1][0], x.blocks()[3][1]);
    assert.ok(
      w
        .blocks()
        .flat()
        .every((b, k) => b === x.blocks().flat()[k]),
    );
    // Rows 5..11 cut blocks 1 and 2 of the rows: 1 partial row block x 2 column blocks = 2 tasks.
    const v = x.slice([5, 12]);
    assert.equal(engine().stats().byKernel["block.slice"] - (before.byKernel["block.slice"] ?? 0), 2);
    assert.deepEqual(v.grid.rowChunks, [3, 4]);
    assert.equal(v.blocks()[1][0], x.blocks()[2][0]);
    const xs = await x.toArray();
    await assertDsEqual(v, xs.slice(5, 12));
  });

  it("chains: slice of a slice, and elementwise between a sliced irregular array and a regular one", async () => {
    await fc.assert(
      fc.asyncProperty(
        source().chain((s) => fc.tuple(fc.constant(s), sliceSpec(s.n), sliceSpec(s.m))),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 1000 }),
        async ([s, rs, cs], otherBlock, seed) => {
          const a = denseOf(s.n, s.m);
          const rows = selected(s.n, rs);
          const cols = selected(s.m, cs);
          const y = (await build(s)).slice(rs, cs);
          const expected = pick(a, rows, cols);
          // Slice of the slice: every other row, columns reversed.
          const rows2 = selected(rows.length, [null, null, 2]);
          const cols2 = selected(cols.length, [null, null, -1]);
          await assertDsEqual(y.slice([null, null, 2], [null, null, -1]), pick(expected, rows2, cols2));
          if (rows.length === 0 || cols.length === 0) return;
          const shape: [number, number] = [rows.length, cols.length];
          const r = ds.random(shape, {
            blockSize: [Math.min(otherBlock, shape[0]), Math.min(otherBlock, shape[1])],
            seed,
          });
          const rs2 = await r.toArray();
          await assertDsEqual(
            y.add(r),
            expected.map((row, i) => row.map((v, j) => v + rs2[i][j])),
          );
          await assertDsEqual(
            r.mul(y).sub(y.slice(0)),
            expected.map((row, i) => row.map((v, j) => rs2[i][j] * v - expected[0][j])),
          );
        },
      ),
      { numRuns: 40 },
    );
  });

  it("slicing a pending elementwise chain, and empty results that collect to empty matrices", async () => {
    const a = denseOf(6, 5);
    const x = ds.array(a, { blockSize: [4, 2] });
    await assertDsEqual(
      x.mul(2).slice([1, -1, 2], -2),
      pick(a, [1, 3], [3]).map((r) => r.map((v) => v * 2)),
    );
    const before = tasks();
    const e = x.slice([5, 5]);
    assert.deepEqual(e.shape, [0, 5]);
    assert.deepEqual(e.grid.rowChunks, [0]);
    assert.equal(tasks(), before, "an empty slice submits nothing");
    const m = await e.collect();
    assert.deepEqual([m.rows, m.cols, m.data.length], [0, 5, 0]);
    assert.deepEqual(await x.slice(null, [3, 1]).toArray(), [[], [], [], [], [], []]);
    assert.deepEqual(x.slice([null, null, -1], [4, 0, 1]).shape, [6, 0]);
    assert.deepEqual(await e.slice([0, 0], 2).toArray(), []);
    await assertDsEqual(e.add(1), []);
    assert.deepEqual(x.take([], 0).shape, [0, 5]);
    assert.deepEqual((await x.take([], 1).collect()).cols, 0);
    assert.deepEqual(x.mask([false, false, false, false, false], 1).shape, [6, 0]);
  });

  it("take matches NumPy order with duplicates and negatives, in blocks of the source's block size", async () => {
    const a = denseOf(4, 3);
    const x = ds.array(a, { blockSize: [2, 2] });
    await assertDsEqual(x.take([3, 0, 3, -1], 0), pick(a, [3, 0, 3, 3], range(3)));
    await fc.assert(
      fc.asyncProperty(
        source().chain((s) =>
          fc.tuple(
            fc.constant(s),
            fc.constantFrom(0 as const, 1 as const),
            fc.array(fc.integer({ min: -9, max: 8 }), { maxLength: 14 }),
          ),
        ),
        async ([s, axis, raw]) => {
          const x = await build(s);
          const length = axis === 0 ? s.n : s.m;
          const indices = raw.filter((v) => v >= -length && v < length);
          const norm = indices.map((v) => (v < 0 ? v + length : v));
          const before = tasks();
          const y = x.take(indices, axis);
          const along = axis === 0 ? x.grid.rowChunks : x.grid.colChunks;
          const nominal = Math.max(...along);
          const expectedChunks =
            norm.length === 0
              ? [0]
              : range(Math.ceil(norm.length / nominal)).map((g) =>
                  Math.min(nominal, norm.length - g * nominal),
                );
          assert.deepEqual(axis === 0 ? y.grid.rowChunks : y.grid.colChunks, expectedChunks);
          assert.deepEqual(
            axis === 0 ? y.grid.colChunks : y.grid.rowChunks,
            axis === 0 ? x.grid.colChunks : x.grid.rowChunks,
          );
          const across = (axis === 0 ? x.grid.colChunks : x.grid.rowChunks).length;
          assert.ok(
            tasks() - before <= (norm.length === 0 ? 0 : expectedChunks.length * across),
            "at most one task per output block",
          );
          const a = denseOf(s.n, s.m);
          await assertDsEqual(y, axis === 0 ? pick(a, norm, range(s.m)) : pick(a, range(s.n), norm));
        },
      ),
      { numRuns: 50 },
    );
  });

  it("take of whole blocks in order shares them; each take task reads only the blocks it needs", async () => {
    const x = ds.random([9, 4], { blockSize: [3, 4], seed: 2 });
    await x.persist();
    const before = engine().stats();
    const y = x.take([3, 4, 5, 0, 1, 2], 0);
    assert.equal(engine().stats().tasksSubmitted, before.tasksSubmitted);
    assert.equal(y.blocks()[0][0], x.blocks()[1][0]);
    assert.equal(y.blocks()[1][0], x.blocks()[0][0]);
    const z = x.take([8, 7], 0);
    assert.equal(engine().stats().byKernel["block.take"] - (before.byKernel["block.take"] ?? 0), 1);
    const xs = await x.toArray();
    await assertDsEqual(z, [xs[8], xs[7]]);
  });

  it("mask is take of the true positions (booleans or 0/1), on either axis", async () => {
    await fc.assert(
      fc.asyncProperty(
        source().chain((s) =>
          fc.tuple(
            fc.constant(s),
            fc.constantFrom(0 as const, 1 as const),
            fc.array(fc.boolean(), { minLength: 9, maxLength: 9 }),
            fc.boolean(),
          ),
        ),
        async ([s, axis, bits, asNumbers]) => {
          const length = axis === 0 ? s.n : s.m;
          const b = bits.slice(0, length);
          const positions = range(length).filter((k) => b[k]);
          const a = denseOf(s.n, s.m);
          const y = (await build(s)).mask(asNumbers ? b.map(Number) : b, axis);
          await assertDsEqual(
            y,
            axis === 0 ? pick(a, positions, range(s.m)) : pick(a, range(s.n), positions),
          );
        },
      ),
      { numRuns: 40 },
    );
  });

  it("item reads one element, negatives from the end, waiting on its block only", async () => {
    await fc.assert(
      fc.asyncProperty(
        source().chain((s) =>
          fc.tuple(
            fc.constant(s),
            fc.integer({ min: -s.n, max: s.n - 1 }),
            fc.integer({ min: -s.m, max: s.m - 1 }),
          ),
        ),
        async ([s, i, j]) => {
          const x = await build(s);
          const before = tasks();
          assert.equal(await x.item(i, j), denseOf(s.n, s.m)[i < 0 ? i + s.n : i][j < 0 ? j + s.m : j]);
          assert.equal(tasks(), before, "item submits no task");
        },
      ),
      { numRuns: 40 },
    );
    // Block (1, 1) fails; the other blocks' items are still readable.
    const x = ds
      .array(
        [
          [1, 2],
          [3, 5],
        ],
        { blockSize: [1, 1] },
      )
      .map((v) => {
        if (v === 5) throw new Error("boom");
        return v;
      });
    assert.equal(await x.item(0, 1), 2);
    assert.equal(await x.item(-2, -2), 1);
    await assert.rejects(
      x.item(1, 1),
      (e: unknown) => e instanceof TaskFailedError && /boom/.test(e.message),
    );
    assert.equal(await ds.full([1, 1], 7, { blockSize: [1, 1] }).item(), 7);
  });

  it("set writes the value in the selected region, with tasks only for touched blocks", async () => {
    await fc.assert(
      fc.asyncProperty(
        source().chain((s) => fc.tuple(fc.constant(s), sliceSpec(s.n), sliceSpec(s.m))),
        fc.constantFrom(-1, 0, 42.5, Number.NaN, Number.POSITIVE_INFINITY),
        async ([s, rs, cs], value) => {
          const x = await build(s);
          const rows = selected(s.n, rs);
          const cols = selected(s.m, cs);
          const before = engine().stats();
          const y = x.set(rs, cs, value);
          const touchedRows = new Set(rows.map((i) => blockAt(x.grid.rowChunks, i)));
          const touchedCols = new Set(cols.map((j) => blockAt(x.grid.colChunks, j)));
          const after = engine().stats();
          assert.equal(after.tasksSubmitted - before.tasksSubmitted, touchedRows.size * touchedCols.size);
          x.blocks().forEach((row, bi) =>
            row.forEach((ref, bj) =>
              assert.equal(
                y.blocks()[bi][bj] === ref,
                !(touchedRows.has(bi) && touchedCols.has(bj)),
                `block (${bi}, ${bj})`,
              ),
            ),
          );
          assert.deepEqual(y.grid, x.grid);
          const a = denseOf(s.n, s.m);
          const rowSet = new Set(rows);
          const colSet = new Set(cols);
          await assertDsEqual(
            y,
            a.map((r, i) => r.map((v, j) => (rowSet.has(i) && colSet.has(j) ? value : v))),
          );
          await assertDsEqual(x, a, 0);
        },
      ),
      { numRuns: 50 },
    );
    // A whole block is written fresh (fill.constant); a partly covered one is one block.assign.
    const x = ds.zeros([4, 4], { blockSize: [2, 2] });
    await x.persist();
    const before = engine().stats();
    const y = x.set([0, 3], [null, null, -1], 1);
    const after = engine().stats();
    assert.equal(after.byKernel["fill.constant"] - (before.byKernel["fill.constant"] ?? 0), 2);
    assert.equal(after.byKernel["block.assign"] - (before.byKernel["block.assign"] ?? 0), 2);
    await assertDsEqual(y, [
      [1, 1, 1, 1],
      [1, 1, 1, 1],
      [1, 1, 1, 1],
      [0, 0, 0, 0],
    ]);
  });

  it("bad arguments throw typed errors naming op, axis, index and length, and submit nothing", async () => {
    const x = await ds.random([6, 4], { blockSize: [4, 3], seed: 1 }).persist();
    const before = tasks();
    const check = (f: () => unknown, cls: new (...a: never[]) => Error, pattern: RegExp) =>
      assert.throws(f, (e: unknown) => e instanceof cls && pattern.test(e.message), pattern.source);
    check(() => x.slice(6), IndexError, /^slice: index 6 is out of range for axis 0 with 6 rows/);
    check(() => x.slice(null, -5), IndexError, /^slice: index -5 is out of range for axis 1 with 4 cols/);
    check(() => x.slice([0, 4, 0]), ArgumentError, /^slice: slice step cannot be zero \(axis 0\)/);
    check(() => x.slice([0.5]), ArgumentError, /^slice: slice start must be an integer/);
    check(() => x.take([0, 6], 0), IndexError, /^take: index 6 is out of range for axis 0 with 6 rows/);
    check(() => x.take([-5], 1), IndexError, /^take: index -5 is out of range for axis 1 with 4 cols/);
    check(
      () => x.take([1], 2 as 0),
      ArgumentError,
      /^take: axis must be 0 \(rows\) or 1 \(columns\) but was 2/,
    );
    check(() => x.take([1.5], 0), ArgumentError, /^take: indices must be integers/);
    check(
      () => x.mask([true, false, true, true, true], 0),
      ShapeError,
      /^mask: 5 booleans for axis 0 of length 6/,
    );
    check(
      () => x.mask([true, false, true, 2] as unknown as boolean[], 1),
      ArgumentError,
      /^mask: booleans\[3\] must be true, false, 1 or 0 but was 2/,
    );
    check(() => x.mask([true], -1 as 0), ArgumentError, /^mask: axis must be 0/);
    check(() => x.item(0, 4), IndexError, /^item: index 4 is out of range for axis 1 with 4 cols/);
    check(() => x.item(-7, 0), IndexError, /^item: index -7 is out of range for axis 0 with 6 rows/);
    check(() => x.item(), ArgumentError, /^item: give \(i, j\)/);
    check(() => x.set([0, 2], 9, 1), IndexError, /^set: index 9 is out of range for axis 1/);
    check(() => x.set(null, [0, 1, 0], 1), ArgumentError, /^set: slice step cannot be zero \(axis 1\)/);
    check(() => x.set(null, null, "1" as unknown as number), ArgumentError, /^set: value must be a number/);
    assert.equal(tasks(), before, "invalid calls submit nothing");
  });
});
