/**
 * The elastic net, as scikit-learn's `ElasticNet(precompute=True)`: minimises
 * (1/(2n)) ||y - Xw||² + alpha l1Ratio ||w||₁ + (alpha (1 - l1Ratio) / 2) ||w||² per target, by coordinate
 * descent on the Gram matrix of the centred data after one pass over x and y (coordinateDescentModel.ts).
 */
import { numberOption, readOptions } from "../../core/options.ts";
import { ArgumentError } from "../../core/errors.ts";
import { checkSaved, fitted, type SavedModel, savedModel } from "../estimator.ts";
import {
  CoordinateDescentModel,
  SHARED_OPTIONS,
  type CoordinateDescentModelOptions,
  type CoordinateDescentState,
  type SavedCoordinateDescentOptions,
} from "./coordinateDescentModel.ts";

/** Options of `ElasticNet`: Lasso's plus `l1Ratio`. */
export interface ElasticNetOptions extends CoordinateDescentModelOptions {
  /** The share of the L1 penalty, in [0, 1] (1 is the Lasso). Default 0.5. */
  l1Ratio?: number;
}

const NAME = "ElasticNet";

/**
 * Linear regression with L1 and L2 penalties on the coefficients.
 *
 * @example
 * ```ts
 * const x = ds.array([[0], [1], [2], [3]], { blockSize: [2, 1] });
 * const y = ds.array([[0], [2], [4], [6]], { blockSize: [2, 1] });
 * const model = await new ElasticNet({ alpha: 0.1, l1Ratio: 0.5 }).fit(x, y);
 * model.coef.toArray(); // [[1.8846]]: xcᵀyc = 10, xcᵀxc = 5, n = 4: (10 - 0.2) / (5 + 0.2)
 * ```
 */
export class ElasticNet extends CoordinateDescentModel {
  constructor(options: ElasticNetOptions = {}) {
    const o = readOptions(NAME, options, [...SHARED_OPTIONS, "l1Ratio"]);
    const l1Ratio = numberOption(NAME, o, "l1Ratio", 0.5, 0);
    if (l1Ratio > 1) throw new ArgumentError(`${NAME}: l1Ratio must be in [0, 1] but was ${l1Ratio}`);
    super(NAME, o, l1Ratio);
  }

  toJSON(): SavedModel<SavedCoordinateDescentOptions & { l1Ratio: number }, CoordinateDescentState> {
    return savedModel(
      NAME,
      { ...this.savedOptions(), l1Ratio: this.l1Ratio },
      fitted(NAME, "toJSON", this.state),
    );
  }

  /** A model saved with `toJSON()` (or its JSON text parsed). */
  static fromJSON(json: unknown): ElasticNet {
    const saved = checkSaved<ElasticNetOptions, CoordinateDescentState>(NAME, json);
    const model = new ElasticNet(saved.options);
    model.state = saved.state;
    return model;
  }
}
