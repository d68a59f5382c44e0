import { isSparse, type Block } from "../core/block.ts";
import type { Matrix } from "../core/matrix.ts";

/** Where a block's memory goes back when the runtime knows no one can read it any more. */
export interface BlockReleaser {
  release(m: Matrix): void;
}

let nextBlockId = 1;

/** Told when a block it listens to is computed or fails (a task waiting for inputs, a `waitAll`). */
export interface BlockListener {
  blockDone(ref: BlockRef): void;
  blockFailed(ref: BlockRef, error: Error): void;
}

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

const PENDING = 0;
const DONE = 1;
const FAILED = 2;

/** Failures travel down the task graph through this queue, not recursion, so deep graphs cannot overflow the stack. */
const failures: { ref: BlockRef; error: Error }[] = [];
let draining = false;

/**
 * A future of one block: its declared shape is known at once; the block arrives with `resolve` (or the
 * failure of the task that makes it, or of any task it depends on, with `reject`). Completion costs no
 * promise: listeners are called directly, and `ready` makes a promise only for code that awaits one.
 * `home` is the worker that computed the block, which the scheduler uses to place tasks next to inputs.
 *
 * @example
 * ```ts
 * const ref = BlockRef.of(Matrix.fromArray([[1, 2]]));
 * ref.isDone; // true
 * (await ref.ready).get(0, 1); // 2
 * ```
 */
export class BlockRef {
  readonly id = nextBlockId++;
  readonly rows: number;
  readonly cols: number;
  /** The block once computed; undefined before. */
  value: Block | undefined;
  /** The failure, once failed. */
  error: Error | undefined;
  /** Index of the worker that computed the block, or -1 (main thread, or not yet computed). */
  home = -1;
  private state: 0 | 1 | 2 = PENDING;
  /** Arrays that hold this block and tasks that will read it: at zero after a drop, the memory is free. */
  private holders = 0;
  private readers = 0;
  private dropped = false;
  private releaser: BlockReleaser | undefined;
  private listeners: BlockListener[] | undefined;
  private promise: Promise<Block> | undefined;

  constructor(rows: number, cols: number) {
    this.rows = rows;
    this.cols = cols;
  }

  /** A block that is already computed (made on the main thread). */
  static of(m: Block): BlockRef {
    const ref = new BlockRef(m.rows, m.cols);
    ref.value = m;
    ref.state = DONE;
    return ref;
  }

  get bytes(): number {
    return this.rows * this.cols * 8;
  }

  get isPending(): boolean {
    return this.state === PENDING;
  }

  get isDone(): boolean {
    return this.state === DONE;
  }

  get isFailed(): boolean {
    return this.state === FAILED;
  }

  /** The failure of a failed block. */
  failure(): Error {
    return this.error ?? new Error("dsfabric internal error: block failed without an error");
  }

  /** Calls `listener` once when the block is computed or fails; the caller checks `isPending` first. */
  listen(listener: BlockListener): void {
    (this.listeners ??= []).push(listener);
  }

  /** The computed block as a promise (made on first use). */
  get ready(): Promise<Block> {
    if (this.promise === undefined) {
      if (this.state === DONE && this.value === undefined) {
        return Promise.reject(new Error("dsfabric: this block was released (its array was disposed)"));
      }
      if (this.state === DONE) this.promise = Promise.resolve(this.value as Block);
      else if (this.state === FAILED) this.promise = Promise.reject(this.failure());
      else {
        this.promise = new Promise<Block>((resolve, reject) =>
          this.listen({ blockDone: (r) => resolve(r.value as Block), blockFailed: (_, e) => reject(e) }),
        );
      }
    }
    return this.promise;
  }

  /** An array now holds this block. */
  hold(): void {
    this.holders++;
  }

  /**
   * An array that held this block was disposed. When no other array holds it and no task will read it,
   * its memory goes back to the block pool at once instead of waiting for the garbage collector.
   */
  drop(): void {
    this.holders--;
    this.dropped = true;
    this.releaseIfFree();
  }

  /** A task will read this block (counted until `readDone`). */
  read(): void {
    this.readers++;
  }

  readDone(): void {
    this.readers--;
    this.releaseIfFree();
  }

  private releaseIfFree(): void {
    if (!this.dropped || this.holders > 0 || this.readers > 0 || this.state !== DONE) return;
    const m = this.value;
    this.value = undefined;
    this.promise = undefined;
    // Sparse blocks are sized by their contents: they are not pooled.
    if (m !== undefined && !isSparse(m)) this.releaser?.release(m);
    this.releaser = undefined;
  }

  /** Records the computed block; `releaser` takes its memory back once it is known to be dead. */
  resolve(m: Block, home: number, releaser?: BlockReleaser): void {
    if (this.state !== PENDING) return;
    this.value = m;
    this.home = home;
    this.releaser = releaser;
    this.state = DONE;
    const listeners = this.listeners;
    this.listeners = undefined;
    if (listeners !== undefined) for (const l of listeners) l.blockDone(this);
    this.releaseIfFree(); // every array holding it was disposed before it was computed
  }

  reject(error: unknown): void {
    failures.push({ ref: this, error: asError(error) });
    if (draining) return;
    draining = true;
    try {
      for (let k = 0; k < failures.length; k++) failures[k].ref.fail(failures[k].error);
    } finally {
      failures.length = 0;
      draining = false;
    }
  }

  private fail(error: Error): void {
    if (this.state !== PENDING) return;
    this.error = error;
    this.state = FAILED;
    const listeners = this.listeners;
    this.listeners = undefined;
    if (listeners !== undefined) for (const l of listeners) l.blockFailed(this, error);
  }
}

/**
 * Resolves when every block is computed, or rejects with the first failure; one promise for the lot.
 *
 * @example
 * ```ts
 * await waitAll(x.blocks().flat());
 * ```
 */
export function waitAll(refs: readonly BlockRef[]): Promise<void> {
  let remaining = 0;
  for (const ref of refs) {
    if (ref.isFailed) return Promise.reject(ref.failure());
    if (ref.isPending) remaining++;
  }
  if (remaining === 0) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const listener: BlockListener = {
      blockDone: () => {
        if (--remaining === 0 && !settled) {
          settled = true;
          resolve();
        }
      },
      blockFailed: (_, error) => {
        if (settled) return;
        settled = true;
        reject(error);
      },
    };
    for (const ref of refs) if (ref.isPending) ref.listen(listener);
  });
}
