import { Matrix } from "../matrix.ts";

/**
 * Where a kernel gets its output blocks. The runtime hands each task buffers recycled from its block pool
 * (so that a steady loop of operations touches no new pages); a kernel asks for output `k` by shape. A
 * recycled buffer holds old values: `take` is for kernels that write every element, `zeros` for kernels
 * that accumulate. A request whose shape differs from what was supplied gets a fresh block.
 *
 * @example
 * ```ts
 * const kernel: Kernel<"block.transpose"> = ([m], _attrs, out) => {
 *   const t = out.take(0, m.cols, m.rows); // every element is written below
 *   transposeRect(m.data, 0, m.cols, t.data, 0, m.rows, m.rows, m.cols);
 *   return [t];
 * };
 * ```
 */
export interface BlockOutputs {
  /** Output `k` as a `rows` x `cols` block with unspecified contents: the kernel must write every element. */
  take(k: number, rows: number, cols: number): Matrix;
  /** Output `k` as a zero-filled `rows` x `cols` block. */
  zeros(k: number, rows: number, cols: number): Matrix;
}

/** Outputs from fresh shared memory (already zero): for kernels called outside the runtime, such as tests. */
export const freshOutputs: BlockOutputs = {
  take: (_k, rows, cols) => Matrix.zeros(rows, cols),
  zeros: (_k, rows, cols) => Matrix.zeros(rows, cols),
};

/**
 * Outputs from supplied blocks: `supplied[k]` serves output `k` when the shape matches, once; anything else
 * gets fresh memory. `fresh[k]` says whether a supplied block is known to be all zeros (never used yet).
 */
export class SuppliedOutputs implements BlockOutputs {
  private readonly supplied: (Matrix | undefined)[];
  private readonly fresh: readonly boolean[];

  constructor(supplied: readonly Matrix[], fresh: readonly boolean[]) {
    this.supplied = [...supplied];
    this.fresh = fresh;
  }

  take(k: number, rows: number, cols: number): Matrix {
    const m = this.supplied[k];
    if (m === undefined || m.rows !== rows || m.cols !== cols) return Matrix.zeros(rows, cols);
    this.supplied[k] = undefined;
    return m;
  }

  zeros(k: number, rows: number, cols: number): Matrix {
    const m = this.supplied[k];
    if (m === undefined || m.rows !== rows || m.cols !== cols) return Matrix.zeros(rows, cols);
    this.supplied[k] = undefined;
    if (this.fresh[k] !== true) m.data.fill(0);
    return m;
  }
}
