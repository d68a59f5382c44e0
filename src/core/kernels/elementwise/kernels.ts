import type { Kernel } from "../registry.ts";
import { compileProgram } from "./compile.ts";

/** `elementwise.fused`: one pass over the output block. */
export const fusedElementwise: Kernel<"elementwise.fused"> = (inputs, { program, rows, cols }, outputs) => {
  const out = outputs.take(0, rows, cols);
  compileProgram(program)(
    inputs.map((m) => m.data),
    out.data,
    rows,
    cols,
  );
  return [out];
};
