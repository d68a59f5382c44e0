import type { Block } from "../core/block.ts";
import type { CsrMatrix } from "../core/csrMatrix.ts";
import type { Matrix } from "../core/matrix.ts";
import { RuntimeStateError } from "../core/errors.ts";
import { assert } from "../core/assert.ts";
import type { ElementwiseExpr } from "../core/kernels/elementwise/program.ts";
import { waitAll, type BlockRef } from "../runtime/blockRef.ts";
import { gather, gatherSparse } from "./gather.ts";
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
 * `await x.collect()` waits for them and gathers one dense `Matrix`. A sparse array (`DsArray<CsrMatrix>`,
 * `x.sparse`) has CSR blocks and collects to a `CsrMatrix`; operations that cannot keep it sparse work on
 * its dense form and give dense results, as scipy does.
 *
 * @example
 * ```ts
 * const x = ds.random([1000, 50], { blockSize: [100, 50], seed: 1 });
 * x.shape;     // [1000, 50]
 * x.nBlocks;   // [10, 1]
 * const total = await x.sum();
 * ```
 */
export class DsArray<B extends Block = Matrix> {
  readonly grid: BlockGrid;
  /** Set while an elementwise expression is pending (no block submitted yet). */
  private pendingExpr: PendingElementwise | undefined;
  /** Block futures; `undefined` cells belong to a pending chain and are submitted when first asked for. */
  private cells: (BlockRef | undefined)[][] | undefined;
  private submitted = 0;
  private submitBlock: ((i: number, j: number) => BlockRef) | undefined;
  private disposed = false;
  private readonly sparseBlocks: boolean;

  private constructor(
    grid: BlockGrid,
    cells: (BlockRef | undefined)[][],
    pending: PendingElementwise | undefined,
    submitBlock: ((i: number, j: number) => BlockRef) | undefined,
    sparse = false,
  ) {
    this.sparseBlocks = sparse;
    this.grid = grid;
    this.cells = cells;
    this.pendingExpr = pending;
    this.submitBlock = submitBlock;
    if (submitBlock === undefined) this.submitted = grid.rowChunks.length * grid.colChunks.length;
  }

  /** An array over existing block futures; `refs[i][j]` must have the grid's shape for block (i, j). */
  static fromBlocks(grid: BlockGrid, refs: readonly (readonly BlockRef[])[]): DsArray {
    return DsArray.over(grid, refs, false);
  }

  /** A sparse array over existing futures of CSR blocks. */
  static fromSparseBlocks(grid: BlockGrid, refs: readonly (readonly BlockRef[])[]): DsArray<CsrMatrix> {
    return DsArray.over<CsrMatrix>(grid, refs, true);
  }

  /** An array of the same kind (dense or sparse) as `model` over existing block futures. */
  static like<T extends Block>(
    model: DsArray<T>,
    grid: BlockGrid,
    refs: readonly (readonly BlockRef[])[],
  ): DsArray<T> {
    return DsArray.over<T>(grid, refs, model.sparse);
  }

  private static over<T extends Block>(
    grid: BlockGrid,
    refs: readonly (readonly BlockRef[])[],
    sparse: boolean,
  ): DsArray<T> {
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
    for (const row of refs) for (const ref of row) ref.hold();
    return new DsArray<T>(
      grid,
      refs.map((row) => [...row]),
      undefined,
      undefined,
      sparse,
    );
  }

  /**
   * An array whose blocks are submitted when first needed (an elementwise chain awaiting fusion), one at a
   * time: slicing a pending chain computes only the blocks the slice reads.
   */
  static deferred(
    grid: BlockGrid,
    pending: PendingElementwise,
    submitBlock: (i: number, j: number) => BlockRef,
  ): DsArray {
    const cells = grid.rowChunks.map(() => grid.colChunks.map((): BlockRef | undefined => undefined));
    return new DsArray(grid, cells, pending, submitBlock);
  }

  /**
   * The elementwise expression still waiting to be fused into a later operation, or undefined. Dropped
   * at the first submission, so that an array does not keep the arrays it was computed from alive.
   */
  get pending(): PendingElementwise | undefined {
    return this.pendingExpr;
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

  /** Whether the blocks are sparse (CSR). */
  get sparse(): boolean {
    return this.sparseBlocks;
  }

  /**
   * True once any block has been submitted (always, except for a pending elementwise chain). A later
   * elementwise operation reads a submitted array's blocks instead of merging its expression.
   */
  get isSubmitted(): boolean {
    return this.submitted > 0;
  }

  private liveCells(): (BlockRef | undefined)[][] {
    if (this.disposed || this.cells === undefined) {
      throw new RuntimeStateError("this DsArray was disposed; its blocks are gone");
    }
    return this.cells;
  }

  /** The future of block (i, j), submitting it first if it belongs to a pending chain. */
  block(i: number, j: number): BlockRef {
    const cells = this.liveCells();
    let ref = cells[i][j];
    if (ref === undefined) {
      assert(this.submitBlock !== undefined, () => `block (${i}, ${j}) has neither a future nor a task`);
      ref = this.submitBlock(i, j);
      ref.hold();
      cells[i][j] = ref;
      this.submitted++;
      this.pendingExpr = undefined;
      if (this.submitted === this.grid.rowChunks.length * this.grid.colChunks.length) {
        this.submitBlock = undefined;
      }
    }
    return ref;
  }

  /** Every block future, submitting what is still pending. */
  blocks(): BlockRef[][] {
    const cells = this.liveCells();
    if (this.submitBlock !== undefined) cells.forEach((row, i) => row.forEach((_, j) => this.block(i, j)));
    return cells as BlockRef[][];
  }

  /** Waits until every block is computed, without gathering; resolves to this array. */
  async persist(): Promise<this> {
    await waitAll(this.blocks().flat());
    return this;
  }

  /** Waits for every block and gathers them into one matrix (a `CsrMatrix` for a sparse array). */
  async collect(): Promise<B> {
    const refs = this.blocks().flat();
    await waitAll(refs);
    const blocks = refs.map((r) => r.value as Block);
    const gridCols = this.nBlocks[1];
    blocks.forEach((b, k) => {
      const i = Math.floor(k / gridCols);
      const j = k % gridCols;
      assert(
        b.rows === this.grid.rowChunks[i] && b.cols === this.grid.colChunks[j],
        () =>
          `block (${i}, ${j}) is ${b.rows}x${b.cols} but the grid declares ${this.grid.rowChunks[i]}x${this.grid.colChunks[j]}`,
      );
    });
    // Always a new matrix: the caller may write to it without touching the array's blocks.
    if (this.sparseBlocks) return gatherSparse(this.grid, refs) as B;
    return (await gather(this.grid, refs)) as B;
  }

  /** The values as nested arrays (gathers first). */
  async toArray(): Promise<number[][]> {
    return (await this.collect()).toArray();
  }

  /** Drops this array's references to its blocks; memory is freed once no other array shares them. */
  dispose(): void {
    if (this.disposed) return;
    for (const row of this.cells ?? []) for (const ref of row) ref?.drop();
    this.disposed = true;
    this.cells = undefined;
    this.submitBlock = undefined;
  }
}

/** The methods DsArray defines itself (every one handles sparse arrays): captured before any is attached. */
export const OWN_METHODS: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(DsArray.prototype));
