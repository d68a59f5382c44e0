/**
 * MinMaxScaler, as scikit-learn's: maps each column's [min, max] onto `featureRange` by x·scale + min.
 * Fitting is two tree reductions (per-column min and max, NaN ignored as `nanmin`/`nanmax` do); transforming
 * is one fused elementwise pass. A constant column (range below 10 machine epsilons) is divided by 1
 * instead of its range, as scikit-learn's `_handle_zeros_in_scale` does, so its value maps to
 * featureRange[0].
 */
import type { Block } from "../../core/block.ts";
import { ArgumentError } from "../../core/errors.ts";
import { ds } from "../../array/ds.ts";
import type { DsArray } from "../../array/dsArray.ts";
import { booleanOption, describeValue, readOptions } from "../../core/options.ts";
import {
  checkInput,
  checkSaved,
  fitted,
  rowLike,
  type SavedModel,
  savedModel,
  vectorOf,
} from "../estimator.ts";

/** Options of `MinMaxScaler` (scikit-learn's `feature_range`, `clip`). */
export interface MinMaxScalerOptions {
  /** The [lo, hi] each column is mapped onto, lo < hi. Default [0, 1]. */
  featureRange?: [number, number];
  /** Clip transformed values to featureRange (for data outside the fitted range). Default false. */
  clip?: boolean;
}

interface MinMaxState {
  dataMin: number[];
  dataMax: number[];
  dataRange: number[];
  scale: number[];
  min: number[];
  nSamplesSeen: number;
  nFeaturesIn: number;
}

const NAME = "MinMaxScaler";
/** scikit-learn's `_handle_zeros_in_scale`: ranges below this count as zero (the column is constant). */
const CONSTANT_RANGE = 10 * Number.EPSILON;

function readRange(v: unknown): [number, number] {
  if (v === undefined) return [0, 1];
  const ok =
    Array.isArray(v) && v.length === 2 && v.every((e) => typeof e === "number" && Number.isFinite(e));
  if (!ok) {
    throw new ArgumentError(
      `${NAME}: featureRange must be [min, max] of two finite numbers but was ${describeValue(v)}`,
    );
  }
  const [lo, hi] = v as [number, number];
  if (!(lo < hi)) {
    throw new ArgumentError(`${NAME}: featureRange must have min < max but was ${describeValue(v)}`);
  }
  return [lo, hi];
}

/**
 * Scales each column to a given range.
 *
 * @example
 * ```ts
 * const x = ds.array([[1, 10], [3, 30], [2, 20]], { blockSize: [2, 2] });
 * const scaler = await new MinMaxScaler().fit(x);
 * await scaler.transform(x).toArray(); // [[0, 0], [1, 1], [0.5, 0.5]]
 * ```
 */
export class MinMaxScaler {
  readonly featureRange: [number, number];
  readonly clip: boolean;
  private state: MinMaxState | undefined;

  constructor(options: MinMaxScalerOptions = {}) {
    const o = readOptions(NAME, options, ["featureRange", "clip"]);
    this.featureRange = readRange(o.featureRange);
    this.clip = booleanOption(NAME, o, "clip", false);
  }

  /** Per-column minimum seen in fit (NaN ignored; NaN for a column of NaN only). */
  get dataMin(): Float64Array {
    return Float64Array.from(fitted(NAME, "dataMin", this.state).dataMin);
  }

  /** Per-column maximum seen in fit. */
  get dataMax(): Float64Array {
    return Float64Array.from(fitted(NAME, "dataMax", this.state).dataMax);
  }

  /** dataMax - dataMin. */
  get dataRange(): Float64Array {
    return Float64Array.from(fitted(NAME, "dataRange", this.state).dataRange);
  }

  /** (hi - lo) / dataRange per column (dataRange taken as 1 for a constant column). */
  get scale(): Float64Array {
    return Float64Array.from(fitted(NAME, "scale", this.state).scale);
  }

