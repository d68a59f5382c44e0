/**
 * Approximate agreement with a reference, the one check every parity test makes: each value within
 * `rel` of the reference's largest magnitude (at least 1), so tiny entries of a large vector are held to
 * the precision the vector as a whole can have.
 */
import assert from "node:assert/strict";

/**
 * Asserts `got` matches `want` entry by entry within `rel * max(1, max |want|)`, naming `what` and the index.
 *
 * @example
 * ```ts
 * assertClose([1, 2.0000001], [1, 2], 1e-6, "coef"); // passes
 * ```
 */
export function assertClose(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  rel: number,
  what: string,
): void {
  assert.equal(got.length, want.length, `${what}: length`);
  let scale = 1;
  for (let k = 0; k < want.length; k++) scale = Math.max(scale, Math.abs(want[k]));
  for (let k = 0; k < want.length; k++) {
    assert.ok(Math.abs(got[k] - want[k]) <= rel * scale, `${what}[${k}]: ${got[k]} vs ${want[k]}`);
  }
}
