/**
 * The batch messages between the pool and a worker, flat: a batch of small tasks is a handful of arrays, not
 * a dozen objects per task, because structured clone pays per object and per property name. Blocks are
 * four numbers each: where the memory is (a pool slab by id, or an index into the batch's typed arrays),
 * the element offset, rows and cols. A sparse block is its one buffer as an `Int32Array` in those arrays
 * (`CsrMatrix.raw`), a dense one a `Float64Array`. The reply says per output whether it is one of the blocks the main
 * thread handed over (so the main thread keeps using its own objects for that memory; the block pool
 * depends on it) or new memory.
 */
import { isSparse, type Block } from "../core/block.ts";
import { CsrMatrix } from "../core/csrMatrix.ts";
import { Matrix } from "../core/matrix.ts";
import type { EncodedAttrs } from "./sharedValues.ts";
import { shared, sharedSparse, type WireError } from "./wire.ts";

export interface BatchRequest {
  batch: number;
  kernels: string[];
  /** Per task: its attributes (less shared fields), or the id of a shared attributes object. */
  attrs: (Record<string, unknown> | number)[];
  /** [task index, shared fields, definitions] for the tasks that have either. */
  extras: [number, EncodedAttrs["fields"], EncodedAttrs["definitions"]][];
  /** Per task: input count, output count, then 4 numbers per block (inputs, then outputs to write into). */
  blocks: Float64Array;
  /** Per output: 1 when the block is known to be all zeros (never used). */
  fresh: Uint8Array;
  /** Memory outside the pool, referenced from `blocks` as -1 - index: dense values, or a sparse block's buffer. */
  arrays: (Float64Array | Int32Array)[];
  /** Pool slabs this worker meets for the first time. */
  slabs: [number, SharedArrayBuffer][];
  /** Slabs the pool let go: the worker drops them from its table first. */
  forget: number[] | undefined;
  /**
   * Set when those slabs add up to enough memory that the worker should collect its garbage at once: a
   * worker allocates little, so its collector would otherwise keep the dead buffers' memory for long.
   */
  collect: boolean;
}

/** Where a block lives: a pool slab's id and the block's element offset in it, or undefined (elsewhere). */
export type SlabLookup = (m: Matrix) => { slab: number; offset: number } | undefined;

/** A block from memory that crossed in a message: a sparse block's buffer or dense values. */
function blockOf(rows: number, cols: number, array: Float64Array | Int32Array): Block {
  return array instanceof Int32Array ? CsrMatrix.fromRaw(rows, cols, array) : new Matrix(rows, cols, array);
}

/** Builds one batch on the main thread. */
export class BatchWriter {
  private readonly kernels: string[] = [];
  private readonly attrs: BatchRequest["attrs"] = [];
  private readonly extras: BatchRequest["extras"] = [];
  private readonly blocks: number[] = [];
  private readonly fresh: number[] = [];
  private readonly arrays: (Float64Array | Int32Array)[] = [];
  readonly slabs: [number, SharedArrayBuffer][] = [];
  private readonly lookup: SlabLookup;

  constructor(lookup: SlabLookup) {
    this.lookup = lookup;
  }

  add(
    kernel: string,
    encoded: EncodedAttrs,
    inputs: readonly Block[],
    outputs: readonly Matrix[],
    fresh: readonly boolean[],
  ): void {
    const index = this.kernels.length;
    this.kernels.push(kernel);
    this.attrs.push(encoded.attrs);
    if (encoded.fields !== undefined || encoded.definitions !== undefined) {
      this.extras.push([index, encoded.fields, encoded.definitions]);
    }
    this.blocks.push(inputs.length, outputs.length);
    for (const m of inputs) this.block(m);
    for (const m of outputs) this.block(m);
    for (const f of fresh) this.fresh.push(f ? 1 : 0);
  }

  private block(m: Block): void {
    if (isSparse(m)) {
      this.blocks.push(-1 - this.arrays.length, 0, m.rows, m.cols);
      this.arrays.push(m.raw);
      return;
    }
    const at = this.lookup(m);
    if (at !== undefined) {
      this.blocks.push(at.slab, at.offset, m.rows, m.cols);
    } else {
      this.blocks.push(-1 - this.arrays.length, 0, m.rows, m.cols);
      this.arrays.push(m.data);
    }
  }

  finish(batch: number, forget: number[] | undefined, collect: boolean): BatchRequest {
    return {
      batch,
      kernels: this.kernels,
      attrs: this.attrs,
      extras: this.extras,
      blocks: Float64Array.from(this.blocks),
      fresh: Uint8Array.from(this.fresh),
      arrays: this.arrays,
      slabs: this.slabs,
      forget,
      collect,
    };
  }
}

/** One task of a batch as a worker runs it. */
export interface BatchTask {
  kernel: string;
  encoded: EncodedAttrs;
  inputs: Block[];
  supplied: Matrix[];
  fresh: boolean[];
}

/** A worker's table of the pool's slabs, by id. */
export class SlabTable {
  private readonly slabs = new Map<number, SharedArrayBuffer>();

