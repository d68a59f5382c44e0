/**
 * All block arithmetic of a DsArray, in one pure module: chunk lengths per axis, offsets, block size
 * normalisation, and the mapping of slices and index lists onto blocks. Nothing else computes an offset.
 * It touches no futures and no workers, so it is property-tested on its own.
 */
import { assert } from "../core/assert.ts";
import { ArgumentError, IndexError } from "../core/errors.ts";
import { checkBlockCount, checkDenseBytes } from "../runtime/limits.ts";
import { describeValue } from "../core/options.ts";

export type Shape = [number, number];

/** The blocking of a 2-D array: the length of every block along each axis (dask's `chunks`). */
export interface BlockGrid {
  readonly shape: Shape;
  readonly rowChunks: readonly number[];
  readonly colChunks: readonly number[];
}

/** A slice along one axis: `[start?, stop?, step?]` (NumPy semantics, `null` = default) or a single index. */
export type SliceSpec =
  number | readonly [(number | null)?, (number | null)?, (number | null)?] | null | undefined;

/** A normalised slice: the indices start, start + step, ... before stop; `count` of them. */
export interface NormalSlice {
  start: number;
  stop: number;
  step: number;
  count: number;
}

/** One block's share of a slice: local indices start:stop:step of block `block`. */
export interface SlicePiece {
  block: number;
  start: number;
  stop: number;
  step: number;
  count: number;
}

const axisNames = ["rows", "cols"] as const;

/**
 * Checks a user's block size against a shape: two positive integers, none larger than its dimension
 * (an empty dimension accepts any positive size).
 *
 * @example
 * ```ts
 * normalizeBlockSize("ds.random", [10, 4], [3, 4]); // [3, 4]
 * normalizeBlockSize("ds.random", [10, 4], [3, 5]); // throws ArgumentError: block size 5 is larger than 4 cols
 * ```
 */
export function normalizeBlockSize(op: string, shape: Shape, blockSize: unknown): Shape {
  if (!Array.isArray(blockSize) || blockSize.length !== 2) {
    throw new ArgumentError(`${op}: blockSize must be [rows, cols] but was ${describeValue(blockSize)}`);
  }
  const size = blockSize as unknown[];
  for (let axis = 0; axis < 2; axis++) {
    const b = size[axis];
    if (typeof b !== "number" || !Number.isInteger(b) || b <= 0) {
      throw new ArgumentError(
        `${op}: blockSize[${axis}] must be a positive integer but was ${describeValue(b)} (blockSize=${JSON.stringify(blockSize)})`,
      );
    }
    if (shape[axis] > 0 && b > shape[axis]) {
      throw new ArgumentError(
        `${op}: block size ${b} is larger than the array's ${shape[axis]} ${axisNames[axis]} (shape=[${shape.join(", ")}], blockSize=[${size.join(", ")}])`,
      );
    }
  }
  const result: Shape = [size[0] as number, size[1] as number];
  checkBlockCount(op, shape, result);
  return result;
}

/** Checks a user's shape: two non-negative integers. */
export function normalizeShape(op: string, shape: unknown): Shape {
  if (
    !Array.isArray(shape) ||
    shape.length !== 2 ||
    !shape.every((d) => typeof d === "number" && Number.isInteger(d) && d >= 0)
  ) {
    throw new ArgumentError(
      `${op}: shape must be [rows, cols] of non-negative integers but was ${describeValue(shape)}`,
    );
  }
  return [shape[0] as number, shape[1] as number];
}

/** Chunk lengths of an axis of `length` cut every `block`: full blocks, then the remainder. */
export function chunksOf(length: number, block: number): number[] {
  if (length === 0) return [0];
  const chunks: number[] = [];
  for (let start = 0; start < length; start += block) chunks.push(Math.min(block, length - start));
  return chunks;
}

/**
 * The regular grid of a new dense array: the block size checked (normalizeBlockSize), then the bytes the
 * array needs against the memory limit, before any task is submitted.
 *
 * @example
 * ```ts
 * denseGrid("ds.random", [10, 4], [3, 4]).rowChunks; // [3, 3, 3, 1]
 * ```
 */
