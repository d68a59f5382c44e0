/**
 * The one options checker: every public function that takes an options object reads it through these.
 * Unknown keys are rejected (a misspelt `n_samples` must not silently become the default), and every
 * message names the function, the option and the value received, in one line.
 */
import { ArgumentError } from "./errors.ts";

/** A user's options object, checked by `readOptions`, read field by field. */
export type RawOptions = Readonly<Record<string, unknown>>;

/**
 * A user's value as an error message shows it, in one short piece: numbers as JS prints them (NaN,
 * Infinity, -0 as 0), strings, arrays and plain objects as JSON (cut at 80 characters), anything else by
 * its kind ("a function", "a Float64Array", "a DsArray"). The one `describe` of the project.
 *
 * @example
 * ```ts
 * describeValue("2"); // '"2"'
 * describeValue(NaN); // "NaN"
 * describeValue(new Float64Array(2)); // "a Float64Array"
 * ```
 */
export function describeValue(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "function") return "a function";
  if (typeof v !== "object" || v === null) return String(v);
  const proto: unknown = Object.getPrototypeOf(v);
  if (Array.isArray(v) || proto === Object.prototype || proto === null) {
    try {
      const text = JSON.stringify(v, (_key, value: unknown) =>
        typeof value === "number" && !Number.isFinite(value) ? String(value) : value,
      );
      return text.length > 80 ? `${text.slice(0, 77)}...` : text;
    } catch {
      return Array.isArray(v) ? `an array of length ${v.length}` : "an object";
    }
  }
  const name = (v as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === "string" && name !== "" ? `a ${name}` : "an object";
}

/**
 * Checks that `options` is an object (or undefined) with only `known` keys.
 *
 * @example
 * ```ts
 * readOptions("makeBlobs", { nSamples: 10 }, ["nSamples", "seed"]); // { nSamples: 10 }
 * readOptions("makeBlobs", { n_samples: 10 }, ["nSamples"]); // throws ArgumentError: unknown option "n_samples"
 * ```
 */
export function readOptions(op: string, options: unknown, known: readonly string[]): RawOptions {
  if (options === undefined) return {};
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new ArgumentError(
      `${op}: options must be an object such as { ${known.join(", ")} } but was ${describeValue(options)}`,
    );
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new ArgumentError(`${op}: unknown option "${key}" (known options: ${known.join(", ")})`);
    }
  }
  return options as RawOptions;
}

/**
 * An integer option in [min, max], or its default when absent.
 *
 * @example
 * ```ts
 * intOption("makeBlobs", { nSamples: 5 }, "nSamples", 100, 1); // 5
 * intOption("makeBlobs", { nSamples: 0 }, "nSamples", 100, 1); // throws ArgumentError: nSamples must be an integer >= 1 but was 0
 * ```
 */
export function intOption(
  op: string,
  options: RawOptions,
  name: string,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const v = options[name] ?? fallback;
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new ArgumentError(`${op}: ${name} must be an integer ${range} but was ${describeValue(v)}`);
  }
  return v;
}

/**
 * A finite number option >= min, or its default when absent.
 *
 * @example
 * ```ts
 * numberOption("makeRegression", { noise: 0.5 }, "noise", 0, 0); // 0.5
 * ```
 */
export function numberOption(
  op: string,
  options: RawOptions,
  name: string,
  fallback: number,
  min: number,
): number {
  const v = options[name] ?? fallback;
  if (typeof v !== "number" || !Number.isFinite(v) || v < min) {
    throw new ArgumentError(`${op}: ${name} must be a finite number >= ${min} but was ${describeValue(v)}`);
  }
  return v;
}

/**
 * A finite number option > 0, or its default when absent.
 *
 * @example
 * ```ts
 * positiveOption("ds.svd", { tol: 1e-10 }, "tol", 1e-12); // 1e-10
 * ```
 */
export function positiveOption(op: string, options: RawOptions, name: string, fallback: number): number {
  const v = options[name] ?? fallback;
  if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) {
    throw new ArgumentError(`${op}: ${name} must be a positive number but was ${describeValue(v)}`);
  }
  return v;
}

/**
 * A boolean option, or its default when absent.
 *
 * @example
 * ```ts
 * booleanOption("PCA", { whiten: true }, "whiten", false); // true
 * booleanOption("PCA", { whiten: 1 }, "whiten", false); // throws ArgumentError: whiten must be true or false but was 1
 * ```
 */
export function booleanOption(op: string, options: RawOptions, name: string, fallback: boolean): boolean {
  const v = options[name] ?? fallback;
  if (typeof v !== "boolean") {
    throw new ArgumentError(`${op}: ${name} must be true or false but was ${describeValue(v)}`);
  }
  return v;
}

/**
 * A seed option (`seed`, `randomState`): a safe integer; 0 when absent, so that results are reproducible
 * by default.
 *
 * @example
 * ```ts
 * seedOption("makeBlobs", {}); // 0
 * seedOption("KFold", { randomState: 7 }, "randomState"); // 7
 * ```
 */
export function seedOption(op: string, options: RawOptions, name = "seed"): number {
  const v = options[name] ?? 0;
  if (typeof v !== "number" || !Number.isSafeInteger(v)) {
    throw new ArgumentError(`${op}: ${name} must be an integer but was ${describeValue(v)}`);
  }
  return v;
}
