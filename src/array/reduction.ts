/**
 * The one tree reduction (dask's `reduction`): every reduction is a configuration of it. Each block becomes
 * a small partial (`chunk`), the partials of each row or column strip (or of the whole array) are merged in
 * groups of at most `splitEvery` (`combine`), level by level, and the last group becomes the result
 * (`aggregate`). No task ever reads more than `splitEvery` partials, and the tree over `k` blocks has
 * max(1, ceil(log_splitEvery(k))) levels above the chunks.
 */
import { ArgumentError } from "../core/errors.ts";
import { describeValue, intOption, readOptions, type RawOptions } from "../core/options.ts";
import type { KernelAttrs, KernelName } from "../core/kernels/names.ts";
import type { ElementwiseProgram } from "../core/kernels/elementwise/program.ts";
import type { ReduceAxis } from "../core/kernels/reduce/attrs.ts";
import { partialLayout, partialShape } from "../core/kernels/reduce/layout.ts";
import type { BlockRef } from "../runtime/blockRef.ts";
import { engine } from "../runtime/runtime.ts";
import { gridOfChunks, offsetsOf } from "./blockGrid.ts";
import { DsArray } from "./dsArray.ts";
import { pendingPlan, type FusedPlan } from "./elementwise.ts";

/** A kernel with its attributes, for any kernel of the table. */
export type KernelCall = { [N in KernelName]: { kernel: N; attrs: KernelAttrs<N> } }[KernelName];

/** An axis as users pass it: 0, 1 or NumPy's negative aliases (-1 = 1, -2 = 0); omitted or null = every element. */
export type AxisArg = 0 | 1 | -1 | -2;

/** Options every reduction takes. */
export interface ReduceOptions {
  /** Most partials one combine task reads (an integer >= 2; default 4). */
  splitEvery?: number;
}

/** The default fan-in of a combine task. */
export const SPLIT_EVERY_DEFAULT = 4;

/** Where a block sits: its grid position, global offsets and size, and the array's shape. */
export interface BlockPlace {
  blockRow: number;
  blockCol: number;
  rowOffset: number;
  colOffset: number;
  rows: number;
  cols: number;
  shape: readonly [number, number];
}

/** A reduction: what to run on each block, on each group of partials, and on the last group. */
export interface ReductionSpec {
  /** The user-facing operation, for task names and errors. */
  op: string;
  axis: ReduceAxis;
  splitEvery: number;
  /** Fields per lane of a partial that covers `length` elements of each lane (median keeps them all). */
  fields: (length: number) => number;
  chunk: (place: BlockPlace) => KernelCall;
  /**
   * The chunk over a pending elementwise chain, computed from the chain's inputs in one pass (only
   * reductions that have such a kernel set it). Without it a chain is computed into blocks first.
   */
  fusedChunk?: (place: BlockPlace, program: ElementwiseProgram) => KernelCall;
  combine: KernelCall;
  aggregate: KernelCall;
}

/** A partial in the tree and how many elements of each lane it covers. */
interface Partial {
  ref: BlockRef;
  length: number;
}

/**
 * The groups of a tree over `count` leaves: one array per level, each a list of [start, end) ranges over
 * the previous level. Every level but the last groups `splitEvery` consecutive items; the last level is one
 * group (the aggregate). A range of one item is passed up without a task.
 *
 * @example
 * ```ts
 * reductionTree(16, 4); // [[[0,4],[4,8],[8,12],[12,16]], [[0,4]]]
 * reductionTree(1, 4);  // [[[0,1]]]
 * ```
 */
export function reductionTree(count: number, splitEvery: number): [number, number][][] {
  const levels: [number, number][][] = [];
  let n = count;
  while (n > splitEvery) {
    const level: [number, number][] = [];
    for (let start = 0; start < n; start += splitEvery) level.push([start, Math.min(start + splitEvery, n)]);
    levels.push(level);
    n = level.length;
  }
  levels.push([[0, n]]);
  return levels;
}

/**
 * `items` combined by a tree (reductionTree's grouping, `splitEvery` at a time): `combine` makes one item
 * of a group of two or more (usually by submitting a task); a group of one passes up as it is. For the
 * reductions over per-strip partials that the estimators and tsqr compute.
 *
 * @example
 * ```ts
 * const total = foldTree(partials, (group) => engine().submit({ op, kernel: "block.addAll", attrs: {},
 *   inputs: group, outputs: [shape] })[0]);
 * ```
 */
export function foldTree<T>(
  items: readonly T[],
  combine: (group: readonly T[]) => T,
  splitEvery = SPLIT_EVERY_DEFAULT,
): T {
  let level = items;
  for (const groups of reductionTree(level.length, splitEvery)) {
    const previous = level;
    level = groups.map(([start, end]) =>
      end - start === 1 ? previous[start] : combine(previous.slice(start, end)),
    );
  }
  return level[0];
}

/**
 * Submits the tree reduction of `x` and returns the result: 1 x m for axis 0 (one block per column block
 * of `x`), n x 1 for axis 1, 1 x 1 for "all". Every task is submitted before this returns.
 *
 * @example
 * ```ts
 * const total = reduction(x, {
 *   op: "sum", axis: 0, splitEvery: 4, fields: () => 2,
 *   chunk: () => ({ kernel: "reduce.sum.chunk", attrs: { axis: 0, map: "value" } }),
 *   combine: { kernel: "reduce.sum.combine", attrs: { axis: 0 } },
 *   aggregate: { kernel: "reduce.sum.aggregate", attrs: { axis: 0, finish: "total" } },
 * }); // 1 x m
 * ```
 */
