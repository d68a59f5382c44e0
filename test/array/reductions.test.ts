import { it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ds, ArgumentError, DsArray, type Block } from "../../src/index.ts";
import { engine } from "../../src/internal.ts";
import { rechunkTo } from "../../src/array/rechunk.ts";
import { describeEachExecutor } from "../support/executors.ts";
import {
  assertDsEqual,
  denseValues,
  ofKind,
  shapeAndBlocks,
  withZeros,
  type Dense,
} from "../support/dense.ts";

// ---- Independent dense references, one lane (a list of values) at a time, NumPy semantics. ----

const hasNaN = (v: readonly number[]) => v.some((e) => Number.isNaN(e));
const plainSum = (v: readonly number[]) => v.reduce((s, e) => s + e, 0);

function argRef(v: readonly number[], better: (a: number, b: number) => boolean): number {
  const firstNaN = v.findIndex((e) => Number.isNaN(e));
  if (firstNaN >= 0) return firstNaN;
  let best = 0;
  for (let k = 1; k < v.length; k++) if (better(v[k], v[best])) best = k;
  return best;
}

function varRef(v: readonly number[], ddof: number): number {
  const mean = plainSum(v) / v.length;
  return plainSum(v.map((e) => (e - mean) ** 2)) / Math.max(v.length - ddof, 0);
}

function medianRef(v: readonly number[]): number {
  if (v.length === 0 || hasNaN(v)) return NaN;
  const s = [...v].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const names = [
  "sum",
  "mean",
  "min",
  "max",
  "var",
  "std",
  "prod",
  "argmin",
  "argmax",
  "norm",
  "median",
  "countNonzero",
] as const;
type Name = (typeof names)[number];

function laneRef(name: Name, v: readonly number[], ddof: number): number {
  switch (name) {
    case "sum":
      return plainSum(v);
    case "mean":
      return plainSum(v) / v.length;
    case "min":
      return hasNaN(v) ? NaN : Math.min(...v);
    case "max":
      return hasNaN(v) ? NaN : Math.max(...v);
    case "var":
      return varRef(v, ddof);
    case "std":
      return Math.sqrt(varRef(v, ddof));
    case "prod":
      return v.reduce((s, e) => s * e, 1);
    case "argmin":
      return argRef(v, (a, b) => a < b);
    case "argmax":
      return argRef(v, (a, b) => a > b);
    case "norm":
      return Math.sqrt(plainSum(v.map((e) => e * e)));
    case "median":
      return medianRef(v);
    case "countNonzero":
      return v.filter((e) => e !== 0).length;
  }
}

type Axis = 0 | 1 | -1 | -2 | undefined;

/** The dense result: 1 x m for axis 0, n x 1 for axis 1, a number (flat row-major lane) for no axis. */
function denseReduce(name: Name, a: Dense, n: number, m: number, axis: Axis, ddof: number): Dense | number {
  if (axis === undefined) return laneRef(name, a.flat(), ddof);
  if (axis === 0 || axis === -2) {
    return [
      Array.from({ length: m }, (_, j) =>
        laneRef(
          name,
          a.map((row) => row[j]),
          ddof,
        ),
      ),
    ];
  }
  return Array.from({ length: n }, (_, i) => [laneRef(name, a[i], ddof)]);
}

/** Calls `x.<name>(axis, options)` through the public methods. */
function call(name: Name, x: DsArray<Block>, axis: Axis, options: { ddof?: number; splitEvery?: number }) {
  if (name === "var" || name === "std") return x[name](axis, options);
  const { splitEvery } = options;
  return x[name](axis, splitEvery === undefined ? undefined : { splitEvery });
}

function close(x: number, y: number, tol: number): boolean {
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) && Number.isNaN(y);
  if (!Number.isFinite(x) || !Number.isFinite(y)) return x === y;
  return Math.abs(x - y) <= tol * Math.max(1, Math.abs(x), Math.abs(y));
}

