/**
 * KMeans, as scikit-learn's with `algorithm="lloyd"`. Each Lloyd iteration is one task per row strip of x
 * (the strip and the current centres in, a k x (m + 2) partial of per-centre sums, counts and inertia
 * out), a tree of `block.addAll` tasks over the partials, and the new centres on the main thread. The
 * run stops when the centres' squared shift summed is at most tol times the mean per-column variance of
 * x (scikit-learn's tolerance), or after maxIter iterations; then labels and inertia are those of the
 * final centres. An empty cluster takes the point farthest from its centre, as scikit-learn relocates it.
 */
import type { Block } from "../../core/block.ts";
import { ArgumentError, ShapeError } from "../../core/errors.ts";
import { Matrix } from "../../core/matrix.ts";
import type { DsArray } from "../../array/dsArray.ts";
import { describeValue, intOption, numberOption, readOptions } from "../../core/options.ts";
import { checkInput, checkSaved, fitted, type SavedModel, savedModel, vectorOf } from "../estimator.ts";
import { kMeansPlusPlus, randomInit, SeededUniform } from "./kMeansInit.ts";
import { kMeansParallel } from "./kMeansParallel.ts";
import { distancesOf, farthestPoints, labelsOf, lloydPartial } from "./kMeansTasks.ts";

/** Options of `KMeans` (scikit-learn's `n_clusters`, `init`, `max_iter`, `tol`, `random_state`, `n_init`). */
export interface KMeansOptions {
  /** How many clusters. Default 8, as scikit-learn. */
  nClusters?: number;
  /**
   * `"k-means++"` (default, as scikit-learn), `"k-means||"` (scalable k-means++: a few distributed sampling
   * rounds over all of x, then weighted k-means++ on the sampled candidates), `"random"` (k distinct rows),
   * or the initial centres themselves (a Matrix or `number[][]` of nClusters x features).
   */
  init?: InitName | Matrix | number[][];
  /** Most Lloyd iterations per run. Default 300. */
  maxIter?: number;
  /** Relative tolerance: stop when the centres move (squared, summed) by at most tol * mean(var(x, 0)). Default 1e-4. */
  tol?: number;
  /** Seed of every random choice (any safe integer). Default 0, so that fits are reproducible. */
  randomState?: number;
  /** Runs from different initial centres; the one of lowest inertia is kept. Default 10 for "random", else 1 (scikit-learn's "auto"). */
  nInit?: number;
}

/** The initialisations by name. */
type InitName = "k-means++" | "k-means||" | "random";
const INIT_NAMES: readonly unknown[] = ["k-means++", "k-means||", "random"];

interface KMeansState {
  /** nClusters x features, row-major. */
  clusterCenters: number[];
  inertia: number;
  nIter: number;
  nFeaturesIn: number;
}

interface SavedOptions {
  nClusters: number;
  init: InitName | number[][];
  maxIter: number;
  tol: number;
  randomState: number;
  nInit: number;
}

const NAME = "KMeans";
const KNOWN = ["nClusters", "init", "maxIter", "tol", "randomState", "nInit"];

/** The init option as a Matrix (checked: nClusters rows, finite values), or the strategy's name. */
function readInit(init: unknown, k: number): InitName | Matrix {
  if (init === undefined) return "k-means++";
  if (INIT_NAMES.includes(init)) return init as InitName;
  let m: Matrix | undefined;
  if (init instanceof Matrix) m = new Matrix(init.rows, init.cols, Float64Array.from(init.data));
  else if (
    Array.isArray(init) &&
    init.every((r) => Array.isArray(r) && r.every((v) => typeof v === "number"))
  ) {
    m = Matrix.fromArray(init);
  }
  if (m === undefined) {
    throw new ArgumentError(
      `${NAME}: init must be "k-means++", "k-means||", "random" or a Matrix of initial centres but was ${JSON.stringify(init)?.slice(0, 80)}`,
    );
  }
  if (m.rows !== k || m.cols === 0) {
    throw new ShapeError(
      `${NAME}: init has shape [${m.rows}, ${m.cols}] but nClusters is ${k} (expected [${k}, features])`,
    );
  }
  if (!m.data.every(Number.isFinite)) throw new ArgumentError(`${NAME}: init has a value that is not finite`);
  return m;
}

