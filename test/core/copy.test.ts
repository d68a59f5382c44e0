// copyRect and transposeRect on both backends against naive loops, with random offsets and strides; bad
// arguments throw dsfabric errors before any native code runs. The native half is skipped only when the
// addon is not built (the skip message says why).
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { copyRect, transposeRect } from "../../src/core/kernels/block/copy.ts";
import { ArgumentError, IndexError } from "../../src/core/errors.ts";
import { backends } from "../support/streamBackends.ts";
import { fillValues } from "../support/elementwisePrograms.ts";

/** A rectangle of rows x cols inside arrays with random offsets and strides (a stride >= its line length). */
const caseArb = fc.record({
  rows: fc.oneof(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 60, max: 140 })),
  cols: fc.oneof(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 60, max: 140 })),
  srcOffset: fc.nat(9),
  dstOffset: fc.nat(9),
  srcPad: fc.nat(5),
  dstPad: fc.nat(5),
  tail: fc.nat(4),
  shared: fc.boolean(),
  seed: fc.nat(),
});

/** Room for lines x length at offset with stride, plus `tail` values; NaN-poisoned so stray writes show. */
function poisoned(
  lines: number,
  stride: number,
  offset: number,
  length: number,
  tail: number,
  shared: boolean,
) {
  const n = offset + (lines > 0 ? (lines - 1) * stride + length : 0) + tail;
  const data = shared ? new Float64Array(new SharedArrayBuffer(8 * (n + 2)), 16, n) : new Float64Array(n);
  return data.fill(Number.NaN);
}

for (const backend of backends) {
  test(`${backend}: copyRect equals a naive loop and writes nothing else`, () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const srcStride = c.cols + c.srcPad;
        const dstStride = c.cols + c.dstPad;
        const src = fillValues(poisoned(c.rows, srcStride, c.srcOffset, c.cols, c.tail, c.shared), c.seed);
        const dst = poisoned(c.rows, dstStride, c.dstOffset, c.cols, c.tail, c.shared);
        const want = dst.slice();
        for (let i = 0; i < c.rows; i++)
          for (let j = 0; j < c.cols; j++)
            want[c.dstOffset + i * dstStride + j] = src[c.srcOffset + i * srcStride + j];
        copyRect(src, c.srcOffset, srcStride, dst, c.dstOffset, dstStride, c.rows, c.cols, backend);
        assert.deepEqual(dst, want);
      }),
      { numRuns: 200, seed: 11 },
    );
  });

  test(`${backend}: transposeRect equals a naive loop and writes nothing else`, () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const srcStride = c.cols + c.srcPad;
        const dstStride = c.rows + c.dstPad;
        const src = fillValues(poisoned(c.rows, srcStride, c.srcOffset, c.cols, c.tail, c.shared), c.seed);
        const dst = poisoned(c.cols, dstStride, c.dstOffset, c.rows, c.tail, c.shared);
        const want = dst.slice();
        for (let i = 0; i < c.rows; i++)
          for (let j = 0; j < c.cols; j++)
            want[c.dstOffset + j * dstStride + i] = src[c.srcOffset + i * srcStride + j];
        transposeRect(src, c.srcOffset, srcStride, dst, c.dstOffset, dstStride, c.rows, c.cols, backend);
        assert.deepEqual(dst, want);
      }),
      { numRuns: 200, seed: 12 },
    );
  });

  test(`${backend}: transposeRect of a 520 x 260 block (many full 32 x 32 blocks and ragged edges)`, () => {
    const [rows, cols] = [520, 260];
    const src = Float64Array.from({ length: rows * cols }, (_, k) => k);
    const dst = new Float64Array(rows * cols);
    transposeRect(src, 0, cols, dst, 0, rows, rows, cols, backend);
    for (let j = 0; j < cols; j++)
      for (let i = 0; i < rows; i++) assert.equal(dst[j * rows + i], i * cols + j);
  });

  test(`${backend}: copyRect between overlapping views copies each row like TypedArray.set`, () => {
    const data = Float64Array.from({ length: 40 }, (_, k) => k);
    const want = data.slice();
    for (let i = 0; i < 4; i++) want.set(want.subarray(2 + i * 8, 2 + i * 8 + 5), 3 + i * 8);
    copyRect(data, 2, 8, data, 3, 8, 4, 5, backend);
    assert.deepEqual(data, want);
  });

  test(`${backend}: bad arguments throw errors naming the function, the argument and the values`, () => {
    const a = new Float64Array(12);
    const b = new Float64Array(12);
    assert.throws(
      () => copyRect(a, 1, 4, b, 0, 4, 3, 4, backend),
      (e: unknown) =>
        e instanceof IndexError &&
        /copyRect: 3 lines of 4 values at srcOffset=1, srcStride=4 end at 13 but src has 12 values/.test(
          e.message,
        ),
    );
    assert.throws(
      () => copyRect(a, 0, 3, b, 0, 4, 3, 4, backend),
      /copyRect: srcStride=3 is shorter than a line/,
    );
    assert.throws(() => copyRect(a, -1, 4, b, 0, 4, 1, 1, backend), ArgumentError);
    assert.throws(
      () => copyRect(a, 0, 4, b, 0.5, 4, 1, 1, backend),
      /dstOffset must be a non-negative integer, got 0.5/,
    );
    assert.throws(
      () => transposeRect(a, 0, 4, b, 1, 3, 3, 4, backend),
      /transposeRect: 4 lines of 3 values at dstOffset=1, dstStride=3 end at 13 but dst has 12 values/,
    );
    assert.throws(
      () => transposeRect(a, 0, 4, b, 0, 2, 3, 4, backend),
      /dstStride=2 is shorter than a line of 3 values/,
    );
    assert.throws(() => transposeRect(a, 0, 4, a, 0, 3, 3, 4, backend), /share memory/);
    const big = new Float64Array(40);
    transposeRect(big, 0, 4, big, 12, 3, 3, 4, backend); // disjoint rectangles of one array are fine
    copyRect(a, 12, 4, b, 12, 4, 0, 4, backend); // an empty rectangle touches nothing, even at the end
  });
}
