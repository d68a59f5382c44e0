/**
 * What crosses the thread boundary between the pool and its workers. Tasks travel in batches (one message
 * for many small tasks); blocks travel as typed arrays over SharedArrayBuffers (no copy); attribute objects
 * shared by many tasks (a fused program) travel once per worker and are then named by number.
 */
import { Matrix } from "../core/matrix.ts";

/** A block as it crosses a thread boundary: the typed array on a SharedArrayBuffer travels without a copy. */
export interface WireMatrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

/** An error as it crosses a thread boundary (Error subclasses do not survive structured clone). */
export interface WireError {
  name: string;
  message: string;
  stack: string | undefined;
}

/**
 * A block of pooled memory: slab `slab` from element `offset`. The slab's buffer travels the first time a
 * worker meets it (`sab`); after that the worker finds it in its table by id.
 */
export interface WireSlabBlock {
  rows: number;
  cols: number;
  slab: number;
  offset: number;
  sab: SharedArrayBuffer | undefined;
}

/** A block on its way to a worker: pooled memory by slab, anything else as its typed array. */
export type WireBlock = WireMatrix | WireSlabBlock;

export interface WireTask {
  kernel: string;
  /** The attributes, less the fields listed in `shared`. */
  attrs: Record<string, unknown>;
  /** Values to add to the worker's table of shared values first, in order. */
  definitions: SharedDefinitions | undefined;
  /** Attribute fields resolved from that table: [field, id] pairs. */
  shared: [string, number][] | undefined;
  inputs: WireBlock[];
  /** Output blocks to write into, and whether each is known to be all zeros. */
  outputs: WireBlock[];
  fresh: boolean[];
}

/** Values that later tasks name by id: [id, value] pairs, to be added to the worker's table in order. */
export type SharedDefinitions = [number, unknown][];

export interface BatchRequest {
  batch: number;
  tasks: WireTask[];
  /** Slabs the pool let go: the worker drops them from its table first. */
  forget: number[] | undefined;
  /**
   * Set when those slabs add up to enough memory that the worker should collect its garbage at once: a
   * worker allocates little, so its collector would otherwise keep the dead buffers' memory for long.
   */
  collect: boolean;
}

/** A worker's table of the pool's slabs, by id. */
export class SlabTable {
  private readonly slabs = new Map<number, SharedArrayBuffer>();

  block(w: WireBlock): Matrix {
    if (!("slab" in w)) return fromWire(w);
    let sab = w.sab;
    if (sab !== undefined) this.slabs.set(w.slab, sab);
    else sab = this.slabs.get(w.slab);
    if (sab === undefined)
      throw new Error(`dsfabric internal error: slab ${w.slab} is not in the worker's table`);
    return new Matrix(w.rows, w.cols, new Float64Array(sab, w.offset * 8, w.rows * w.cols));
  }

  forget(ids: readonly number[]): void {
    for (const id of ids) this.slabs.delete(id);
  }
}

/**
 * An output as the worker returns it. A block that lives in memory the main thread handed over (a
 * supplied output, or an input returned as it is) comes back as a reference, so that the main thread keeps
 * using its own objects for that memory (the block pool depends on it); anything else travels as a block.
 */
export type WireOutput =
  { from: "output" | "input"; index: number; offset: number; rows: number; cols: number } | WireMatrix;

export type WireResult = { ok: true; outputs: WireOutput[] } | { ok: false; error: WireError };

export interface BatchReply {
  batch: number;
  results: WireResult[];
}

export function toWire(m: Matrix): WireMatrix {
  return { rows: m.rows, cols: m.cols, data: m.data };
}

export function fromWire(w: WireMatrix): Matrix {
  return new Matrix(w.rows, w.cols, w.data);
}

/** Moves a block into shared memory if a kernel produced it elsewhere, so that later hand-offs stay copy-free. */
export function shared(m: Matrix): Matrix {
  if (m.data.buffer instanceof SharedArrayBuffer) return m;
  const copy = Matrix.zeros(m.rows, m.cols);
  copy.data.set(m.data);
  return copy;
}

/** How a worker describes an output: by reference into memory the main thread owns, else the block itself. */
export function outputToWire(m: Matrix, inputs: readonly Matrix[], supplied: readonly Matrix[]): WireOutput {
  const refer = (from: "output" | "input", list: readonly Matrix[]): WireOutput | undefined => {
    for (let k = 0; k < list.length; k++) {
      const base = list[k].data;
      if (base.buffer !== m.data.buffer) continue;
      const offset = (m.data.byteOffset - base.byteOffset) / 8;
      return { from, index: k, offset, rows: m.rows, cols: m.cols };
    }
    return undefined;
  };
  return refer("output", supplied) ?? refer("input", inputs) ?? toWire(shared(m));
}

/** The main thread's block for a worker's output: its own objects for memory it handed over. */
export function outputFromWire(
  w: WireOutput,
  inputs: readonly Matrix[],
  supplied: readonly Matrix[],
): Matrix {
  if (!("from" in w)) return fromWire(w);
  const base = w.from === "output" ? supplied[w.index] : inputs[w.index];
  if (w.offset === 0 && base.rows === w.rows && base.cols === w.cols) return base;
  const data = new Float64Array(base.data.buffer, base.data.byteOffset + w.offset * 8, w.rows * w.cols);
  return new Matrix(w.rows, w.cols, data);
}

export function errorToWire(e: unknown): WireError {
  if (e instanceof Error) return { name: e.name, message: e.message, stack: e.stack };
  return { name: "Error", message: String(e), stack: undefined };
}

export function errorFromWire(w: WireError): Error {
  const e = new Error(w.message);
  e.name = w.name;
  if (w.stack !== undefined) e.stack = w.stack;
  return e;
}