/**
 * Lloyd's k-means clustering of the rows of a dense DsArray (a sparse x is made dense first, block by
 * block). k-means++ runs on the main thread on at most 2^20 values of x (all rows when they fit, else a
 * uniform random sample of rows); k-means|| samples candidates from all rows in a few passes of block
 * tasks; labels, distances and every iteration run as block tasks.
 *
 * @example
 * ```ts
 * const x = ds.array([[0, 0], [0, 1], [10, 10], [10, 11]], { blockSize: [2, 2] });
 * const km = await new KMeans({ nClusters: 2, init: [[0, 0], [10, 10]] }).fit(x);
 * km.clusterCenters.toArray(); // [[0, 0.5], [10, 10.5]]
 * km.inertia; // 1
 * await km.predict(x).toArray(); // [[0], [0], [1], [1]]
 * ```
 */
export class KMeans {
  readonly nClusters: number;
  readonly init: InitName | Matrix;
  readonly maxIter: number;
  readonly tol: number;
  readonly randomState: number;
  readonly nInit: number;
  private state: KMeansState | undefined;

  constructor(options: KMeansOptions = {}) {
    const o = readOptions(NAME, options, KNOWN);
    this.nClusters = intOption(NAME, o, "nClusters", 8, 1);
    this.init = readInit(o.init, this.nClusters);
    this.maxIter = intOption(NAME, o, "maxIter", 300, 1);
    this.tol = numberOption(NAME, o, "tol", 1e-4, 0);
    const seed = o.randomState ?? 0;
    if (typeof seed !== "number" || !Number.isSafeInteger(seed)) {
      throw new ArgumentError(`${NAME}: randomState must be an integer but was ${describeValue(seed)}`);
    }
    this.randomState = seed;
    this.nInit = intOption(NAME, o, "nInit", this.init === "random" ? 10 : 1, 1);
    if (this.init instanceof Matrix && this.nInit !== 1) {
      throw new ArgumentError(
        `${NAME}: nInit must be 1 when init is a Matrix (every run would start from the same centres) but was ${this.nInit}`,
      );
    }
  }

  /** The centres, nClusters x features. */
  get clusterCenters(): Matrix {
    const s = fitted(NAME, "clusterCenters", this.state);
    return new Matrix(this.nClusters, s.nFeaturesIn, Float64Array.from(s.clusterCenters));
  }

  /** Sum of squared distances of the training rows to their closest centre. */
  get inertia(): number {
    return fitted(NAME, "inertia", this.state).inertia;
  }

  /** Lloyd iterations of the kept run. */
  get nIter(): number {
    return fitted(NAME, "nIter", this.state).nIter;
  }

  get nFeaturesIn(): number {
    return fitted(NAME, "nFeaturesIn", this.state).nFeaturesIn;
  }

  /** Clusters the rows of x (n x features, n >= nClusters). */
  async fit(x: DsArray<Block>): Promise<this> {
    let input = checkInput(NAME, "fit", x);
    if (input.sparse) input = input.toDense();
    const [n, m] = input.shape;
    if (n < this.nClusters) {
      throw new ArgumentError(
        `${NAME}.fit: x has ${n} rows but nClusters is ${this.nClusters} (need n >= nClusters)`,
      );
    }
    if (m === 0) throw new ArgumentError(`${NAME}.fit: x has no columns`);
    if (this.init instanceof Matrix && this.init.cols !== m) {
      throw new ShapeError(`${NAME}.fit: init has ${this.init.cols} columns but x has ${m} features`);
    }
    const dense = input as DsArray;
    const tolerance =
      this.tol === 0 ? 0 : (this.tol * vectorOf(await dense.var(0).collect()).reduce((a, b) => a + b, 0)) / m;
    let best: KMeansState | undefined;
    for (let run = 0; run < this.nInit; run++) {
      const start = await this.initialCentres(dense, run);
      const result = await this.lloyd(dense, start, tolerance);
      if (best === undefined || result.inertia < best.inertia) best = result;
    }
    this.state = best;
    return this;
  }

  private async initialCentres(x: DsArray, run: number): Promise<Matrix> {
    if (this.init instanceof Matrix)
      return new Matrix(this.init.rows, this.init.cols, Float64Array.from(this.init.data));
    const rng = new SeededUniform(this.randomState, run);
    if (this.init === "random") return randomInit(x, this.nClusters, rng);
    if (this.init === "k-means||") return kMeansParallel(`${NAME}.fit`, x, this.nClusters, rng);
    return kMeansPlusPlus(x, this.nClusters, rng);
  }