async function assertResult(
  got: DsArray | Promise<number>,
  expected: Dense | number,
  tol: number,
  what: string,
) {
  if (typeof expected === "number") {
    assert.ok(got instanceof Promise, `${what}: no axis gives a Promise<number>`);
    const value = await got;
    assert.ok(close(value, expected, tol), `${what}: got ${value}, expected ${expected}`);
  } else {
    assert.ok(got instanceof DsArray, `${what}: an axis gives a DsArray`);
    await assertDsEqual(got, expected, tol);
  }
}

/**
 * Dense values on a grid of 1/8 (with NaN and infinities when `special`): products of a few dozen of them
 * neither underflow nor overflow, so the blocked order of a product cannot turn -inf * tiny * tiny into
 * NaN (inf * 0) where the sequential reference keeps -inf; and ties are frequent, which argmin/argmax need.
 */
function values(n: number, m: number, special: boolean, seed: number): Dense {
  const a = fc.sample(denseValues(n, m, special), { seed, numRuns: 1 })[0];
  return a.map((row) => row.map((v) => (Number.isFinite(v) ? Math.round(v * 8) / 8 : v)));
}

/** A random split of `length` into positive chunks (irregular grids). */
const chunksOf = (length: number) =>
  fc
    .uniqueArray(fc.integer({ min: 1, max: Math.max(1, length - 1) }), { maxLength: Math.min(4, length - 1) })
    .map((cuts) => {
      const edges = [0, ...cuts.filter((c) => c < length).sort((p, q) => p - q), length];
      return edges.slice(1).map((e, k) => e - edges[k]);
    });

// ---- Task-graph spy: records every submission made while `body` runs. ----

interface Recorded {
  kernel: string;
  inputs: number[];
  outputs: number[];
}

function recordTasks<T>(body: () => T): { result: T; tasks: Recorded[] } {
  const e = engine();
  const original = e.submit.bind(e);
  const tasks: Recorded[] = [];
  e.submit = (spec) => {
    const out = original(spec);
    tasks.push({ kernel: spec.kernel, inputs: spec.inputs.map((r) => r.id), outputs: out.map((r) => r.id) });
    return out;
  };
  try {
    return { result: body(), tasks };
  } finally {
    // Drops the own property: the prototype's submit shows through again.
    Reflect.deleteProperty(e, "submit");
  }
}

/** Largest number of inputs of any task, and the longest chain of tasks (chunks count as level 1). */
function graphShape(tasks: readonly Recorded[]): { maxFanIn: number; depth: number } {
  const depthOf = new Map<number, number>();
  let depth = 0;
  for (const t of tasks) {
    const d = 1 + Math.max(0, ...t.inputs.map((id) => depthOf.get(id) ?? 0));
    for (const id of t.outputs) depthOf.set(id, d);
    depth = Math.max(depth, d);
  }
  return {
    maxFanIn: Math.max(0, ...tasks.filter((t) => !t.kernel.endsWith(".chunk")).map((t) => t.inputs.length)),
    depth,
  };
}

/** Levels above the chunks: the smallest d >= 1 with splitEvery^d >= blocks. */
function expectedLevels(blocks: number, splitEvery: number): number {
  let d = 1;
  while (splitEvery ** d < blocks) d++;
  return d;
}

