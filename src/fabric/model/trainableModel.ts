import type { Matrix } from "../../core/matrix.ts";
import type { Rng } from "../../sim/rng.ts";
import type { Labels } from "../../core/model/checks.ts";
import type { ParamLayout } from "../../core/model/paramLayout.ts";

export type { Labels };

/** What `toJSON()` gives and `modelFromJSON` takes: the architecture, not the parameters. */
export type ModelJSON =
  | { kind: "softmaxRegression"; inputs: number; classes: number; l2: number }
  | { kind: "mlp"; layers: number[]; activation: "relu"; l2: number };

/**
 * A model that data-parallel training can run: it owns no parameters. They live in one flat `Float32Array`
 * (`layout` names its slices) held by the parameter-server shards and copied to workers; the model computes
 * loss and gradient for any parameter vector. Every method checks its arguments before computing and throws
 * `ShapeError` (sizes) or `ArgumentError` (label values) naming the method and what it received.
 *
 * @example
 * ```ts
 * const model = mlp({ layers: [784, 128, 10] });
 * const params = model.init(new Rng(1));
 * const grad = new Float32Array(model.paramCount);
 * const loss = model.lossAndGradient(params, xBatch, yBatch, grad); // mean loss; grad = mean gradient
 * model.accuracy(params, xTest, yTest); // fraction in [0, 1]
 * ```
 */
export interface TrainableModel {
  /** "mlp" or "softmaxRegression". */
  readonly kind: ModelJSON["kind"];
  /** Features per sample (columns of `x`). */
  readonly inputs: number;
  /** Number of classes (labels 0..classes-1). */
  readonly classes: number;
  /** Length of the parameter vector; the model's bytes are `4 * paramCount`. */
  readonly paramCount: number;
  readonly layout: ParamLayout;
  /** A fresh parameter vector drawn from `rng`. */
  init(rng: Rng): Float32Array;
  /** Mean loss over the batch (plus the L2 penalty); writes the mean gradient into `grad`. */
  lossAndGradient(params: Float32Array, x: Matrix, y: Labels, grad: Float32Array): number;
  /** The most likely class of each row of `x`. */
  predict(params: Float32Array, x: Matrix): Int32Array;
  /** Fraction of rows of `x` whose predicted class is `y`. */
  accuracy(params: Float32Array, x: Matrix, y: Labels): number;
  toJSON(): ModelJSON;
}
