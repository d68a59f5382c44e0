/**
 * Lowers an elementwise program to the native VM's bytecode (native/src/dsfabric_vm.h; the numbers here must
 * match it). The VM runs a program over tiles of a few hundred values: each instruction is one loop over the
 * tile from operand slots into a register tile, so only the inputs and the output touch memory.
 *
 * Slots: inputs [0, nInputs), constants, registers, then OUT (the output tile). Registers are allocated
 * like a stack machine's: a node's destination is taken before its operands' registers are released, so an
 * instruction never reads the register it writes (the VM's loops rely on it), and the register count is
 * about the tree's depth.
 */
import type { BinaryOp, ElementwiseExpr, ElementwiseProgram, InputLayout, UnaryOp } from "./program.ts";

/** Bytecode of one program: `code` (header, layouts, instructions) and the constants it reads. */
export interface Bytecode {
  readonly code: Int32Array;
  readonly consts: Float64Array;
}

export const BYTECODE_VERSION = 1;
const HEADER = 6;
const INSTR_WIDTH = 5;

const layoutCode: Record<InputLayout, number> = { full: 0, row: 1, col: 2, scalar: 3 };

const unaryCode: Record<UnaryOp, number> = { neg: 1, abs: 2, sqrt: 3, exp: 4, log: 5, sign: 6 };

const binaryCode: Record<BinaryOp, number> = {
  add: 16,
  sub: 17,
  mul: 18,
  div: 19,
  pow: 20,
  minimum: 21,
  maximum: 22,
  eq: 23,
  ne: 24,
  lt: 25,
  le: 26,
  gt: 27,
  ge: 28,
};

const WHERE = 32;

function hasCall(expr: ElementwiseExpr): boolean {
  switch (expr.kind) {
    case "input":
    case "number":
      return false;
    case "unary":
      return hasCall(expr.arg);
    case "binary":
      return hasCall(expr.left) || hasCall(expr.right);
    case "where":
      return hasCall(expr.cond) || hasCall(expr.then) || hasCall(expr.otherwise);
    case "call":
      return true;
  }
}

/** Constants keyed so that -0 and 0 stay apart and every NaN is one constant. */
function constKey(value: number): string {
  return Object.is(value, -0) ? "-0" : String(value);
}

function collectConsts(expr: ElementwiseExpr, into: Map<string, number>, values: number[]): void {
  switch (expr.kind) {
    case "number":
      if (!into.has(constKey(expr.value))) {
        into.set(constKey(expr.value), values.length);
        values.push(expr.value);
      }
      return;
    case "unary":
      return collectConsts(expr.arg, into, values);
    case "binary":
      collectConsts(expr.left, into, values);
      return collectConsts(expr.right, into, values);
    case "where":
      collectConsts(expr.cond, into, values);
      collectConsts(expr.then, into, values);
      return collectConsts(expr.otherwise, into, values);
    default:
      return;
  }
}

/** Emits instructions in post-order, allocating registers from a free list. */
class Emitter {
  readonly ins: number[] = [];
  private readonly free: number[] = [];
  private regCount = 0;

  constructor(
    private readonly layouts: readonly InputLayout[],
    private readonly constSlots: ReadonlyMap<string, number>,
  ) {}

  get regs(): number {
    return this.regCount;
  }

  private get reg0(): number {
    return this.layouts.length + this.constSlots.size;
  }

  /** OUT's slot; only known once every register is allocated. */
  outSlot(): number {
    return this.reg0 + this.regCount;
  }

  /** Returns the slot holding expr's value; `root` writes OUT (marked -1 until patched). */
  emit(expr: ElementwiseExpr, root: boolean): number {
    switch (expr.kind) {
      case "input":
        if (!Number.isInteger(expr.index) || expr.index < 0 || expr.index >= this.layouts.length)
          throw new Error(`elementwise program reads input ${expr.index} but has ${this.layouts.length}`);
        return expr.index;
      case "number":
        return this.layouts.length + (this.constSlots.get(constKey(expr.value)) ?? 0);
      case "unary": {
        const op = unaryCode[expr.op];
        if (op === undefined) throw new Error(`unknown unary elementwise op "${expr.op}"`);
        return this.op(op, [this.emit(expr.arg, false)], root);
      }
      case "binary": {
        const op = binaryCode[expr.op];
        if (op === undefined) throw new Error(`unknown binary elementwise op "${expr.op}"`);
        return this.op(op, [this.emit(expr.left, false), this.emit(expr.right, false)], root);
      }
      case "where": {
        const args = [expr.cond, expr.then, expr.otherwise].map((e) => this.emit(e, false));
        return this.op(WHERE, args, root);
      }
      case "call":
        throw new Error("dsfabric internal error: call nodes have no bytecode");
    }
  }

  private op(code: number, args: number[], root: boolean): number {
    const dst = root ? -1 : this.alloc();
    for (const a of args) if (a >= this.reg0) this.free.push(a - this.reg0);
    this.ins.push(code, dst, args[0] ?? 0, args[1] ?? 0, args[2] ?? 0);
    return dst;
  }

  private alloc(): number {
    return this.reg0 + (this.free.pop() ?? this.regCount++);
  }
}

/**
 * Lowers a program to bytecode, or returns undefined when it calls a user function (those run only in
 * JavaScript). Throws on an unknown op or an input index without a layout, as `compileProgram` does.
 *
 * @example
 * ```ts
 * const x = { kind: "input", index: 0 } as const;
 * const b = lowerProgram({ expr: { kind: "binary", op: "mul", left: x, right: { kind: "number", value: 2 } },
 *   layouts: ["full"], functions: [] });
 * // b.code = [1, 1, 1, 0, 1, 2,  0,  18, 2, 0, 1, 0]  (mul: OUT = slot 0 * slot 1), b.consts = [2]
 * ```
 */
export function lowerProgram(program: ElementwiseProgram): Bytecode | undefined {
  if (hasCall(program.expr)) return undefined;
  const slots = new Map<string, number>();
  const values: number[] = [];
  collectConsts(program.expr, slots, values);
  const emitter = new Emitter(program.layouts, slots);
  let result = emitter.emit(program.expr, true);
  const out = emitter.outSlot();
  const ins = emitter.ins;
  if (result === -1) {
    ins[ins.length - INSTR_WIDTH + 1] = out;
    result = out;
  }
  const nIns = ins.length / INSTR_WIDTH;
  const header = [BYTECODE_VERSION, program.layouts.length, values.length, emitter.regs, nIns, result];
  const code = new Int32Array(HEADER + program.layouts.length + ins.length);
  code.set(header, 0);
  program.layouts.forEach((layout, k) => {
    const c = layoutCode[layout];
    if (c === undefined) throw new Error(`unknown elementwise input layout "${layout}" for input ${k}`);
    code[HEADER + k] = c;
  });
  code.set(ins, HEADER + program.layouts.length);
  return { code, consts: Float64Array.from(values) };
}

const cache = new WeakMap<ElementwiseProgram, Bytecode | null>();

/**
 * `lowerProgram`, cached per program object: the runtime hands every block of one operation the same
 * program, so it is lowered once. Null in the cache remembers "has a call node".
 *
 * @example
 * ```ts
 * programBytecode(program) === programBytecode(program); // true: the same Bytecode object
 * ```
 */
export function programBytecode(program: ElementwiseProgram): Bytecode | undefined {
  let hit = cache.get(program);
  if (hit === undefined) {
    hit = lowerProgram(program) ?? null;
    cache.set(program, hit);
  }
  return hit ?? undefined;
}
