// Lowering of elementwise programs to the VM's bytecode, and the addon's own checks of bytecode it is handed
// (it must throw, never read or write outside its arrays, whatever the bytes say).
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  BYTECODE_VERSION,
  lowerProgram,
  programBytecode,
} from "../../src/core/kernels/elementwise/bytecode.ts";
import type { ElementwiseExpr, ElementwiseProgram } from "../../src/core/kernels/elementwise/program.ts";
import { native, nativeSkip as skip } from "../support/streamBackends.ts";
import { programArb } from "../support/elementwisePrograms.ts";

const x: ElementwiseExpr = { kind: "input", index: 0 };
const two: ElementwiseExpr = { kind: "number", value: 2 };

test("x * 2 lowers to one instruction writing OUT, with 2 as the only constant", () => {
  const b = lowerProgram({
    expr: { kind: "binary", op: "mul", left: x, right: two },
    layouts: ["full"],
    functions: [],
  });
  assert.ok(b !== undefined);
  assert.deepEqual(Array.from(b.code), [BYTECODE_VERSION, 1, 1, 0, 1, 2, 0, 18, 2, 0, 1, 0]);
  assert.deepEqual(Array.from(b.consts), [2]);
});

test("constants are shared by value, keeping -0, 0 and NaN apart from each other", () => {
  const n = (value: number): ElementwiseExpr => ({ kind: "number", value });
  const add = (left: ElementwiseExpr, right: ElementwiseExpr): ElementwiseExpr => ({
    kind: "binary",
    op: "add",
    left,
    right,
  });
  const expr = add(add(n(0), n(-0)), add(add(n(NaN), n(NaN)), add(n(0), n(2))));
  const b = lowerProgram({ expr, layouts: [], functions: [] });
  assert.ok(b !== undefined);
  assert.deepEqual(Array.from(b.consts).map(String), ["0", "0", "NaN", "2"]);
  assert.ok(Object.is(b.consts[1], -0));
});

test("random programs: registers are never read before written, nor by the instruction writing them", () => {
  fc.assert(
    fc.property(programArb(6), (program) => {
      const b = lowerProgram(program);
      assert.ok(b !== undefined);
      const [, nIn, nK, nReg, nIns, result] = b.code;
      const reg0 = nIn + nK;
      const out = reg0 + nReg;
      const written = new Set<number>();
      for (let k = 0; k < nIns; k++) {
        const [op, dst, ...args] = b.code.subarray(6 + nIn + 5 * k, 11 + nIn + 5 * k);
        const arity = op === 32 ? 3 : op >= 16 ? 2 : 1;
        for (const a of args.slice(0, arity)) {
          assert.ok(a < reg0 || written.has(a), `instruction ${k} reads ${a} before it is written`);
          assert.notEqual(a, dst, `instruction ${k} reads its destination`);
        }
        assert.ok(dst >= reg0 && (dst < out || k === nIns - 1));
        written.add(dst);
      }
      assert.ok(result < reg0 || written.has(result));
    }),
    { numRuns: 300, seed: 7 },
  );
});

test("a deep chain needs two registers, not one per node", () => {
  let expr: ElementwiseExpr = x;
  for (let k = 0; k < 200; k++)
    expr = { kind: "binary", op: "add", left: { kind: "unary", op: "neg", arg: expr }, right: x };
  const b = lowerProgram({ expr, layouts: ["full"], functions: [] });
  assert.ok(b !== undefined && b.code[3] <= 2, `registers: ${b?.code[3]}`);
});

test("programs with a user function have no bytecode; bytecode is cached per program object", () => {
  const call: ElementwiseProgram = {
    expr: { kind: "call", fn: 0, arg: x },
    layouts: ["full"],
    functions: ["(v) => v"],
  };
  assert.equal(lowerProgram(call), undefined);
  assert.equal(programBytecode(call), undefined);
  const program: ElementwiseProgram = {
    expr: { kind: "unary", op: "sqrt", arg: x },
    layouts: ["full"],
    functions: [],
  };
  assert.equal(programBytecode(program), programBytecode(program));
  assert.notEqual(programBytecode(program), programBytecode({ ...program }));
  assert.throws(
    () => lowerProgram({ expr: { kind: "input", index: 1 }, layouts: ["full"], functions: [] }),
    /reads input 1 but has 1/,
  );
});

test("the addon rejects malformed bytecode and short arrays with a RangeError", { skip }, () => {
  const kernels = native; // a local const, so the check below narrows it inside the closures too
  if (kernels === undefined) return;
  const range = (message: RegExp) => ({ name: "RangeError", message });
  const ok = lowerProgram({
    expr: { kind: "binary", op: "add", left: x, right: two },
    layouts: ["full"],
    functions: [],
  });
  assert.ok(ok !== undefined);
  const run = (
    code: Int32Array,
    inputs = [new Float64Array(4)],
    out = new Float64Array(4),
    consts = ok.consts,
  ) => kernels.evalProgram(code, consts, inputs, 2, 2, out);
  run(ok.code);
  const patched = (at: number, value: number) => {
    const c = ok.code.slice();
    c[at] = value;
    return c;
  };
  assert.throws(() => run(patched(0, 99)), range(/version/));
  assert.throws(() => run(patched(7, 99)), range(/unknown opcode/));
  assert.throws(() => run(patched(9, 7)), range(/slot out of range/)); // operand past the registers
  assert.throws(() => run(patched(8, 1)), range(/writes outside the registers/)); // dst = the constant's slot
  assert.throws(() => run(patched(6, 9)), range(/unknown input layout/));
  assert.throws(() => run(ok.code.subarray(0, 8)), range(/length/));
  assert.throws(() => run(ok.code, [new Float64Array(3)]), range(/'inputs\[0\]' has 3 values but needs 4/));
  assert.throws(() => run(ok.code, [new Float64Array(4)], new Float64Array(3)), range(/'out' has 3 values/));
  assert.throws(() => run(ok.code, [], new Float64Array(4)), range(/input count/));
  assert.throws(
    () => run(ok.code, [new Float64Array(4)], new Float64Array(4), new Float64Array(0)),
    /constant count/,
  );
  const readsReg = Int32Array.from([BYTECODE_VERSION, 1, 0, 1, 1, 2, 0, 1, 2, 1, 0, 0]);
  assert.throws(
    () =>
      kernels.evalProgram(readsReg, new Float64Array(0), [new Float64Array(4)], 2, 2, new Float64Array(4)),
    /reads a slot|before writing/,
  );
  assert.throws(
    () => kernels.evalProgramSum(ok.code, ok.consts, [new Float64Array(4)], 2, 2, 0, 0, new Float64Array(1)),
    /'totals' has 1 values but needs 2/,
  );
});
