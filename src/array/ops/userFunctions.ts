/**
 * User functions that travel to the workers as source text (`map`, `mapBlocks`, `ds.applyAlongAxis`):
 * checked on the calling thread before any task is submitted (`functionSource`: an expression that a
 * worker can revive), and for `map` and `mapBlocks` given their values through an explicit context, since a
 * function's enclosing scope does not travel with its text.
 *
 * `checkTravels` revives the text in the global scope (as a worker does) and calls it once on a sample (0
 * for `map`, a 1 x 1 block for `mapBlocks`): a ReferenceError there is a variable from the enclosing scope,
 * reported with the way to pass it. Other errors of that call are left to the real run, which sees real
 * values.
 */
import { ArgumentError } from "../../core/errors.ts";
import { reviveFunction } from "../../core/kernels/structure/userFunction.ts";

/** Source text of a user function, checked to be a plain (arrow or function) expression we can ship. */
export function functionSource(op: string, fn: unknown): string {
  if (typeof fn !== "function") throw new ArgumentError(`${op}: expected a function but got ${typeof fn}`);
  const source = Function.prototype.toString.call(fn);
  if (source.includes("[native code]")) {
    throw new ArgumentError(
      `${op}: built-in and bound functions cannot travel to workers; wrap it: (v) => Math.abs(v)`,
    );
  }
  revived(op, source);
  return source;
}

/** The function of `source` as a worker revives it; not an expression (method shorthand) is refused here. */
function revived(op: string, source: string): (...args: unknown[]) => unknown {
  let fn: unknown;
  try {
    fn = reviveFunction(source);
  } catch {
    fn = undefined;
  }
  if (typeof fn !== "function") {
    throw new ArgumentError(
      `${op}: the function must be an arrow or function expression, got: ${source.slice(0, 80)}`,
    );
  }
  return fn as (...args: unknown[]) => unknown;
}

/**
 * Calls the function of `source`, revived as on a worker, with `call`'s sample arguments: a ReferenceError
 * is a variable from the enclosing scope (see the file's comment), refused with `usage` as the way out.
 *
 * @example
 * ```ts
 * const k = 2;
 * checkTravels("map", functionSource("map", (v) => v * k), (f) => f(0), "x.map((v, c) => v * c.k, { k })");
 * // throws ArgumentError: map: the function uses "k" from its enclosing scope, ...
 * ```
 */
export function checkTravels(
  op: string,
  source: string,
  call: (f: (...args: unknown[]) => unknown) => unknown,
  usage: string,
): void {
  const fn = revived(op, source);
  try {
    call(fn);
  } catch (e) {
    if (!(e instanceof ReferenceError)) return;
    const name = /^(\S+) is not defined/.exec(e.message)?.[1];
    throw new ArgumentError(
      `${op}: the function uses ${name === undefined ? "a variable" : `"${name}"`} from its enclosing scope, which does not travel to the workers (a function goes as its source text); pass values in the context instead: ${usage}`,
      { cause: e },
    );
  }
}

/**
 * A JavaScript literal of a context value (numbers, strings, booleans, null, arrays and plain objects of
 * those): exact for every double, NaN, ±Infinity and -0 included, unlike JSON.
 *
 * @example
 * ```ts
 * contextLiteral("map", { k: 2, w: [1, NaN] }); // '{"k": 2, "w": [1, NaN]}'
 * ```
 */
export function contextLiteral(op: string, value: unknown, path = "context"): string {
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  if (typeof value === "string" || typeof value === "boolean" || value === null) return JSON.stringify(value);
  if (Array.isArray(value))
    return `[${value.map((v, k) => contextLiteral(op, v, `${path}[${k}]`)).join(", ")}]`;
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const fields = Object.entries(value as Record<string, unknown>).map(
      ([key, v]) => `${JSON.stringify(key)}: ${contextLiteral(op, v, `${path}.${key}`)}`,
    );
    return `{${fields.join(", ")}}`;
  }
  throw new ArgumentError(
    `${op}: ${path} must hold numbers, strings, booleans, null, arrays and plain objects (it travels to the workers as text) but is ${value === undefined ? "undefined" : typeof value === "object" ? (value.constructor?.name ?? "an object") : typeof value}`,
  );
}

/**
 * The source of a function that calls `source` with its own argument and the context, built once per
 * thread: `(v) => f(v, context)`.
 */
export function withContext(source: string, literal: string): string {
  return `(() => { const f = (${source}); const context = ${literal}; return (v) => f(v, context); })()`;
}
