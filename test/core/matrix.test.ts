import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix } from "../../src/core/matrix.ts";
import { ShapeError } from "../../src/core/errors.ts";

test("Matrix.fromArray round-trips and is row-major", () => {
  const m = Matrix.fromArray([
    [1, 2, 3],
    [4, 5, 6],
  ]);
  assert.equal(m.rows, 2);
  assert.equal(m.cols, 3);
  assert.deepEqual(Array.from(m.data), [1, 2, 3, 4, 5, 6]);
  assert.equal(m.get(1, 0), 4);
  assert.ok(m.data.buffer instanceof SharedArrayBuffer);
});

test("Matrix.fromArray rejects ragged rows with the row number", () => {
  assert.throws(
    () => Matrix.fromArray([[1, 2], [3]]),
    (e: unknown) => {
      return e instanceof ShapeError && /row 1 has 1 values but row 0 has 2/.test(e.message);
    },
  );
});
