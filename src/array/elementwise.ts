/**
 * Elementwise operations and their fusion. An elementwise result is a pending expression over "leaf"
 * arrays; a later elementwise operation on it merges the expression instead of reading its blocks, so a
 * chain such as `sqrt((x + y) * 2)` becomes one task per block that reads x and y once and writes once.
 * The chain is submitted when something else (a reduction, a gather, a slice) asks for its blocks.
 */
import type { Block } from "../core/block.ts";
import { ShapeError } from "../core/errors.ts";
import type {
  ElementwiseExpr,
  ElementwiseProgram,
  InputLayout,
} from "../core/kernels/elementwise/program.ts";
import type { BlockRef } from "../runtime/blockRef.ts";
import { engine } from "../runtime/runtime.ts";
import { type BlockGrid, type Shape } from "./blockGrid.ts";
import { DsArray, type PendingElementwise } from "./dsArray.ts";
import { rechunkTo } from "./rechunk.ts";

/**
 * A number, or an array broadcastable against the others (same shape, 1 x m row, n x 1 column, 1 x 1). A
 * sparse array is an operand too: operations without a sparse case see its dense form (methods/index.ts).
 */
export type Operand = number | DsArray<Block>;

/** An operand as the elementwise engine sees it: sparse arrays already made dense. */
export type DenseOperand = number | DsArray;

/** Past this many expression nodes a pending operand is submitted instead of merged (bounds code size). */
const MAX_FUSED_NODES = 64;

function nodeCount(e: ElementwiseExpr): number {
  switch (e.kind) {
    case "input":
    case "number":
      return 1;
    case "unary":
    case "call":
      return 1 + nodeCount(e.arg);
    case "binary":
      return 1 + nodeCount(e.left) + nodeCount(e.right);
    case "where":
      return 1 + nodeCount(e.cond) + nodeCount(e.then) + nodeCount(e.otherwise);
  }
}

function describe(operands: readonly DenseOperand[]): string {
  return operands.map((o) => (typeof o === "number" ? "scalar" : `[${o.shape.join(", ")}]`)).join(" and ");
}

/** NumPy broadcasting of 2-D shapes; throws a ShapeError naming the operation and every shape. */
export function broadcastShape(op: string, operands: readonly DenseOperand[]): Shape {
  const arrays = operands.filter((o): o is DsArray => typeof o !== "number");
  const shape: Shape = [1, 1];
  for (const axis of [0, 1] as const) {
    const dims = arrays.map((a) => a.shape[axis]);
    const big = dims.filter((d) => d !== 1);
    if (big.some((d) => d !== big[0])) {
      throw new ShapeError(
        `${op}: operands could not be broadcast together with shapes ${describe(operands)} (axis ${axis}: ${dims.join(" vs ")}; each must be equal or 1)`,
      );
    }
    shape[axis] = big.length > 0 ? big[0] : dims.length > 0 ? 1 : 1;
  }
  return shape;
}

/** The result's chunks: taken from the first operand that spans each axis in full. */
function resultGrid(shape: Shape, arrays: readonly DsArray[]): BlockGrid {
  const pick = (axis: 0 | 1): readonly number[] => {
    const full = arrays.find((a) => a.shape[axis] === shape[axis]);
    if (full === undefined) return [shape[axis]];
    return axis === 0 ? full.grid.rowChunks : full.grid.colChunks;
  };
  return { shape, rowChunks: pick(0), colChunks: pick(1) };
}

/** Collects leaves (deduplicated) and user functions while building one merged expression. */
class ExpressionBuilder {
  readonly leaves: DsArray[] = [];
  readonly functions: string[] = [];
  private readonly grid: BlockGrid;

  constructor(grid: BlockGrid) {
    this.grid = grid;
  }

  leaf(x: DsArray): ElementwiseExpr {
    let index = this.leaves.indexOf(x);
    if (index < 0) index = this.leaves.push(x) - 1;
    return { kind: "input", index };
  }

  function(source: string): number {
    let index = this.functions.indexOf(source);
    if (index < 0) index = this.functions.push(source) - 1;
    return index;
  }

  /** An operand as an expression: merged if it is a pending chain on the same grid, else a leaf. */
  operand(o: DenseOperand, op: string): ElementwiseExpr {
    if (typeof o === "number") return { kind: "number", value: o };
    const p = o.pending;
    if (p !== undefined && !o.isSubmitted && nodeCount(p.expr) < MAX_FUSED_NODES) {
      // A pending chain on the same blocking merges; one that reads no array (ds.full) merges whatever its
      // shape, since it is the same value everywhere.
      if (p.leaves.length === 0 || sameBlocking(o.grid, this.grid)) return this.inline(p);
    }
    return this.leaf(this.align(o, op));
  }

