import { ArgumentError } from "../../core/errors.ts";
import { DenseNetwork } from "./denseNetwork.ts";
import type { TrainableModel } from "./trainableModel.ts";
import { describeValue } from "../../core/options.ts";

/** Options of `mlp`. */
export interface MlpOptions {
  /** Layer widths, input first, classes last: `[784, 128, 10]`; at least two entries, each >= 1 (>= 2 classes). */
  layers: readonly number[];
  /** Activation of the hidden layers; only "relu" (the default). */
  activation?: "relu";
  /** L2 penalty `l2 / 2 * sum(w^2)` on the weights, not the biases (default 0). */
  l2?: number;
}

/**
 * A multilayer perceptron: ReLU hidden layers, softmax + cross-entropy output, He-initialised weights
 * (normal with variance 2 / fan-in) and zero biases. Any number of layers; `[inputs, classes]` alone is a
 * softmax regression with He initialisation.
 *
 * @example
 * ```ts
 * const model = mlp({ layers: [784, 128, 10] });
 * model.paramCount; // 784*128 + 128 + 128*10 + 10 = 101770
 * const params = model.init(new Rng(1));
 * ```
 */
export function mlp(options: MlpOptions): TrainableModel {
  const op = "mlp";
  if (typeof options !== "object" || options === null) {
    throw new ArgumentError(
      `${op}: options must be { layers: [inputs, ...hidden, classes] } but was ${String(options)}`,
    );
  }
  const { activation = "relu" } = options;
  const layers: unknown = options.layers;
  if (!Array.isArray(layers) || layers.length < 2) {
    throw new ArgumentError(
      `${op}: layers must list at least the inputs and the classes, e.g. [784, 128, 10], but was ${describeValue(layers)}`,
    );
  }
  const widths: number[] = [];
  (layers as readonly unknown[]).forEach((width, l) => {
    if (typeof width !== "number" || !Number.isInteger(width) || width < 1) {
      throw new ArgumentError(`${op}: layers[${l}] must be an integer >= 1 but was ${describeValue(width)}`);
    }
    widths.push(width);
  });
  const classes = widths[widths.length - 1];
  if (classes < 2)
    throw new ArgumentError(`${op}: the last layer must have at least 2 classes but has ${classes}`);
  if (activation !== "relu") {
    throw new ArgumentError(
      `${op}: activation must be "relu" (the only one supported) but was ${describeValue(activation)}`,
    );
  }
  return new DenseNetwork("mlp", widths, checkL2(op, options.l2), "he");
}

/**
 * Checks an `l2` option: a finite number >= 0, 0 when absent.
 *
 * @example
 * ```ts
 * checkL2("mlp", undefined); // 0
 * checkL2("mlp", -1); // throws ArgumentError
 * ```
 */
export function checkL2(op: string, l2: unknown): number {
  const v = l2 ?? 0;
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
    throw new ArgumentError(`${op}: l2 must be a finite number >= 0 but was ${describeValue(v)}`);
  }
  return v;
}