  /** Reads the tasks of a batch, in order (after adding its new slabs). */
  read(request: BatchRequest): BatchTask[] {
    for (const [id, sab] of request.slabs) this.slabs.set(id, sab);
    const tasks: BatchTask[] = [];
    const { blocks } = request;
    let at = 0;
    let extra = 0;
    let freshAt = 0;
    const block = (): Block => {
      const where = blocks[at];
      const offset = blocks[at + 1];
      const rows = blocks[at + 2];
      const cols = blocks[at + 3];
      at += 4;
      if (where < 0) return blockOf(rows, cols, request.arrays[-1 - where]);
      const sab = this.slabs.get(where);
      if (sab === undefined)
        throw new Error(`dsfabric internal error: slab ${where} is not in the worker's table`);
      return new Matrix(rows, cols, new Float64Array(sab, offset * 8, rows * cols));
    };
    for (let k = 0; k < request.kernels.length; k++) {
      const nIn = blocks[at];
      const nOut = blocks[at + 1];
      at += 2;
      const inputs: Block[] = [];
      const supplied: Matrix[] = [];
      const fresh: boolean[] = [];
      for (let i = 0; i < nIn; i++) inputs.push(block());
      for (let o = 0; o < nOut; o++) {
        supplied.push(block() as Matrix);
        fresh.push(request.fresh[freshAt++] === 1);
      }
      const e = request.extras[extra];
      const encoded: EncodedAttrs = { attrs: request.attrs[k], fields: undefined, definitions: undefined };
      if (e !== undefined && e[0] === k) {
        encoded.fields = e[1];
        encoded.definitions = e[2];
        extra++;
      }
      tasks.push({ kernel: request.kernels[k], encoded, inputs, supplied, fresh });
    }
    return tasks;
  }

  forget(ids: readonly number[]): void {
    for (const id of ids) this.slabs.delete(id);
  }
}

/** Output kinds in a reply: a supplied output block, an input block, or new memory (in `arrays`). */
const SUPPLIED = 0;
const INPUT = 1;
const NEW = 2;

export interface BatchReply {
  batch: number;
  /** Per task: 1 and its output count, then 5 numbers per output (kind, index, offset, rows, cols); or 0 and an index into `errors`. */
  outputs: Float64Array;
  arrays: (Float64Array | Int32Array)[];
  errors: WireError[];
}

/** Builds a worker's reply to one batch. */
export class ReplyWriter {
  private readonly numbers: number[] = [];
  private readonly arrays: (Float64Array | Int32Array)[] = [];
  private readonly errors: WireError[] = [];

  ok(outputs: readonly Block[], inputs: readonly Block[], supplied: readonly Matrix[]): void {
    this.numbers.push(1, outputs.length);
    for (const m of outputs) {
      const refer = (kind: number, list: readonly Block[]): boolean => {
        for (let k = 0; k < list.length; k++) {
          const base = list[k].data;
          if (base.buffer !== m.data.buffer || isSparse(list[k]) !== isSparse(m)) continue;
          if (isSparse(m)) {
            this.numbers.push(kind, k, 0, m.rows, m.cols);
            return true;
          }
          this.numbers.push(kind, k, (m.data.byteOffset - base.byteOffset) / 8, m.rows, m.cols);
          return true;
        }
        return false;
      };
      if (refer(SUPPLIED, supplied) || refer(INPUT, inputs)) continue;
      this.numbers.push(NEW, this.arrays.length, 0, m.rows, m.cols);
      this.arrays.push(isSparse(m) ? sharedSparse(m).raw : shared(m).data);
    }
  }

  failed(error: WireError): void {
    this.numbers.push(0, this.errors.length);
    this.errors.push(error);
  }

  finish(batch: number): BatchReply {
    return { batch, outputs: Float64Array.from(this.numbers), arrays: this.arrays, errors: this.errors };
  }
}

/** One task's result as the main thread reads it from a reply. */
export type TaskOutcome = { ok: true; outputs: Block[] } | { ok: false; error: WireError };

/**
 * Reads a reply's results in task order; `inputs` and `supplied` are the main thread's own blocks of each
 * task, which outputs that live in that memory map back onto.
 */
export function readReply(
  reply: BatchReply,
  inputs: readonly (readonly Block[])[],
  supplied: readonly (readonly Matrix[])[],
): TaskOutcome[] {
  const n = reply.outputs;
  const outcomes: TaskOutcome[] = [];
  let at = 0;
  for (let k = 0; k < inputs.length; k++) {
    if (n[at] === 0) {
      outcomes.push({ ok: false, error: reply.errors[n[at + 1]] });
      at += 2;
      continue;
    }
    const count = n[at + 1];
    at += 2;
    const outputs: Block[] = [];
    for (let o = 0; o < count; o++, at += 5) {
      const [kind, index, offset, rows, cols] = [n[at], n[at + 1], n[at + 2], n[at + 3], n[at + 4]];
      if (kind === NEW) {
        outputs.push(blockOf(rows, cols, reply.arrays[index]));
        continue;
      }
      const base = (kind === SUPPLIED ? supplied[k] : inputs[k])[index];
      if (isSparse(base) || (offset === 0 && base.rows === rows && base.cols === cols)) outputs.push(base);
      else {
        const data = new Float64Array(base.data.buffer, base.data.byteOffset + offset * 8, rows * cols);
        outputs.push(new Matrix(rows, cols, data));
      }
    }
    outcomes.push({ ok: true, outputs });
  }
  return outcomes;
}
