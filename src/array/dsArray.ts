import type { Matrix } from "../core/matrix.ts";
import { RuntimeStateError } from "../core/errors.ts";
import { assert } from "../core/assert.ts";
import type { ElementwiseExpr } from "../core/kernels/elementwise/program.ts";
import type { BlockRef } from "../runtime/blockRef.ts";
import { stitchBlocks } from "../core/kernels/block/stitch.ts";
import { nominalBlockSize, type BlockGrid, type Shape } from "./blockGrid.ts";

/**
 * An elementwise expression not yet submitted: the fusion module merges it into the expressions of later
 * elementwise operations, so that a chain becomes one task per block.
 */
export interface PendingElementwise {
  expr: ElementwiseExpr;
  /** The arrays read by `input` nodes, by index. */
  leaves: readonly DsArray[];
  /** Source text of user functions, by index. */
  functions: readonly string[];
}

/**
 * A 2-D array split into blocks that live on workers. Operations return new arrays at once, whose blocks
 * are futures of tasks already submitted (or, for elementwise chains, submitted when first consumed);
 * `await x.collect()` waits for them and gathers one dense `Matrix`.
 *
 * @example
 * ```ts
 * const x = ds.random([1000, 50], { blockSize: [100, 50], seed: 1 });
 * x.shape;     // [1000, 50]
 * x.nBlocks;   // [10, 1]
 * const total = await x.sum();
 * ```
 */
export class DsArray {
  readonly grid: BlockGrid;
  /** Set while an elementwise expression is pending (not yet submitted). */
  readonly pending: PendingElementwise | undefined;
  private refs: BlockRef[][] | undefined;
  private materialize: (() => BlockRef[][]) | undefined;
  private disposed = false;

  private constructor(
    grid: BlockGrid,
    refs: BlockRef[][] | undefined,
    pending: PendingElementwise | undefined,
    materialize: (() => BlockRef[][]) | undefined,
  ) {
    this.grid = grid;
    this.refs = refs;
    this.pending = pending;
    this.materialize = materialize;
  }

  /** An array over existing block futures; `refs[i][j]` must have the grid's shape for block (i, j). */
  static fromBlocks(grid: BlockGrid, refs: BlockRef[][]): DsArray {
    assert(
      refs.length === grid.rowChunks.length &&
        refs.every(
          (row, i) =>
            row.length === grid.colChunks.length &&
            row.every((r, j) => r.rows === grid.rowChunks[i] && r.cols === grid.colChunks[j]),
        ),
      () =>
        `block futures do not match the grid [${grid.rowChunks.join(",")}] x [${grid.colChunks.join(",")}]`,
    );
    return new DsArray(grid, refs, undefined, undefined);
  }

  /** An array whose blocks are submitted when first needed (an elementwise chain awaiting fusion). */
  static deferred(grid: BlockGrid, pending: PendingElementwise, materialize: () => BlockRef[][]): DsArray {
    return new DsArray(grid, undefined, pending, materialize);
  }

  get shape(): Shape {
    return [this.grid.shape[0], this.grid.shape[1]];
  }

  /** The regular block size; blocks at the edges (and of sliced arrays) may be smaller. */
  get blockSize(): Shape {
    return nominalBlockSize(this.grid);
  }

  get nBlocks(): Shape {
    return [this.grid.rowChunks.length, this.grid.colChunks.length];
  }

  /** Dense arrays only for now; sparse blocks (CsrMatrix) arrive with the svmlight loader. */
  get sparse(): boolean {
    return false;
  }

  /** True once the blocks have been submitted (always, except for a pending elementwise chain). */
  get isSubmitted(): boolean {
    return this.refs !== undefined;
  }

  /** The block futures, submitting a pending elementwise chain first. */
  blocks(): BlockRef[][] {
    if (this.disposed) throw new RuntimeStateError("this DsArray was disposed; its blocks are gone");
    if (this.refs === undefined) {
      assert(this.materialize !== undefined, () => "a DsArray with neither blocks nor a pending expression");
      this.refs = this.materialize();
      this.materialize = undefined;
    }
    return this.refs;
  }

  /** Waits until every block is computed, without gathering; resolves to this array. */
  async persist(): Promise<this> {
    await Promise.all(
      this.blocks()
        .flat()
        .map((r) => r.ready),
    );
    return this;
  }

  /** Waits for every block and gathers them into one dense matrix on the calling thread. */
  async collect(): Promise<Matrix> {
    const refs = this.blocks();
    const blocks = await Promise.all(refs.flat().map((r) => r.ready));
    const [gridRows, gridCols] = this.nBlocks;
    blocks.forEach((b, k) => {
      const i = Math.floor(k / gridCols);
      const j = k % gridCols;
      assert(
        b.rows === this.grid.rowChunks[i] && b.cols === this.grid.colChunks[j],
        () =>
          `block (${i}, ${j}) is ${b.rows}x${b.cols} but the grid declares ${this.grid.rowChunks[i]}x${this.grid.colChunks[j]}`,
      );
    });
    // Always a fresh matrix: the caller may write to it without touching the array's blocks.
    return stitchBlocks(blocks, gridRows, gridCols);
  }

  /** The values as nested arrays (gathers first). */
  async toArray(): Promise<number[][]> {
    return (await this.collect()).toArray();
  }

  /** Drops this array's references to its blocks; memory is freed once no other array shares them. */
  dispose(): void {
    this.disposed = true;
    this.refs = undefined;
    this.materialize = undefined;
  }
}
