import { Matrix } from "../../matrix.ts";
import type { Kernel } from "../registry.ts";
import { compileProgram } from "./compile.ts";

/** `elementwise.fused`: one pass over the output block. */
export const fusedElementwise: Kernel<"elementwise.fused"> = (inputs, { program, rows, cols }) => {
  const out = Matrix.zeros(rows, cols);
  compileProgram(program)(
    inputs.map((m) => m.data),
    out.data,
    rows,
    cols,
  );
  return [out];
};
