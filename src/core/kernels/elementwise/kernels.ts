import type { Kernel } from "../registry.ts";
import { evaluateProgram } from "./evaluate.ts";

/** `elementwise.fused`: one pass over the output block. */
export const fusedElementwise: Kernel<"elementwise.fused"> = (inputs, { program, rows, cols }, outputs) => {
  const out = outputs.take(0, rows, cols);
  evaluateProgram(
    program,
    inputs.map((m) => m.data),
    out.data,
    rows,
    cols,
  );
  return [out];
};
