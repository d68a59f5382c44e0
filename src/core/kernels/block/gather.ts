import type { Kernel } from "../registry.ts";
import { copyRect } from "./copy.ts";

/**
 * `block.gather`: copies blocks into their places in a destination, its first input, and returns an empty
 * block as the sign that it is done. The one kernel that writes into an input: the destination is a
 * gather's own result, which no one else can read until every gather task has finished, and writing it
 * in place lets the workers share the copy at memory speed instead of the main thread doing it alone.
 */
export const gatherKernel: Kernel<"block.gather"> = ([dest, ...blocks], { places }, outputs) => {
  blocks.forEach((b, k) => {
    const offset = places[2 * k] * dest.cols + places[2 * k + 1];
    copyRect(b.data, 0, b.cols, dest.data, offset, dest.cols, b.rows, b.cols);
  });
  return [outputs.take(0, 0, 0)];
};
