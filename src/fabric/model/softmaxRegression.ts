import { ArgumentError } from "../../core/errors.ts";
import { DenseNetwork } from "./denseNetwork.ts";
import { checkL2 } from "./mlp.ts";
import type { TrainableModel } from "./trainableModel.ts";
import { describeValue } from "../../core/options.ts";

/** Options of `softmaxRegression`. */
export interface SoftmaxRegressionOptions {
  /** Features per sample. */
  inputs: number;
  /** Number of classes (>= 2). */
  classes: number;
  /** L2 penalty `l2 / 2 * sum(w^2)` on the weights, not the biases (default 0). */
  l2?: number;
}

/**
 * Multinomial logistic regression: `softmax(x W + b)` with cross-entropy loss. A convex problem, so the
 * parameters start at zero (`init` draws nothing). Parameters: `layer0.weight` (inputs x classes) then
 * `layer0.bias`.
 *
 * @example
 * ```ts
 * const model = softmaxRegression({ inputs: 784, classes: 10 });
 * model.paramCount; // 7850
 * ```
 */
export function softmaxRegression(options: SoftmaxRegressionOptions): TrainableModel {
  const op = "softmaxRegression";
  if (typeof options !== "object" || options === null) {
    throw new ArgumentError(`${op}: options must be { inputs, classes } but was ${String(options)}`);
  }
  const { inputs, classes } = options;
  if (typeof inputs !== "number" || !Number.isInteger(inputs) || inputs < 1) {
    throw new ArgumentError(`${op}: inputs must be an integer >= 1 but was ${describeValue(inputs)}`);
  }
  if (typeof classes !== "number" || !Number.isInteger(classes) || classes < 2) {
    throw new ArgumentError(`${op}: classes must be an integer >= 2 but was ${describeValue(classes)}`);
  }
  return new DenseNetwork("softmaxRegression", [inputs, classes], checkL2(op, options.l2), "zeros");
}
