import { DenseNetworkMath } from "../../core/model/denseNetworkMath.ts";
import type { Rng } from "../../sim/rng.ts";
import type { ModelJSON, TrainableModel } from "./trainableModel.ts";

/**
 * A fully connected network as a trainable model: the arithmetic of `DenseNetworkMath` (core, shared with
 * the worker threads' gradient kernel) plus what only training needs, the parameter initialisation and the
 * JSON form. ReLU hidden layers, softmax output, mean cross-entropy plus `l2 / 2 * sum(w^2)`.
 *
 * Use `mlp` or `softmaxRegression` to make one.
 *
 * @example
 * ```ts
 * const net = new DenseNetwork("mlp", [4, 8, 3], 0, "he");
 * net.paramCount; // 4*8 + 8 + 8*3 + 3 = 67
 * net.spec; // { kind: "mlp", layers: [4, 8, 3], l2: 0 }: what the pool's gradient kernel takes
 * ```
 */
export class DenseNetwork extends DenseNetworkMath implements TrainableModel {
  private readonly initialisation: "he" | "zeros";

  constructor(
    kind: ModelJSON["kind"],
    layers: readonly number[],
    l2: number,
    initialisation: "he" | "zeros",
  ) {
    super({ kind, layers, l2 });
    this.initialisation = initialisation;
  }

  init(rng: Rng): Float32Array {
    const params = new Float32Array(this.paramCount);
    if (this.initialisation === "zeros") return params;
    for (let l = 0; l < this.depth; l++) {
      // He et al. (2015): N(0, 2 / fan_in) keeps the variance of ReLU activations constant across layers.
      const sd = Math.sqrt(2 / this.layers[l]);
      const { offset, length } = this.layout.slices[2 * l];
      for (let k = 0; k < length; k++) params[offset + k] = rng.normal(0, sd);
    }
    return params;
  }

  toJSON(): ModelJSON {
    if (this.kind === "softmaxRegression") {
      return { kind: this.kind, inputs: this.inputs, classes: this.classes, l2: this.l2 };
    }
    return { kind: this.kind, layers: [...this.layers], activation: "relu", l2: this.l2 };
  }
}