describeEachExecutor("reductions", () => {
  it("every reduction on every axis matches the dense reference (random shapes, blocks, special values, sparse or dense)", async () => {
    await fc.assert(
      fc.asyncProperty(
        shapeAndBlocks(7),
        fc.boolean(),
        fc.constantFrom(2, 3, 4),
        fc.constantFrom(0, 1, 2, 0.5),
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.boolean(),
        async ({ shape: [n, m], blockSize }, special, splitEvery, ddof, seed, sparse) => {
          const raw = values(n, m, special, seed);
          const a = sparse ? withZeros(raw, seed) : raw;
          const x = ofKind(ds.array(a, { blockSize }), sparse);
          for (const name of names) {
            for (const axis of [0, 1, undefined, -1, -2] as const) {
              const expected = denseReduce(name, a, n, m, axis, ddof);
              const what = `${name}(axis=${axis}, ddof=${ddof}, splitEvery=${splitEvery}) of ${JSON.stringify(a)}`;
              await assertResult(call(name, x, axis, { ddof, splitEvery }), expected, 1e-9, what);
            }
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it("irregular grids (rechunked to random chunk lengths) give the same answers", async () => {
    const arb = fc
      .tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }))
      .chain(([n, m]) => fc.tuple(fc.constant([n, m] as const), chunksOf(n), chunksOf(m)));
    await fc.assert(
      fc.asyncProperty(
        arb,
        fc.integer({ min: 0, max: 2 ** 31 }),
        async ([[n, m], rowChunks, colChunks], seed) => {
          const a = values(n, m, true, seed);
          const x = rechunkTo(ds.array(a, { blockSize: [n, m] }), rowChunks, colChunks);
          assert.deepEqual(x.grid.rowChunks, rowChunks);
          for (const name of names) {
            for (const axis of [0, 1, undefined] as const) {
              const what = `${name}(axis=${axis}) on chunks ${JSON.stringify([rowChunks, colChunks])}`;
              await assertResult(
                call(name, x, axis, { splitEvery: 2 }),
                denseReduce(name, a, n, m, axis, 0),
                1e-9,
                what,
              );
            }
          }
        },
      ),
      { numRuns: 20 },
    );
  });

  it("NaN propagates, the first NaN wins argmin/argmax, and infinities follow NumPy", async () => {
    const a = [
      [1, NaN, -2],
      [NaN, 5, 0],
      [3, 4, 7],
    ];
    const x = ds.array(a, { blockSize: [2, 2] });
    assert.ok(Number.isNaN(await x.sum()));
    assert.ok(Number.isNaN(await x.min()));
    assert.ok(Number.isNaN(await x.median()));
    assert.equal(await x.argmin(), 1, "flat index of the first NaN");
    assert.equal(await x.argmax(), 1);
    await assertDsEqual(x.min(0), [[NaN, NaN, -2]]);
    await assertDsEqual(x.argmin(0), [[1, 0, 0]]);
    await assertDsEqual(x.argmax(1), [[1], [0], [2]]);
    await assertDsEqual(x.var(1), [[NaN], [NaN], [varRef([3, 4, 7], 0)]]);
    assert.equal(await x.countNonzero(), 8, "NaN is not zero");

    const inf = ds.array([[Infinity, 1, -Infinity, 2]], { blockSize: [1, 1] });
    assert.ok(Number.isNaN(await inf.sum()), "inf + -inf is NaN");
    assert.equal(await inf.max(), Infinity);
    assert.equal(await inf.argmin(), 2);
    assert.ok(Number.isNaN(await inf.var()), "var with infinities is NaN");
    await assertDsEqual(inf.mean(0), [[Infinity, 1, -Infinity, 2]]);
    assert.equal(await ds.array([[Infinity, 1]], { blockSize: [1, 1] }).mean(), Infinity);
    assert.ok(Number.isNaN(await ds.array([[0, Infinity]], { blockSize: [1, 1] }).prod()), "0 * inf is NaN");
    assert.equal(
      await ds.array([[1e200, 1e200]], { blockSize: [1, 1] }).norm(),
      Infinity,
      "no rescaling, as NumPy",
    );
  });

  it("argmin/argmax take the first occurrence of ties, by global row-major order across blocks", async () => {
    // Minimum 0 at (0, 3) in block (0, 1) and at (1, 0) in block (0, 0): block order visits (1, 0)
    // first, but (0, 3) comes first in row-major order (flat 3 < 4).
    const a = [
      [5, 6, 7, 0],
      [0, 9, 9, 9],
      [9, 0, 9, 9],
    ];
    for (const blockSize of [
      [2, 2],
      [1, 1],
      [3, 4],
      [2, 3],
    ] as const) {
      const x = ds.array(a, { blockSize: [...blockSize] });
      assert.equal(await x.argmin(undefined, { splitEvery: 2 }), 3);
      assert.equal(await x.argmax(), 5, "first 9 at (1, 1)");
      await assertDsEqual(x.argmin(0), [[1, 2, 0, 0]]);
      await assertDsEqual(x.argmax(0), [[2, 1, 1, 1]]);
      await assertDsEqual(x.argmin(1), [[3], [0], [1]]);
      await assertDsEqual(x.argmax(1), [[2], [1], [0]]);
    }
    // -0 and 0 are equal: the first wins.
    assert.equal(await ds.array([[0, -0, 0]], { blockSize: [1, 1] }).argmin(), 0);
  });

  it("median of even and odd counts, across blocks", async () => {
    const odd = ds.array([[9, 1, 8, 2, 7]], { blockSize: [1, 2] });
    assert.equal(await odd.median(), 7);
    const even = ds.array([[9, 1, 8, 2, 7, 3]], { blockSize: [1, 1] });
    assert.equal(await even.median(undefined, { splitEvery: 2 }), 5);
    const col = ds.array([[4], [1], [3], [2]], { blockSize: [3, 1] });
    await assertDsEqual(col.median(0), [[2.5]]);
    await assertDsEqual(col.median(1), [[4], [1], [3], [2]]);
    const tall = ds.array(
      Array.from({ length: 11 }, (_, i) => [(i * 7) % 11, -i]),
      { blockSize: [2, 1] },
    );
    await assertDsEqual(tall.median(0), [[5, -5]]);
    assert.equal(
      await tall.median(),
      medianRef(Array.from({ length: 11 }, (_, i) => [(i * 7) % 11, -i]).flat()),
    );
  });

  it("var/std with ddof, including ddof >= count (Infinity or NaN as NumPy)", async () => {
    const x = ds.array([[1, 2, 3, 4]], { blockSize: [1, 3] });
    assert.equal(await x.var(), 1.25);
    assert.ok(close(await x.var(undefined, { ddof: 1 }), 5 / 3, 1e-15));
    assert.ok(close(await x.std(undefined, { ddof: 1.5 }), Math.sqrt(5 / 2.5), 1e-15));
    assert.equal(await x.var(undefined, { ddof: 4 }), Infinity);
    assert.equal(await x.std(undefined, { ddof: 9 }), Infinity);
    await assertDsEqual(x.var(0, { ddof: 1 }), [[NaN, NaN, NaN, NaN]], 0);
    await assertDsEqual(x.var(0), [[0, 0, 0, 0]], 0);
    assert.ok(
      Number.isNaN(await ds.array([[3, 3]], { blockSize: [1, 1] }).var(undefined, { ddof: 2 })),
      "0 / 0",
    );
  });

  it("empty reductions: sum 0, prod 1, mean/var/median NaN, min/max/argmin/argmax throw", async () => {
    const rowsEmpty = ds.zeros([0, 3], { blockSize: [1, 2] });
    const colsEmpty = ds.zeros([2, 0], { blockSize: [1, 1] });
    await assertDsEqual(rowsEmpty.sum(0), [[0, 0, 0]]);
    await assertDsEqual(rowsEmpty.prod(0), [[1, 1, 1]]);
    await assertDsEqual(rowsEmpty.mean(0), [[NaN, NaN, NaN]]);
    await assertDsEqual(rowsEmpty.var(0), [[NaN, NaN, NaN]]);
    await assertDsEqual(rowsEmpty.median(0), [[NaN, NaN, NaN]]);
    await assertDsEqual(rowsEmpty.norm(0), [[0, 0, 0]]);
    await assertDsEqual(rowsEmpty.countNonzero(0), [[0, 0, 0]]);
    await assertDsEqual(colsEmpty.sum(1), [[0], [0]]);
    await assertDsEqual(colsEmpty.prod(1), [[1], [1]]);
    assert.equal(await rowsEmpty.sum(), 0);
    assert.equal(await colsEmpty.prod(), 1);
    assert.ok(Number.isNaN(await rowsEmpty.mean()));
    assert.ok(Number.isNaN(await colsEmpty.std()));
    assert.ok(Number.isNaN(await ds.zeros([0, 0], { blockSize: [1, 1] }).median()));
    // Reducing the non-empty axis of an empty array is fine and gives an empty result (NumPy).
    const minOfNothing = rowsEmpty.min(1);
    assert.deepEqual(minOfNothing.shape, [0, 1]);
    assert.deepEqual(colsEmpty.argmax(0).shape, [1, 0]);
    const before = engine().stats().tasksSubmitted;
    for (const name of ["min", "max", "argmin", "argmax"] as const) {
      assert.throws(
        () => rowsEmpty[name](0),
        (e: unknown) =>
          e instanceof ArgumentError &&
          e.message.startsWith(`${name}: zero-size array to reduction operation`),
      );
      assert.throws(() => colsEmpty[name](1), ArgumentError);
      assert.throws(
        () => colsEmpty[name](),
        (e: unknown) => e instanceof ArgumentError && /shape=\[2, 0\]/.test(e.message),
      );
    }
    assert.equal(engine().stats().tasksSubmitted, before, "nothing submitted for an invalid call");
  });

  it("bad axes and options throw ArgumentError at once and submit nothing", () => {
    const x = ds.ones([4, 4], { blockSize: [2, 2] });
    const before = engine().stats().tasksSubmitted;
    const cases: [unknown, string][] = [
      [2, "2"],
      [-3, "-3"],
      ["0", '"0"'],
      [0.5, "0.5"],
      [NaN, "NaN"],
    ];
    for (const name of names) {
      for (const [axis, shown] of cases) {
        assert.throws(
          () => x[name](axis as 0),
          (e: unknown) =>
            e instanceof ArgumentError &&
            e.message === `${name}: axis must be 0, 1 or omitted but was ${shown}`,
        );
      }
    }
    assert.throws(
      () => x.sum(0, { splitEvery: 1 }),
      (e: unknown) =>
        e instanceof ArgumentError && /sum: splitEvery must be an integer >= 2 but was 1/.test(e.message),
    );
    assert.throws(
      () => x.var(0, { dof: 1 } as unknown as { ddof: number }),
      (e: unknown) =>
        e instanceof ArgumentError &&
        /var: unknown option "dof" \(known options: ddof, splitEvery\)/.test(e.message),
    );
    assert.throws(
      () => x.std(1, { ddof: "1" as unknown as number }),
      (e: unknown) =>
        e instanceof ArgumentError && e.message === 'std: ddof must be a finite number but was "1"',
    );
    assert.throws(() => x.mean(1, 4 as unknown as { splitEvery: number }), ArgumentError);
    assert.equal(engine().stats().tasksSubmitted, before);
  });

  it("task graph: 1 x 16 and 16 x 1 grids reduce in a tree of fan-in <= splitEvery and log depth", async () => {
    const wide = ds.random([3, 32], { blockSize: [3, 2], seed: 1 });
    const tall = ds.random([32, 3], { blockSize: [2, 3], seed: 2 });
    await wide.persist();
    await tall.persist();
    assert.deepEqual(wide.nBlocks, [1, 16]);
    assert.deepEqual(tall.nBlocks, [16, 1]);
    const wideDense = await wide.toArray();
    for (const name of names) {
      // Along the 16 blocks: 16 chunks + 4 combines + 1 aggregate, 2 levels above the chunks.
      for (const [x, axis] of [
        [wide, 1],
        [tall, 0],
        [wide, undefined],
        [tall, undefined],
      ] as const) {
        const { result, tasks } = recordTasks(() => call(name, x, axis, {}));
        assert.equal(tasks.length, 21, `${name} axis=${axis}: task count`);
        assert.equal(tasks.filter((t) => t.kernel.endsWith(".chunk")).length, 16);
        assert.deepEqual(graphShape(tasks), { maxFanIn: 4, depth: 3 }, `${name} axis=${axis}`);
        await (result instanceof DsArray ? result.persist() : result);
      }
      // Across the 16 blocks: one chunk and one aggregate per block, nothing wider than 1.
      const { tasks } = recordTasks(() => call(name, wide, 0, {}));
      assert.equal(tasks.length, 32, `${name} axis=0 on 1 x 16`);
      assert.deepEqual(graphShape(tasks), { maxFanIn: 1, depth: 2 });
    }
    // splitEvery 2 on 16 blocks: 16 + 8 + 4 + 2 + 1 tasks, 4 levels above the chunks.
    const { result, tasks } = recordTasks(() => wide.sum(1, { splitEvery: 2 }));
    assert.equal(tasks.length, 31);
    assert.deepEqual(graphShape(tasks), { maxFanIn: 2, depth: 5 });
    await assertDsEqual(
      result,
      wideDense.map((row) => [plainSum(row)]),
      1e-12,
    );
    // The engine's own counters agree with the spy.
    const before = engine().stats();
    await wide.var(1).persist();
    const after = engine().stats();
    assert.equal(after.tasksSubmitted - before.tasksSubmitted, 21);
    assert.equal(
      after.byKernel["reduce.moments.combine"] - (before.byKernel["reduce.moments.combine"] ?? 0),
      4,
    );
  });

  it("fan-in <= splitEvery and depth = ceil(log_splitEvery(blocks)) for any count of blocks", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 2, max: 6 }),
        fc.constantFrom(...names),
        fc.constantFrom(0, 1, undefined),
        async (blocks, splitEvery, name, axis) => {
          const x =
            axis === 0
              ? ds.ones([blocks, 2], { blockSize: [1, 2] })
              : ds.ones([2, blocks], { blockSize: [2, 1] });
          await x.persist();
          const { result, tasks } = recordTasks(() => call(name, x, axis, { splitEvery }));
          const { maxFanIn, depth } = graphShape(tasks);
          assert.ok(maxFanIn <= splitEvery, `fan-in ${maxFanIn} > ${splitEvery}`);
          assert.equal(depth, 1 + expectedLevels(blocks, splitEvery));
          const expected = denseReduce(
            name,
            Array.from({ length: x.shape[0] }, () => new Array<number>(x.shape[1]).fill(1)),
            x.shape[0],
            x.shape[1],
            axis,
            0,
          );
          await assertResult(result, expected, 1e-12, `${name} over ${blocks} blocks`);
        },
      ),
      { numRuns: 30 },
    );
  });

  it("var of 1e9 + small noise matches a two-pass reference (Chan's merge is stable)", async () => {
    const x = ds.random([300, 20], { blockSize: [23, 7], seed: 9 }).add(1e9);
    await x.persist();
    const a = await x.toArray();
    const tol = 1e-6;
    const col = await x.var(0, { splitEvery: 3 }).toArray();
    a[0].forEach((_, j) => {
      const ref = varRef(
        a.map((row) => row[j]),
        0,
      );
      assert.ok(
        close(col[0][j], ref, tol) && Math.abs(col[0][j] - ref) <= tol * ref,
        `column ${j}: ${col[0][j]} vs ${ref}`,
      );
    });
    const row = await x.std(1, { ddof: 1 }).toArray();
    a.forEach((r, i) => {
      const ref = Math.sqrt(varRef(r, 1));
      assert.ok(Math.abs(row[i][0] - ref) <= tol * ref, `row ${i}: ${row[i][0]} vs ${ref}`);
    });
    const all = await x.var();
    const ref = varRef(a.flat(), 0);
    assert.ok(Math.abs(all - ref) <= tol * ref, `global: ${all} vs ${ref}`);
    assert.ok(Math.abs(ref - 1 / 12) < 0.01, "the reference itself is the variance of U(0, 1)");
  });
});