export function reduction(x: DsArray, spec: ReductionSpec): DsArray {
  const { rowChunks, colChunks, shape } = x.grid;
  const plan = spec.fusedChunk === undefined ? undefined : pendingPlan(x);
  const refs = plan === undefined ? x.blocks() : undefined;
  const rowOffsets = offsetsOf(rowChunks);
  const colOffsets = offsetsOf(colChunks);
  const layout = partialLayout(spec.axis);
  const eng = engine();

  const chunkOf = (i: number, j: number): Partial => {
    const [rows, cols] = [rowChunks[i], colChunks[j]];
    const [lanes, length] =
      spec.axis === 0 ? [cols, rows] : spec.axis === 1 ? [rows, cols] : [1, rows * cols];
    const place = {
      blockRow: i,
      blockCol: j,
      rowOffset: rowOffsets[i],
      colOffset: colOffsets[j],
      rows,
      cols,
      shape,
    };
    const [ref] = eng.submit({
      op: spec.op,
      ...(plan !== undefined && spec.fusedChunk !== undefined
        ? spec.fusedChunk(place, plan.program)
        : spec.chunk(place)),
      inputs: refs !== undefined ? [refs[i][j]] : (plan as FusedPlan).inputsOf(i, j),
      outputs: [partialShape(layout, lanes, spec.fields(length))],
      blockIndex: [i, j],
    });
    return { ref, length };
  };

  /** Reduces the partials of one strip to its result block of `lanes` lanes. */
  const tree = (leaves: Partial[], lanes: number, blockIndex: [number, number]): BlockRef => {
    let level = leaves;
    const levels = reductionTree(leaves.length, spec.splitEvery);
    for (const groups of levels.slice(0, -1)) {
      level = groups.map(([start, end]): Partial => {
        if (end - start === 1) return level[start];
        const group = level.slice(start, end);
        const length = group.reduce((s, p) => s + p.length, 0);
        const [ref] = eng.submit({
          op: spec.op,
          ...spec.combine,
          inputs: group.map((p) => p.ref),
          outputs: [partialShape(layout, lanes, spec.fields(length))],
          blockIndex,
        });
        return { ref, length };
      });
    }
    const [ref] = eng.submit({
      op: spec.op,
      ...spec.aggregate,
      inputs: level.map((p) => p.ref),
      outputs: [partialShape(layout, lanes, 1)],
      blockIndex,
    });
    return ref;
  };

  if (spec.axis === 0) {
    const row = colChunks.map((cols, j) =>
      tree(
        rowChunks.map((_, i) => chunkOf(i, j)),
        cols,
        [0, j],
      ),
    );
    return DsArray.fromBlocks(gridOfChunks([1], colChunks), [row]);
  }
  if (spec.axis === 1) {
    const col = rowChunks.map((rows, i) => [
      tree(
        colChunks.map((_, j) => chunkOf(i, j)),
        rows,
        [i, 0],
      ),
    ]);
    return DsArray.fromBlocks(gridOfChunks(rowChunks, [1]), col);
  }
  const leaves = rowChunks.flatMap((_, i) => colChunks.map((_, j) => chunkOf(i, j)));
  return DsArray.fromBlocks(gridOfChunks([1], [1]), [[tree(leaves, 1, [0, 0])]]);
}

/** The result as users get it: the array for axis 0 or 1, the number (once computed) for "all". */
export function reductionResult(result: DsArray, axis: ReduceAxis): DsArray | Promise<number> {
  if (axis !== "all") return result;
  return result.blocks()[0][0].ready.then((m) => m.data[0]);
}

/** NumPy's axis: 0 or -2 down the rows, 1 or -1 along the columns, undefined or null over every element. */
export function normalizeAxis(op: string, axis: unknown): ReduceAxis {
  if (axis === undefined || axis === null) return "all";
  if (axis === 0 || axis === -2) return 0;
  if (axis === 1 || axis === -1) return 1;
  throw new ArgumentError(`${op}: axis must be 0, 1 or omitted but was ${describeValue(axis)}`);
}

/**
 * A reduction's options object (core/options.ts's checks: a typo such as `{ dof: 1 }` throws instead of
 * being ignored), with its `splitEvery` (the tree's fan-in, default 4) read out.
 */
export function reductionOptions(
  op: string,
  options: unknown,
  allowed: readonly string[],
): { splitEvery: number; values: RawOptions } {
  const values = readOptions(op, options, allowed);
  return { splitEvery: intOption(op, values, "splitEvery", SPLIT_EVERY_DEFAULT, 2), values };
}

/** How many elements each result value reduces: rows for axis 0, columns for axis 1, all of them for "all". */
export function reducedLength(x: DsArray, axis: ReduceAxis): number {
  const [n, m] = x.shape;
  return axis === 0 ? n : axis === 1 ? m : n * m;
}

/** NumPy's error for min, max, argmin and argmax over nothing (thrown before anything is submitted). */
export function checkNotEmpty(op: string, x: DsArray, axis: ReduceAxis): void {
  if (reducedLength(x, axis) > 0) return;
  const along = axis === "all" ? "the array" : `axis ${axis}`;
  throw new ArgumentError(
    `${op}: zero-size array to reduction operation: ${along} is empty (shape=[${x.shape.join(", ")}]) and ${op} has no identity`,
  );
}
