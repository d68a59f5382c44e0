import { Matrix } from "../../matrix.ts";
import type { Kernel } from "../registry.ts";
import { reviveFunction } from "./userFunction.ts";

/**
 * Writes `result` (a number when `length` is 1, or `length` numbers) to `out` at `out[offset + t * stride]`;
 * throws naming the line when the function's result does not have the length learnt from the probe.
 */
export function writeLineResult(
  result: unknown,
  length: number,
  out: Float64Array,
  offset: number,
  stride: number,
  line: string,
): void {
  if (typeof result === "number") {
    if (length !== 1) {
      throw new Error(`applyAlongAxis: fn returned a number for ${line} but ${length} values for the probe`);
    }
    out[offset] = result;
    return;
  }
  const values = result as ArrayLike<unknown> | null;
  if (values === null || typeof values !== "object" || typeof values.length !== "number") {
    throw new Error(
      `applyAlongAxis: fn must return a number or an array of numbers but returned ${typeof result} for ${line}`,
    );
  }
  if (values.length !== length) {
    throw new Error(
      `applyAlongAxis: fn returned ${values.length} values for ${line} but ${length} for the probe`,
    );
  }
  for (let t = 0; t < length; t++) {
    const v = values[t];
    if (typeof v !== "number")
      throw new Error(`applyAlongAxis: fn returned a ${typeof v} at position ${t} for ${line}`);
    out[offset + t * stride] = v;
  }
}

/**
 * A user function applied to every column (axis 0) or row (axis 1) of a strip of blocks: for axis 0 the
 * inputs are one column of blocks, top to bottom, and output column c holds fn(column c); for axis 1 the
 * inputs are one row of blocks, left to right, and output row r holds fn(row r).
 */
export const applyAlongAxisKernel: Kernel<"structure.applyAlongAxis"> = (
  inputs,
  { source, axis, length, lineOffset },
) => {
  const fn = reviveFunction(source) as (v: Float64Array) => unknown;
  if (axis === 0) {
    const width = inputs[0].cols;
    const height = inputs.reduce((s, b) => s + b.rows, 0);
    const out = Matrix.zeros(length, width);
    const line = new Float64Array(height);
    for (let c = 0; c < width; c++) {
      let r0 = 0;
      for (const b of inputs) {
        for (let r = 0; r < b.rows; r++) line[r0 + r] = b.data[r * width + c];
        r0 += b.rows;
      }
      writeLineResult(fn(line), length, out.data, c, width, `column ${lineOffset + c}`);
    }
    return [out];
  }
  const height = inputs[0].rows;
  const width = inputs.reduce((s, b) => s + b.cols, 0);
  const out = Matrix.zeros(height, length);
  const line = new Float64Array(width);
  for (let r = 0; r < height; r++) {
    let c0 = 0;
    for (const b of inputs) {
      line.set(b.data.subarray(r * b.cols, (r + 1) * b.cols), c0);
      c0 += b.cols;
    }
    writeLineResult(fn(line), length, out.data, r * length, 1, `row ${lineOffset + r}`);
  }
  return [out];
};