  /** One run of Lloyd's algorithm from `start`. */
  private async lloyd(x: DsArray, start: Matrix, tolerance: number): Promise<KMeansState> {
    const k = this.nClusters;
    const m = x.shape[1];
    const width = m + 2;
    let centres = start;
    let iter = 0;
    while (iter < this.maxIter) {
      iter++;
      const p = await lloydPartial(`${NAME}.fit`, x, centres, false);
      const sums = Matrix.zeros(k, m);
      const counts = new Float64Array(k);
      for (let c = 0; c < k; c++) {
        sums.data.set(p.data.subarray(c * width, c * width + m), c * m);
        counts[c] = p.data[c * width + m];
      }
      await this.relocateEmpty(x, centres, sums, counts);
      const next = Matrix.zeros(k, m);
      let shift = 0;
      for (let c = 0; c < k; c++) {
        for (let t = 0; t < m; t++) {
          // A cluster left empty (only when fewer distinct points than clusters) keeps its centre.
          const v = counts[c] > 0 ? sums.data[c * m + t] / counts[c] : centres.data[c * m + t];
          const d = v - centres.data[c * m + t];
          shift += d * d;
          next.data[c * m + t] = v;
        }
      }
      centres = next;
      if (shift <= tolerance) break;
    }
    const final = await lloydPartial(`${NAME}.fit`, x, centres, true);
    let inertia = 0;
    for (let c = 0; c < k; c++) inertia += final.data[c * width + m + 1];
    return { clusterCenters: Array.from(centres.data), inertia, nIter: iter, nFeaturesIn: m };
  }

  /**
   * scikit-learn's `_relocate_empty_clusters_dense`: each empty cluster takes one of the points farthest
   * from their centre (farthest first, ties to the lower row), which leaves its old cluster.
   */
  private async relocateEmpty(
    x: DsArray,
    centres: Matrix,
    sums: Matrix,
    counts: Float64Array,
  ): Promise<void> {
    const empty = [...counts.keys()].filter((c) => counts[c] === 0);
    if (empty.length === 0) return;
    const m = centres.cols;
    const far = await farthestPoints(`${NAME}.fit`, x, centres, empty.length);
    far.forEach((point, q) => {
      const target = empty[q];
      for (let t = 0; t < m; t++) {
        sums.data[point.label * m + t] -= point.values[t];
        sums.data[target * m + t] = point.values[t];
      }
      counts[target] = 1;
      counts[point.label] -= 1;
    });
  }

  /** The index of the closest centre of every row (ties to the lowest index): an n x 1 DsArray. */
  predict(x: DsArray<Block>): DsArray {
    const s = fitted(NAME, "predict", this.state);
    return labelsOf(`${NAME}.predict`, this.denseInput("predict", x, s), this.clusterCenters);
  }

  /** `fit(x)`, then the labels of its rows. */
  async fitPredict(x: DsArray<Block>): Promise<DsArray> {
    await this.fit(x);
    return this.predict(x);
  }

  /** Euclidean distances of every row to every centre: n x nClusters. */
  transform(x: DsArray<Block>): DsArray {
    const s = fitted(NAME, "transform", this.state);
    return distancesOf(`${NAME}.transform`, this.denseInput("transform", x, s), this.clusterCenters);
  }

  /** `fit(x)`, then `transform(x)`. */
  async fitTransform(x: DsArray<Block>): Promise<DsArray> {
    await this.fit(x);
    return this.transform(x);
  }

  /** Minus the inertia of x: the sum of squared distances of its rows to their closest centre, negated. */
  async score(x: DsArray<Block>): Promise<number> {
    const s = fitted(NAME, "score", this.state);
    const p = await lloydPartial(`${NAME}.score`, this.denseInput("score", x, s), this.clusterCenters, true);
    let inertia = 0;
    for (let c = 0; c < this.nClusters; c++) inertia += p.data[c * (s.nFeaturesIn + 2) + s.nFeaturesIn + 1];
    return -inertia;
  }

  private denseInput(method: string, x: DsArray<Block>, s: KMeansState): DsArray {
    const input = checkInput(NAME, method, x, s.nFeaturesIn);
    return (input.sparse ? input.toDense() : input) as DsArray;
  }

  toJSON(): SavedModel<SavedOptions, KMeansState> {
    return savedModel(
      NAME,
      {
        nClusters: this.nClusters,
        init: this.init instanceof Matrix ? this.init.toArray() : this.init,
        maxIter: this.maxIter,
        tol: this.tol,
        randomState: this.randomState,
        nInit: this.nInit,
      },
      fitted(NAME, "toJSON", this.state),
    );
  }

  /** A model saved with `toJSON()` (or its JSON text parsed). */
  static fromJSON(json: unknown): KMeans {
    const saved = checkSaved<SavedOptions, KMeansState>(NAME, json);
    const model = new KMeans(saved.options);
    model.state = saved.state;
    return model;
  }
}
