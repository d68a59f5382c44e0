/** Float32 vectors packed in float64 blocks: every bit pattern survives, and a block of the wrong size is refused. */
import { it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { Matrix, ShapeError } from "../../src/index.ts";
import { float32Block, float32BlockWords, float32View } from "../../src/core/model/float32Block.ts";

it("carries any float32 values bit for bit, odd and even lengths alike", () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 2 ** 32 - 1 }), { maxLength: 65 }), (bits) => {
      // Raw bit patterns: NaN payloads, -0, infinities and subnormals included.
      const values = new Float32Array(new Uint32Array(bits).buffer);
      const block = float32Block(values);
      assert.deepEqual([block.rows, block.cols], [1, float32BlockWords(values.length)]);
      assert.ok(block.data.buffer instanceof SharedArrayBuffer);
      const back = new Uint32Array(float32View(block, values.length).slice().buffer);
      assert.deepEqual(Array.from(back), bits);
    }),
  );
});

it("refuses a block that does not carry that many values", () => {
  assert.throws(() => float32View(Matrix.zeros(1, 3), 8), ShapeError);
  assert.throws(() => float32View(Matrix.zeros(2, 2), 4), /is 1x2 but this one is 2x2/);
  assert.equal(float32View(Matrix.zeros(1, 4), 7).length, 7);
});