export function denseGrid(op: string, shape: Shape, blockSize: unknown): BlockGrid {
  const size = normalizeBlockSize(op, shape, blockSize);
  checkDenseBytes(op, shape, size);
  return regularGrid(shape, size);
}

/** The regular grid of `shape` in blocks of `blockSize` (the last block of an axis may be smaller). */
export function regularGrid(shape: Shape, blockSize: Shape): BlockGrid {
  return { shape, rowChunks: chunksOf(shape[0], blockSize[0]), colChunks: chunksOf(shape[1], blockSize[1]) };
}

export function gridOfChunks(rowChunks: readonly number[], colChunks: readonly number[]): BlockGrid {
  const sum = (c: readonly number[]) => c.reduce((a, b) => a + b, 0);
  return { shape: [sum(rowChunks), sum(colChunks)], rowChunks, colChunks };
}

/** Start offset of every chunk, plus the total at the end: `offsets([3, 3, 1]) = [0, 3, 6, 7]`. */
export function offsetsOf(chunks: readonly number[]): number[] {
  const out = [0];
  for (const c of chunks) out.push(out[out.length - 1] + c);
  return out;
}

/** The block holding global index `index` (binary search over offsets). */
export function blockOf(offsets: readonly number[], index: number): number {
  let lo = 0;
  let hi = offsets.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (offsets[mid] <= index) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The block size a user sees: the largest chunk of each axis (the regular size of a sliced grid). */
export function nominalBlockSize(grid: BlockGrid): Shape {
  return [Math.max(...grid.rowChunks), Math.max(...grid.colChunks)];
}

export function sameChunks(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((c, k) => c === b[k]);
}

export function sameGrid(a: BlockGrid, b: BlockGrid): boolean {
  return sameChunks(a.rowChunks, b.rowChunks) && sameChunks(a.colChunks, b.colChunks);
}

function checkInteger(op: string, what: string, v: unknown): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== "number" || !Number.isInteger(v)) {
    throw new ArgumentError(`${op}: slice ${what} must be an integer or null but was ${describeValue(v)}`);
  }
  return v;
}

/**
 * NumPy's slice normalisation along an axis of `length` (Python's `slice.indices`), or a single index
 * (negative counts from the end; out of range throws `IndexError`), which keeps the axis with length 1.
 *
 * @example
 * ```ts
 * normalizeSlice("slice", 10, [null, null, -3], 0); // { start: 9, stop: -1, step: -3, count: 4 }
 * normalizeSlice("slice", 10, -1, 0);               // { start: 9, stop: 10, step: 1, count: 1 }
 * ```
 */
export function normalizeSlice(op: string, length: number, spec: SliceSpec, axis: 0 | 1): NormalSlice {
  if (typeof spec === "number") {
    if (!Number.isInteger(spec))
      throw new ArgumentError(`${op}: index must be an integer but was ${spec} (axis ${axis})`);
    if (spec < -length || spec >= length) {
      throw new IndexError(
        `${op}: index ${spec} is out of range for axis ${axis} with ${length} ${axisNames[axis]} (valid: ${-length} to ${length - 1})`,
      );
    }
    const i = spec < 0 ? spec + length : spec;
    return { start: i, stop: i + 1, step: 1, count: 1 };
  }
  if (spec !== null && spec !== undefined && (!Array.isArray(spec) || spec.length > 3)) {
    throw new ArgumentError(
      `${op}: a slice must be [start?, stop?, step?], an index or null but was ${describeValue(spec)} (axis ${axis})`,
    );
  }
  const [rawStart, rawStop, rawStep] = spec ?? [];
  const step = checkInteger(op, "step", rawStep) ?? 1;
  if (step === 0) throw new ArgumentError(`${op}: slice step cannot be zero (axis ${axis})`);
  const lower = step < 0 ? -1 : 0;
  const upper = step < 0 ? length - 1 : length;
  const clamp = (v: number | null, dflt: number) => {
    if (v === null) return dflt;
    const w = v < 0 ? v + length : v;
    return Math.min(Math.max(w, lower), upper);
  };
  const start = clamp(checkInteger(op, "start", rawStart), step < 0 ? upper : lower);
  const stop = clamp(checkInteger(op, "stop", rawStop), step < 0 ? lower : upper);
  const count = Math.max(0, Math.ceil((stop - start) / step));
  return { start, stop, step, count };
}

