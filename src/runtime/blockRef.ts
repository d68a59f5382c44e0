import type { Matrix } from "../core/matrix.ts";

let nextBlockId = 1;

/**
 * A future of one block: its declared shape is known at once; `ready` resolves to the computed block (or
 * rejects with the failure of the task that makes it, or of any task it depends on). `home` is the worker
 * that computed it, which the scheduler uses to place tasks next to their inputs.
 */
export class BlockRef {
  readonly id = nextBlockId++;
  readonly rows: number;
  readonly cols: number;
  readonly ready: Promise<Matrix>;
  /** The block once computed; undefined before. */
  value: Matrix | undefined;
  /** Index of the worker that computed the block, or -1 (main thread, or not yet computed). */
  home = -1;

  constructor(rows: number, cols: number, ready: Promise<Matrix>) {
    this.rows = rows;
    this.cols = cols;
    this.ready = ready.then((m) => {
      this.value = m;
      return m;
    });
    // Failures are reported to whoever awaits the block; an unawaited failure must not crash the process.
    this.ready.catch(() => undefined);
  }

  /** A block that is already computed (made on the main thread). */
  static of(m: Matrix): BlockRef {
    const ref = new BlockRef(m.rows, m.cols, Promise.resolve(m));
    ref.value = m;
    return ref;
  }

  get bytes(): number {
    return this.rows * this.cols * 8;
  }
}
