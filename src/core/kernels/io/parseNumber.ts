/**
 * Decimal numbers from bytes, exactly as `Number(text)` would read them, without making a string for the
 * common case. A mantissa below 2^53 (every one of at most 15 significant digits, and most of 16: the
 * shortest spelling of a double, as Python and JavaScript print it, often has 16) is exact in a double, and
 * so is a power of ten up to 10^22, so with a decimal exponent within ±22 one multiplication or division
 * rounds correctly (Clinger's fast path); anything longer is checked here for syntax and then handed to
 * `Number`, which rounds correctly too.
 * NumPy's spellings of the special values are accepted: `nan`, `inf`, `infinity` in any case, with a sign.
 */

const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);
const MAX_FAST_DIGITS = 15;
/** Mantissas of 16 digits are exact when below this (the mantissa is built exactly up to it). */
const EXACT_INT_LIMIT = 2 ** 53;
const latin1 = new TextDecoder("latin1");

const ZERO = 48;
const DOT = 46;
const PLUS = 43;
const MINUS = 45;
const LOWER = 32; // ASCII letters: 'a' = 'A' | 32

/** Whether bytes [start, end) spell `word` (lower case) in any case. */
function spells(b: Uint8Array, start: number, end: number, word: string): boolean {
  if (end - start !== word.length) return false;
  for (let k = 0; k < word.length; k++) if ((b[start + k] | LOWER) !== word.charCodeAt(k)) return false;
  return true;
}

/**
 * The number that bytes [start, end) spell, or `undefined` when they are not a decimal number (the caller
 * trims blanks and quotes first). An empty range is not a number.
 *
 * @example
 * ```ts
 * const b = new TextEncoder().encode("-1.5e3,nan");
 * parseNumber(b, 0, 6); // -1500
 * parseNumber(b, 7, 10); // NaN
 * parseNumber(b, 0, 7); // undefined (the comma)
 * ```
 */
export function parseNumber(b: Uint8Array, start: number, end: number): number | undefined {
  let k = start;
  let negative = false;
  if (k < end && (b[k] === MINUS || b[k] === PLUS)) negative = b[k++] === MINUS;
  let mantissa = 0;
  let digits = 0; // significant digits kept in `mantissa` (leading zeros are not significant)
  let seen = 0; // digits of any kind in the mantissa
  let scale = 0; // power of ten to apply to `mantissa`
  for (; k < end; k++) {
    const d = b[k] - ZERO;
    if (d < 0 || d > 9) break;
    seen++;
    if (digits > 0 || d !== 0) {
      if (digits < MAX_FAST_DIGITS + 1) mantissa = mantissa * 10 + d;
      else scale++;
      digits++;
    }
  }
  const dot = k < end && b[k] === DOT;
  if (dot) {
    for (k++; k < end; k++) {
      const d = b[k] - ZERO;
      if (d < 0 || d > 9) break;
      seen++;
      if (digits > 0 || d !== 0) {
        if (digits < MAX_FAST_DIGITS + 1) {
          mantissa = mantissa * 10 + d;
          scale--;
        }
        digits++;
      } else scale--;
    }
  }
  if (seen === 0) return dot ? undefined : special(b, k, end, negative);
  if (k < end && (b[k] | LOWER) === 101 /* e */) {
    k++;
    let expNegative = false;
    if (k < end && (b[k] === MINUS || b[k] === PLUS)) expNegative = b[k++] === MINUS;
    const first = k;
    let exponent = 0;
    for (; k < end; k++) {
      const d = b[k] - ZERO;
      if (d < 0 || d > 9) break;
      if (exponent < 1e6) exponent = exponent * 10 + d;
    }
    if (k === first) return undefined;
    scale += expNegative ? -exponent : exponent;
  }
  if (k !== end) return undefined;
  let value: number;
  if (mantissa === 0) value = 0;
  else if (
    (digits <= MAX_FAST_DIGITS || (digits === MAX_FAST_DIGITS + 1 && mantissa < EXACT_INT_LIMIT)) &&
    scale >= -22 &&
    scale <= 22
  ) {
    // 16 digits: `mantissa` was built exactly while below 2^53, and a true value at or above 2^53 cannot
    // round to below it, so the test is exact.
    value = scale >= 0 ? mantissa * POW10[scale] : mantissa / POW10[-scale];
  } else {
    // Valid syntax that the fast path cannot round exactly: the engine's own conversion does.
    return Number(latin1.decode(b.subarray(start, end)));
  }
  return negative ? -value : value;
}

/**
 * Whether `parseNumber(b, start, end)` would give a number: the same syntax check, without the arithmetic
 * (for passes that only count values, such as the svmlight scan).
 *
 * @example
 * ```ts
 * const b = new TextEncoder().encode("2.5e-3 x");
 * isDecimal(b, 0, 6); // true
 * isDecimal(b, 7, 8); // false
 * ```
 */
export function isDecimal(b: Uint8Array, start: number, end: number): boolean {
  let k = start;
  if (k < end && (b[k] === MINUS || b[k] === PLUS)) k++;
  let seen = k;
  while (k < end && b[k] - ZERO >= 0 && b[k] - ZERO <= 9) k++;
  seen = k - seen;
  const dot = k < end && b[k] === DOT;
  if (dot) {
    const first = ++k;
    while (k < end && b[k] - ZERO >= 0 && b[k] - ZERO <= 9) k++;
    seen += k - first;
  }
  if (seen === 0) return !dot && special(b, k, end, false) !== undefined;
  if (k < end && (b[k] | LOWER) === 101 /* e */) {
    k++;
    if (k < end && (b[k] === MINUS || b[k] === PLUS)) k++;
    const first = k;
    while (k < end && b[k] - ZERO >= 0 && b[k] - ZERO <= 9) k++;
    if (k === first) return false;
  }
  return k === end;
}

/** NaN or ±Infinity for NumPy's spellings of them, else `undefined`. */
function special(b: Uint8Array, start: number, end: number, negative: boolean): number | undefined {
  if (spells(b, start, end, "nan")) return Number.NaN;
  if (spells(b, start, end, "inf") || spells(b, start, end, "infinity")) {
    return negative ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  return undefined;
}
