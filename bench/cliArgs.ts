/** Commander argument parsers shared by the benchmark scripts. */
import { InvalidArgumentError } from "commander";

/**
 * Parses a positive integer option.
 *
 * @example
 * ```ts
 * program.option("--repeats <n>", "timed repeats", positiveInt, 5);
 * ```
 */
export function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError("expected a positive integer");
  return n;
}

/**
 * Parses a positive finite number option.
 *
 * @example
 * ```ts
 * program.option("--window <s>", "virtual seconds per run", positiveNumber, 1);
 * ```
 */
export function positiveNumber(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("expected a positive number");
  return n;
}
