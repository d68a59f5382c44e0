/**
 * Float32 vectors (a model's parameters, a gradient) carried in a block. Blocks are float64 matrices on a
 * `SharedArrayBuffer`, which the engine hands between threads without a copy. Converting a 100,000-value
 * float32 vector to float64 and back costs two passes and twice the memory on the main thread for every
 * gradient, as much as a third of the gradient itself for the MNIST example's MLP; so the float32 values are
 * stored bit for bit in the block's buffer instead, two per float64 word. Such a block is a 1 x
 * `float32BlockWords(n)` matrix whose elements are never read as numbers, only through `float32View`.
 */
import { ShapeError } from "../errors.ts";
import { Matrix } from "../matrix.ts";

/**
 * Columns of the block that carries `length` float32 values: two per float64 word, rounded up.
 *
 * @example
 * ```ts
 * float32BlockWords(101770); // 50885
 * float32BlockWords(7); // 4
 * ```
 */
export function float32BlockWords(length: number): number {
  return Math.ceil(length / 2);
}

/**
 * A new shared block holding a copy of `values`.
 *
 * @example
 * ```ts
 * const block = float32Block(params); // 1 x float32BlockWords(params.length)
 * float32View(block, params.length); // the same values, bit for bit
 * ```
 */
export function float32Block(values: Float32Array): Matrix {
  const block = Matrix.zeros(1, float32BlockWords(values.length));
  float32View(block, values.length).set(values);
  return block;
}

/**
 * The `length` float32 values a block carries, as a view on its buffer (writes go to the block). Throws
 * `ShapeError` when the block is not a 1 x `float32BlockWords(length)` block.
 *
 * @example
 * ```ts
 * const grad = float32View(Matrix.zeros(1, float32BlockWords(n)), n); // write a gradient straight into a block
 * ```
 */
export function float32View(block: Matrix, length: number): Float32Array {
  const words = float32BlockWords(length);
  if (block.rows !== 1 || block.cols !== words) {
    throw new ShapeError(
      `float32View: a block of ${length} float32 values is 1x${words} but this one is ${block.rows}x${block.cols}`,
    );
  }
  const { buffer, byteOffset } = block.data;
  return new Float32Array(buffer, byteOffset, length);
}
