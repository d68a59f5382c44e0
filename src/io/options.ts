/**
 * Option checks shared by the io functions (datasets, loaders, writers). Every message names the function, the option and the
 * value received; unknown option names are rejected (a misspelt `n_samples` must not silently become the
 * default).
 */
import { ArgumentError } from "../core/errors.ts";
import { normalizeBlockSize, type Shape } from "../array/blockGrid.ts";

/** Values of about this many doubles (4 MiB) per block when the caller gives no `blockSize`. */
const DEFAULT_BLOCK_VALUES = 2 ** 19;

/** A user's options object read field by field. */
export type RawOptions = Readonly<Record<string, unknown>>;

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
    throw new ArgumentError(`${op}: options must be an object but was ${JSON.stringify(options)}`);
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
    throw new ArgumentError(`${op}: ${name} must be an integer ${range} but was ${JSON.stringify(v)}`);
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
    throw new ArgumentError(`${op}: ${name} must be a finite number >= ${min} but was ${JSON.stringify(v)}`);
  }
  return v;
}

/**
 * The `seed` option: any safe integer; 0 when absent, so that datasets are reproducible by default.
 *
 * @example
 * ```ts
 * seedOption("makeBlobs", {}); // 0
 * ```
 */
export function seedOption(op: string, options: RawOptions): number {
  const v = options.seed ?? 0;
  if (typeof v !== "number" || !Number.isSafeInteger(v)) {
    throw new ArgumentError(`${op}: seed must be an integer but was ${JSON.stringify(v)}`);
  }
  return v;
}

/**
 * The `blockSize` option of an `rows` x `cols` sample matrix; by default whole rows, about 4 MiB per block.
 *
 * @example
 * ```ts
 * blockSizeOption("makeBlobs", {}, 100, 2); // [100, 2]
 * blockSizeOption("mnist", {}, 8000, 784); // [668, 784]
 * ```
 */
export function blockSizeOption(op: string, options: RawOptions, rows: number, cols: number): Shape {
  const shape: Shape = [rows, cols];
  if (options.blockSize === undefined) {
    return [Math.max(1, Math.min(rows, Math.floor(DEFAULT_BLOCK_VALUES / Math.max(1, cols)))), cols];
  }
  return normalizeBlockSize(op, shape, options.blockSize);
}

/**
 * A loader's `blockSize`: two positive integers, each clipped to the array's size (the caller cannot know a
 * file's row count in advance); by default whole rows, about 4 MiB per block.
 *
 * @example
 * ```ts
 * loaderBlockSize("ds.loadTxt", [1000, 50], [300, 20]); // [300, 20]
 * loaderBlockSize("ds.loadTxt", undefined, [300, 20]); // [300, 20]
 * ```
 */
export function loaderBlockSize(op: string, blockSize: unknown, shape: Shape): Shape {
  if (blockSize === undefined) {
    const rows = Math.floor(DEFAULT_BLOCK_VALUES / Math.max(1, shape[1]));
    return [Math.max(1, Math.min(shape[0], rows)), Math.max(1, shape[1])];
  }
  const [rows, cols] = normalizeBlockSize(op, [0, 0], blockSize);
  return [Math.max(1, Math.min(rows, shape[0])), Math.max(1, Math.min(cols, shape[1]))];
}
