import { ArgumentError } from "../../core/errors.ts";
import { mlp } from "./mlp.ts";
import { softmaxRegression } from "./softmaxRegression.ts";
import type { ModelJSON, TrainableModel } from "./trainableModel.ts";
import { describeValue } from "../../core/options.ts";

/**
 * The model described by `toJSON()`'s output (the architecture; parameters travel separately as a
 * `Float32Array`). Throws `ArgumentError` for an unknown kind or bad fields.
 *
 * @example
 * ```ts
 * const copy = modelFromJSON(JSON.parse(JSON.stringify(mlp({ layers: [4, 3] }))));
 * copy.paramCount; // 15
 * ```
 */
export function modelFromJSON(json: ModelJSON): TrainableModel {
  const kind: unknown = (json as { kind?: unknown } | null)?.kind;
  switch (kind) {
    case "mlp": {
      const j = json as Extract<ModelJSON, { kind: "mlp" }>;
      return mlp({ layers: j.layers, activation: j.activation, l2: j.l2 });
    }
    case "softmaxRegression": {
      const j = json as Extract<ModelJSON, { kind: "softmaxRegression" }>;
      return softmaxRegression({ inputs: j.inputs, classes: j.classes, l2: j.l2 });
    }
    default:
      throw new ArgumentError(
        `modelFromJSON: kind must be "mlp" or "softmaxRegression" but was ${describeValue(kind)}`,
      );
  }
}
