/**
 * scikit-learn's `ParameterGrid`: every combination of the listed values, in scikit-learn's order (for each
 * grid of a list, the names sorted, the last name varying fastest), so that candidate i here is candidate
 * i of scikit-learn's `cv_results_["params"]`.
 */
import { ArgumentError } from "../../core/errors.ts";
import { describeValue } from "../../core/options.ts";

/** Parameter values by option name: each name lists the values to try. */
export type ParamGrid = Readonly<Record<string, readonly unknown[]>>;

/** One candidate: a value per option name. */
export type Params = Record<string, unknown>;

/**
 * The candidates of one grid, or of a list of grids one after the other. A grid `{}` is one candidate with
 * no parameters (the base estimator), as in scikit-learn; an empty list, a name with no values, or a grid
 * that is not an object of arrays is an error.
 *
 * @example
 * ```ts
 * parameterGrid({ b: [1, 2], a: [true, false] });
 * // [{ a: true, b: 1 }, { a: true, b: 2 }, { a: false, b: 1 }, { a: false, b: 2 }]
 * ```
 */
export function parameterGrid(op: string, grid: ParamGrid | readonly ParamGrid[]): Params[] {
  const grids: readonly unknown[] = Array.isArray(grid) ? grid : [grid];
  if (grids.length === 0) {
    throw new ArgumentError(`${op}: paramGrid is an empty list; give at least one grid of option values`);
  }
  const out: Params[] = [];
  grids.forEach((g, k) => {
    const where = Array.isArray(grid) ? `paramGrid[${k}]` : "paramGrid";
    if (typeof g !== "object" || g === null || Array.isArray(g)) {
      throw new ArgumentError(
        `${op}: ${where} must be an object of option name -> values to try but was ${describeValue(g)}`,
      );
    }
    const entries = Object.entries(g as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    for (const [name, values] of entries) {
      if (!Array.isArray(values) || values.length === 0) {
        throw new ArgumentError(
          `${op}: ${where}.${name} must be a non-empty array of values to try but was ${describeValue(values)}`,
        );
      }
    }
    // Odometer over the value lists, last name fastest (itertools.product's order).
    const counters = entries.map(() => 0);
    for (;;) {
      out.push(
        Object.fromEntries(entries.map(([name, values], i) => [name, (values as unknown[])[counters[i]]])),
      );
      let i = entries.length - 1;
      while (i >= 0 && ++counters[i] === (entries[i][1] as unknown[]).length) counters[i--] = 0;
      if (i < 0) break;
    }
  });
  return out;
}
