/**
 * A fused elementwise program: an expression tree over input blocks, serialisable so that it travels to any
 * worker. The array layer builds it; `compileProgram` turns it into one loop over the block.
 */

export const unaryOps = ["neg", "abs", "sqrt", "exp", "log", "sign"] as const;
export type UnaryOp = (typeof unaryOps)[number];

export const binaryOps = [
  "add",
  "sub",
  "mul",
  "div",
  "pow",
  "minimum",
  "maximum",
  "eq",
  "ne",
  "lt",
  "le",
  "gt",
  "ge",
] as const;
export type BinaryOp = (typeof binaryOps)[number];

/** How an input block lines up with the output block (NumPy broadcasting of a 2-D operand). */
export type InputLayout = "full" | "row" | "col" | "scalar";

export type ElementwiseExpr =
  | { kind: "input"; index: number }
  | { kind: "number"; value: number }
  | { kind: "unary"; op: UnaryOp; arg: ElementwiseExpr }
  | { kind: "binary"; op: BinaryOp; left: ElementwiseExpr; right: ElementwiseExpr }
  | { kind: "where"; cond: ElementwiseExpr; then: ElementwiseExpr; otherwise: ElementwiseExpr }
  | { kind: "call"; fn: number; arg: ElementwiseExpr };

export interface ElementwiseProgram {
  expr: ElementwiseExpr;
  /** Layout of each input block, by input index. */
  layouts: InputLayout[];
  /** Source text of user functions (pure `(x: number) => number`), referenced by `call` nodes. */
  functions: string[];
}