/**
 * The pieces of each block that a normalised slice selects, in output order, and the chunks of the result
 * (one per block touched, so the sliced array keeps the source's block boundaries).
 */
export function slicePieces(
  chunks: readonly number[],
  s: NormalSlice,
): { pieces: SlicePiece[]; chunks: number[] } {
  if (s.count === 0) return { pieces: [], chunks: [0] };
  const offsets = offsetsOf(chunks);
  const pieces: SlicePiece[] = [];
  const last = s.start + (s.count - 1) * s.step;
  let index = s.start;
  while (s.step > 0 ? index <= last : index >= last) {
    const block = blockOf(offsets, index);
    const lo = offsets[block];
    const hi = offsets[block + 1];
    // How many of the remaining indices fall inside this block.
    const bound = s.step > 0 ? Math.min(hi - 1, last) : Math.max(lo, last);
    const count = Math.floor((bound - index) / s.step) + 1;
    pieces.push({ block, start: index - lo, stop: index - lo + count * s.step, step: s.step, count });
    index += count * s.step;
  }
  return { pieces, chunks: pieces.map((p) => p.count) };
}

/** True when a piece is its whole block in order (start 0, every index), so the block itself is the result. */
export function isWholeBlock(piece: SlicePiece, chunk: number): boolean {
  return piece.start === 0 && piece.count === chunk && (piece.step === 1 || chunk === 1);
}

/** The local indices a piece selects, in order: start, start + step, ... (`count` of them). */
export function pieceIndices(piece: SlicePiece): number[] {
  return Array.from({ length: piece.count }, (_, k) => piece.start + k * piece.step);
}

/**
 * Normalises an index list for an axis of `length`: integers in [-length, length), negatives from the end.
 */
export function normalizeIndices(
  op: string,
  length: number,
  indices: readonly number[],
  axis: 0 | 1,
): number[] {
  if (!Array.isArray(indices)) {
    throw new ArgumentError(`${op}: indices must be an array of integers but was ${describeValue(indices)}`);
  }
  return indices.map((v: unknown, k) => {
    if (typeof v !== "number" || !Number.isInteger(v)) {
      throw new ArgumentError(`${op}: indices must be integers but indices[${k}] was ${JSON.stringify(v)}`);
    }
    if (v < -length || v >= length) {
      throw new IndexError(
        `${op}: index ${v} is out of range for axis ${axis} with ${length} ${axisNames[axis]} (valid: ${-length} to ${length - 1})`,
      );
    }
    return v < 0 ? v + length : v;
  });
}

/** One output block of a gather: for each output position, the source block and the local index in it. */
export interface TakeGroup {
  sources: number[];
  source: number[];
  local: number[];
}

/**
 * Splits a gather of global `indices` (already normalised) into output chunks of at most `blockLength`,
 * each naming the source blocks it reads and, per position, which source and which local index.
 */
export function takeGroups(
  chunks: readonly number[],
  indices: readonly number[],
  blockLength: number,
): TakeGroup[] {
  assert(Number.isInteger(blockLength) && blockLength > 0, () => `takeGroups: block length ${blockLength}`);
  const offsets = offsetsOf(chunks);
  const groups: TakeGroup[] = [];
  for (let start = 0; start < indices.length; start += blockLength) {
    const group: TakeGroup = { sources: [], source: [], local: [] };
    for (const index of indices.slice(start, start + blockLength)) {
      const block = blockOf(offsets, index);
      let k = group.sources.indexOf(block);
      if (k < 0) k = group.sources.push(block) - 1;
      group.source.push(k);
      group.local.push(index - offsets[block]);
    }
    groups.push(group);
  }
  return groups;
}

/**
 * The source block a take group reproduces exactly (one source, every local index in order, whole block),
 * or -1: such an output block is the source block itself, not a copy.
 */
export function wholeTakeSource(group: TakeGroup, chunks: readonly number[]): number {
  if (group.sources.length !== 1) return -1;
  const block = group.sources[0];
  if (group.local.length !== chunks[block]) return -1;
  return group.local.every((l, k) => l === k) ? block : -1;
}