  /** lo - dataMin·scale per column: what transform adds after scaling. */
  get min(): Float64Array {
    return Float64Array.from(fitted(NAME, "min", this.state).min);
  }

  get nSamplesSeen(): number {
    return fitted(NAME, "nSamplesSeen", this.state).nSamplesSeen;
  }

  get nFeaturesIn(): number {
    return fitted(NAME, "nFeaturesIn", this.state).nFeaturesIn;
  }

  /** Learns each column's minimum and maximum (NaN ignored, as scikit-learn's nanmin / nanmax). */
  async fit(x: DsArray<Block>): Promise<this> {
    const input = checkInput(NAME, "fit", x);
    const [rows, cols] = input.shape;
    if (rows === 0) throw new ArgumentError(`${NAME}.fit: x has no rows`);
    // NaN is replaced by a value that cannot win: +Infinity for the minimum, -Infinity for the maximum.
    const isNan = input.ne(input);
    const [lowest, highest] = await Promise.all([
      ds.where(isNan, Infinity, input).min(0).collect(),
      ds.where(isNan, -Infinity, input).max(0).collect(),
    ]);
    const dataMin = Array.from(vectorOf(lowest));
    const dataMax = Array.from(vectorOf(highest));
    for (let j = 0; j < cols; j++) {
      if (dataMin[j] === Infinity && dataMax[j] === -Infinity) dataMin[j] = dataMax[j] = NaN;
    }
    const [lo, hi] = this.featureRange;
    const dataRange = dataMin.map((v, j) => dataMax[j] - v);
    const scale = dataRange.map((r) => (hi - lo) / (r < CONSTANT_RANGE ? 1 : r));
    this.state = {
      dataMin,
      dataMax,
      dataRange,
      scale,
      min: dataMin.map((v, j) => lo - v * scale[j]),
      nSamplesSeen: rows,
      nFeaturesIn: cols,
    };
    return this;
  }

  /** x·scale + min per column, clipped to featureRange when `clip`; one fused pass. */
  transform(x: DsArray<Block>): DsArray<Block> {
    const s = fitted(NAME, "transform", this.state);
    const input = checkInput(NAME, "transform", x, s.nFeaturesIn);
    const out = input.mul(rowLike(s.scale, input)).add(rowLike(s.min, input));
    return this.clip ? out.clip(this.featureRange[0], this.featureRange[1]) : out;
  }

  /** `fit(x)` then `transform(x)`. */
  async fitTransform(x: DsArray<Block>): Promise<DsArray<Block>> {
    await this.fit(x);
    return this.transform(x);
  }

  /** (x - min) / scale: the values transform was given (unless clip changed them). */
  inverseTransform(x: DsArray<Block>): DsArray<Block> {
    const s = fitted(NAME, "inverseTransform", this.state);
    const input = checkInput(NAME, "inverseTransform", x, s.nFeaturesIn);
    return input.sub(rowLike(s.min, input)).div(rowLike(s.scale, input));
  }

  toJSON(): SavedModel<MinMaxScalerOptions, MinMaxState> {
    return savedModel(
      NAME,
      { featureRange: this.featureRange, clip: this.clip },
      fitted(NAME, "toJSON", this.state),
    );
  }

  /** A scaler saved with `toJSON()` (or its JSON text parsed). */
  static fromJSON(json: unknown): MinMaxScaler {
    const saved = checkSaved<MinMaxScalerOptions, MinMaxState>(NAME, json);
    const scaler = new MinMaxScaler(saved.options);
    // JSON has no NaN (a column of NaN only): it comes back as null.
    const back = (v: readonly (number | null)[]): number[] => v.map((e) => e ?? NaN);
    const st = saved.state;
    scaler.state = {
      ...st,
      dataMin: back(st.dataMin),
      dataMax: back(st.dataMax),
      dataRange: back(st.dataRange),
      scale: back(st.scale),
      min: back(st.min),
    };
    return scaler;
  }
}
