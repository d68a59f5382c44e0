/**
 * StandardScaler, as scikit-learn's: removes each column's mean and divides by its standard deviation
 * (population, ddof = 0; a column of zero variance is divided by 1). Fitting is two reductions over the
 * data (mean and variance per column, each a tree of block partials); transforming is one fused
 * elementwise pass.
 */
import type { Block } from "../../core/block.ts";
import { ArgumentError } from "../../core/errors.ts";
import type { DsArray } from "../../array/dsArray.ts";
import { booleanOption, readOptions } from "../../core/options.ts";
import {
  checkInput,
  checkSaved,
  fitted,
  rowLike,
  type SavedModel,
  savedModel,
  vectorOf,
} from "../estimator.ts";

/** Options of `StandardScaler` (scikit-learn's `with_mean`, `with_std`). */
export interface StandardScalerOptions {
  /** Subtract each column's mean. Default true (a sparse input needs false, as in scikit-learn). */
  withMean?: boolean;
  /** Divide by each column's standard deviation. Default true. */
  withStd?: boolean;
}

interface ScalerState {
  mean: number[] | undefined;
  var: number[] | undefined;
  scale: number[] | undefined;
  nSamplesSeen: number;
  nFeaturesIn: number;
}

const NAME = "StandardScaler";

/**
 * Standardizes columns to zero mean and unit variance.
 *
 * @example
 * ```ts
 * const x = ds.array([[1, 10], [3, 30]], { blockSize: [1, 2] });
 * const scaler = await new StandardScaler().fit(x);
 * scaler.mean; // Float64Array [2, 20]
 * await scaler.transform(x).toArray(); // [[-1, -1], [1, 1]]
 * ```
 */
export class StandardScaler {
  readonly withMean: boolean;
  readonly withStd: boolean;
  private state: ScalerState | undefined;

  constructor(options: StandardScalerOptions = {}) {
    const o = readOptions(NAME, options, ["withMean", "withStd"]);
    this.withMean = booleanOption(NAME, o, "withMean", true);
    this.withStd = booleanOption(NAME, o, "withStd", true);
  }

  /** Per-column means (when `withMean` or `withStd`). */
  get mean(): Float64Array | undefined {
    const m = fitted(NAME, "mean", this.state).mean;
    return m === undefined ? undefined : Float64Array.from(m);
  }

  /** Per-column population variances (when `withStd`). */
  get var(): Float64Array | undefined {
    const v = fitted(NAME, "var", this.state).var;
    return v === undefined ? undefined : Float64Array.from(v);
  }

  /** What each column is divided by: its standard deviation, or 1 where that is 0 (when `withStd`). */
  get scale(): Float64Array | undefined {
    const s = fitted(NAME, "scale", this.state).scale;
    return s === undefined ? undefined : Float64Array.from(s);
  }

  get nSamplesSeen(): number {
    return fitted(NAME, "nSamplesSeen", this.state).nSamplesSeen;
  }

  get nFeaturesIn(): number {
    return fitted(NAME, "nFeaturesIn", this.state).nFeaturesIn;
  }

  /** Learns the per-column mean and variance of `x`. */
  async fit(x: DsArray<Block>): Promise<this> {
    const input = checkInput(NAME, "fit", x);
    if (input.sparse && this.withMean) {
      throw new ArgumentError(
        `${NAME}.fit: cannot center a sparse array (it would become dense); pass withMean: false`,
      );
    }
    const [rows, cols] = input.shape;
    if (rows === 0) throw new ArgumentError(`${NAME}.fit: x has no rows`);
    const [mean, variance] = await Promise.all([
      input.mean(0).collect(),
      this.withStd ? input.var(0).collect() : Promise.resolve(undefined),
    ]);
    const v = variance === undefined ? undefined : vectorOf(variance);
    this.state = {
      mean: Array.from(vectorOf(mean)),
      var: v === undefined ? undefined : Array.from(v),
      scale: v === undefined ? undefined : Array.from(v, (s) => (s === 0 ? 1 : Math.sqrt(s))),
      nSamplesSeen: rows,
      nFeaturesIn: cols,
    };
    return this;
  }

  /** `(x - mean) / scale`, column by column, as one fused pass. */
  transform(x: DsArray<Block>): DsArray<Block> {
    const s = fitted(NAME, "transform", this.state);
    const input = checkInput(NAME, "transform", x, s.nFeaturesIn);
    let out: DsArray<Block> = input;
    if (this.withMean && s.mean !== undefined) out = out.sub(rowLike(s.mean, input));
    if (s.scale !== undefined) out = out.div(rowLike(s.scale, input));
    return out;
  }

  /** `fit(x)` then `transform(x)`. */
  async fitTransform(x: DsArray<Block>): Promise<DsArray<Block>> {
    await this.fit(x);
    return this.transform(x);
  }

  /** `x * scale + mean`: the values `transform` was given. */
  inverseTransform(x: DsArray<Block>): DsArray<Block> {
    const s = fitted(NAME, "inverseTransform", this.state);
    const input = checkInput(NAME, "inverseTransform", x, s.nFeaturesIn);
    let out: DsArray<Block> = input;
    if (s.scale !== undefined) out = out.mul(rowLike(s.scale, input));
    if (this.withMean && s.mean !== undefined) out = out.add(rowLike(s.mean, input));
    return out;
  }

  toJSON(): SavedModel<StandardScalerOptions, ScalerState> {
    return savedModel(
      NAME,
      { withMean: this.withMean, withStd: this.withStd },
      fitted(NAME, "toJSON", this.state),
    );
  }

  /** A scaler saved with `toJSON()` (or its JSON text parsed). */
  static fromJSON(json: unknown): StandardScaler {
    const saved = checkSaved<StandardScalerOptions, ScalerState>(NAME, json);
    const scaler = new StandardScaler(saved.options);
    scaler.state = saved.state;
    return scaler;
  }
}
