/**
 * User functions travel to workers as source text (like `map`'s). This revives such a text into a function,
 * once per source per thread. Only the global scope is visible to it, plus the names passed in `scope`.
 */
import { Matrix } from "../../matrix.ts";

const cache = new Map<string, unknown>();

/**
 * The function whose source is `source` (an arrow or function expression). `Matrix` is in scope, so that a
 * user function can build a block: `(b) => Matrix.zeros(b.rows, b.cols)`.
 *
 * @example
 * ```ts
 * const f = reviveFunction("(v) => v * 2") as (v: number) => number;
 * f(3); // 6
 * ```
 */
export function reviveFunction(source: string): unknown {
  let fn = cache.get(source);
  if (fn === undefined) {
    // The text is the user's own function, which the user asked us to run.
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const make = new Function("Matrix", `"use strict"; return (${source});`) as (
      matrix: typeof Matrix,
    ) => unknown;
    fn = make(Matrix);
    cache.set(source, fn);
  }
  return fn;
}