  private inline(p: PendingElementwise): ElementwiseExpr {
    const leafMap = p.leaves.map((x) => this.leaf(x));
    const fnMap = p.functions.map((f) => this.function(f));
    const remap = (e: ElementwiseExpr): ElementwiseExpr => {
      switch (e.kind) {
        case "input":
          return leafMap[e.index];
        case "number":
          return e;
        case "unary":
          return { ...e, arg: remap(e.arg) };
        case "call":
          return { kind: "call", fn: fnMap[e.fn], arg: remap(e.arg) };
        case "binary":
          return { ...e, left: remap(e.left), right: remap(e.right) };
        case "where":
          return { kind: "where", cond: remap(e.cond), then: remap(e.then), otherwise: remap(e.otherwise) };
      }
    };
    return remap(p.expr);
  }

  /** Rechunks a leaf so that each axis it spans in full has the result's chunks. */
  private align(x: DsArray, op: string): DsArray {
    const rows = x.shape[0] === this.grid.shape[0] ? this.grid.rowChunks : x.grid.rowChunks;
    const cols = x.shape[1] === this.grid.shape[1] ? this.grid.colChunks : x.grid.colChunks;
    return rechunkTo(x, rows, cols, op);
  }
}

function sameBlocking(a: BlockGrid, b: BlockGrid): boolean {
  const same = (x: readonly number[], y: readonly number[]) =>
    x.length === y.length && x.every((c, k) => c === y[k]);
  return same(a.rowChunks, b.rowChunks) && same(a.colChunks, b.colChunks);
}

function layoutOf(leaf: DsArray, shape: Shape): InputLayout {
  const rowsMatch = leaf.shape[0] === shape[0];
  const colsMatch = leaf.shape[1] === shape[1];
  if (rowsMatch && colsMatch) return "full";
  if (colsMatch) return "row";
  if (rowsMatch) return "col";
  return "scalar";
}

/** A pending expression ready to run: its program (one object for every block) and each block's inputs. */
export interface FusedPlan {
  program: ElementwiseProgram;
  /** The input blocks of output block (i, j), aligned as the program's layouts say. */
  inputsOf: (i: number, j: number) => BlockRef[];
}

function planOf(grid: BlockGrid, pending: PendingElementwise): FusedPlan {
  const layouts = pending.leaves.map((leaf) => layoutOf(leaf, grid.shape));
  const program = { expr: pending.expr, layouts, functions: [...pending.functions] };
  const inputsOf = (i: number, j: number): BlockRef[] =>
    pending.leaves.map((leaf, k) => {
      const layout = layouts[k];
      const bi = layout === "full" || layout === "col" ? i : 0;
      const bj = layout === "full" || layout === "row" ? j : 0;
      return leaf.block(bi, bj);
    });
  return { program, inputsOf };
}

/**
 * The plan of `x` when it is an elementwise chain of which no block has been submitted, so that a
 * consumer (a sum) can run the chain inside its own tasks and never store its values; else undefined.
 */
export function pendingPlan(x: DsArray): FusedPlan | undefined {
  const pending = x.pending;
  return pending === undefined ? undefined : planOf(x.grid, pending);
}

/** A function that submits the fused task of one block of a pending expression. */
function fusedBlockSubmitter(
  op: string,
  grid: BlockGrid,
  pending: PendingElementwise,
): (i: number, j: number) => BlockRef {
  const { program, inputsOf } = planOf(grid, pending);
  // One attributes object per block shape: the runtime sends an object it has seen before as a number.
  const attrsByShape = new Map<string, { program: ElementwiseProgram; rows: number; cols: number }>();
  return (i, j) => {
    const inputs = inputsOf(i, j);
    const rows = grid.rowChunks[i];
    const cols = grid.colChunks[j];
    const shape = `${rows}x${cols}`;
    let attrs = attrsByShape.get(shape);
    if (attrs === undefined) attrsByShape.set(shape, (attrs = { program, rows, cols }));
    return engine().submit({
      op,
      kernel: "elementwise.fused",
      attrs,
      inputs,
      outputs: [[rows, cols]],
      blockIndex: [i, j],
    })[0];
  };
}

/**
 * The elementwise operation `build(operands...)`, broadcast as in NumPy, as a pending fused expression.
 * `functions` are user function sources referenced by `call` nodes that `build` creates (index 0, 1, ...).
 */
export function elementwise(
  op: string,
  operands: readonly DenseOperand[],
  build: (args: ElementwiseExpr[], fn: (source: string) => number) => ElementwiseExpr,
): DsArray {
  const shape = broadcastShape(op, operands);
  const arrays = operands.filter((o): o is DsArray => typeof o !== "number");
  const grid = resultGrid(shape, arrays);
  const builder = new ExpressionBuilder(grid);
  const args = operands.map((o) => builder.operand(o, op));
  const expr = build(args, (source) => builder.function(source));
  const pending: PendingElementwise = { expr, leaves: builder.leaves, functions: builder.functions };
  return DsArray.deferred(grid, pending, fusedBlockSubmitter(op, grid, pending));
}

/** An array whose every element is `value`, as a pending expression (free to fuse into what uses it). */
export function constantArray(grid: BlockGrid, value: number, op: string): DsArray {
  const pending: PendingElementwise = { expr: { kind: "number", value }, leaves: [], functions: [] };
  return DsArray.deferred(grid, pending, fusedBlockSubmitter(op, grid, pending));
}
