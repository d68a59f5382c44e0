/**
 * scikit-learn's `GridSearchCV`: every candidate of a parameter grid fitted on the train set of every
 * cross-validation fold and scored on its test set, then the best candidate (highest mean test score, the
 * first one among ties) refitted on all the data.
 *
 * Concurrency: all candidate x fold fits are started at once (fit and score are asynchronous and submit
 * block tasks), so the pool works on tasks of many fits at the same time; they overlap where one fit waits
 * on a small result on the main thread (a KMeans iteration, a dense solve). Memory: each fold's train and
 * test arrays are gathered once and shared by all candidates, and dropped when the fold's last fit is
 * done; with every fit in flight, all folds are alive at once, about nSplits times the data
 * (`concurrentFitsMax` bounds that: fits start fold by fold, so about concurrentFitsMax / candidates + 1
 * folds are alive).
 */
import type { Block } from "../../core/block.ts";
import { CsrMatrix } from "../../core/csrMatrix.ts";
import { ArgumentError, DsfabricError } from "../../core/errors.ts";
import type { DsArray } from "../../array/dsArray.ts";
import { booleanOption, describeValue, intOption, readOptions } from "../../core/options.ts";
import { fitted, type Estimator } from "../estimator.ts";
import { foldArrays, KFold, type CrossValidator, type Fold } from "./kFold.ts";
import { parameterGrid, type ParamGrid, type Params } from "./parameterGrid.ts";
import { StratifiedKFold } from "./stratifiedKFold.ts";
import { checkArray, checkPaired } from "./shuffle.ts";

/** Builds an estimator from one candidate's parameters. */
export type EstimatorFactory<E extends Estimator> = (params: Params) => E;

/** An estimator class: built with `new Class({ ...baseOptions, ...params })`. */
export type EstimatorClass<E extends Estimator> = new (options: never) => E;

/** A scorer: higher is better (scikit-learn's callable `scoring(estimator, X, y)`). */
export type Scorer<E extends Estimator> = (
  estimator: E,
  x: DsArray<Block>,
  y: DsArray<Block> | undefined,
) => Promise<number>;

/** Options of `GridSearchCV` (scikit-learn's `cv`, `scoring`, `refit`). */
export interface GridSearchCVOptions<E extends Estimator> {
  /**
   * The folds: a count (default 5) of unshuffled folds, made by StratifiedKFold for a classifier fitted
   * with y and by KFold otherwise (scikit-learn's `check_cv`); or a `KFold`, `StratifiedKFold`, or any
   * `CrossValidator`.
   */
  cv?: number | CrossValidator;
  /** How to score a fitted candidate on a test set. Default: the estimator's own `score(x, y)`. */
  scoring?: Scorer<E>;
  /** Refit the best candidate on all the data as `bestEstimator`. Default true. */
  refit?: boolean;
  /** Options every candidate shares (only with an estimator class); the grid's values override them. */
  baseOptions?: Params;
  /** Most fits in flight at once (bounds memory, see above). Default: all of them. */
  concurrentFitsMax?: number;
  /**
   * What a fit or score that throws counts as (scikit-learn's `error_score`): a number (default NaN, so the
   * candidate ranks last), with one warning for all failed fits; or "raise" to reject `fit` with the first
   * failure. When every fit fails, `fit` rejects whatever this is.
   */
  errorScore?: number | "raise";
}

/** scikit-learn's `cv_results_`, camelCase: one entry per candidate in each array. */
export interface CvResults {
  params: Params[];
  meanTestScore: number[];
  stdTestScore: number[];
  /** 1 for the best; ties share the lowest rank; a NaN mean ranks last. */
  rankTestScore: number[];
  /** `split0TestScore`, `split1TestScore`, ...: each candidate's score on that fold. */
  [split: `split${number}TestScore`]: number[];
}

interface SearchState<E> {
  cvResults: CvResults;
  bestIndex: number;
  bestEstimator: E | undefined;
}

const NAME = "GridSearchCV";
const KNOWN = ["cv", "scoring", "refit", "baseOptions", "concurrentFitsMax", "errorScore"];

/** `fn` applied to every item, at most `limit` promises pending at a time; the first failure rejects. */
async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  if (limit >= items.length) return Promise.all(items.map(fn));
  const out = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const k = next++;
      try {
        out[k] = await fn(items[k]);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return out;
}

/** Ranks as scikit-learn's: `rankdata(-means, method="min")`, NaN means below every other. */
function ranksOf(means: readonly number[]): number[] {
  const finite = means.filter((m) => !Number.isNaN(m));
  const floor = finite.length === 0 ? 0 : Math.min(...finite) - 1;
  const v = means.map((m) => (Number.isNaN(m) ? floor : m));
  return v.map((m) => 1 + v.filter((o) => o > m).length);
}

/**
 * Exhaustive search over a parameter grid with cross-validation.
 *
 * @example
 * ```ts
 * const x = ds.random([300, 3], { blockSize: [100, 3], seed: 1 });
 * const y = x.matmul(ds.array([[1], [2], [3]], { blockSize: [3, 1] })).add(4);
 * const search = await new GridSearchCV(LinearRegression, { fitIntercept: [true, false] }).fit(x, y);
 * search.bestParams; // { fitIntercept: true }
 * search.cvResults.rankTestScore; // [1, 2]
 * @see docs/ml.md (GridSearchCV)
 * ```
 */
export class GridSearchCV<E extends Estimator> {
  readonly candidates: readonly Params[];
  /** The splitter given, or KFold for a fold count (StratifiedKFold replaces it for a classifier with y). */
  readonly cv: CrossValidator;
  readonly refit: boolean;
  readonly concurrentFitsMax: number;
  readonly errorScore: number | "raise";
  private readonly make: (params: Params) => E;
  private readonly scoring: Scorer<E> | undefined;
  /** A fold count was given (or none) and the estimator is a classifier: stratify when y is given. */
  private readonly stratifyCount: boolean;
  private state: SearchState<E> | undefined;

  constructor(
    estimator: EstimatorClass<E> | EstimatorFactory<E>,
    paramGrid: ParamGrid | readonly ParamGrid[],
    options: GridSearchCVOptions<E> = {},
  ) {
    const o = readOptions(NAME, options, KNOWN);
    this.make = makerOf(estimator, o.baseOptions);
    this.candidates = parameterGrid(NAME, paramGrid);
    this.cv = cvOf(o.cv);
    if (o.scoring !== undefined && typeof o.scoring !== "function") {
      throw new ArgumentError(
        `${NAME}: scoring must be a function (estimator, x, y) => Promise<number> but was ${describeValue(o.scoring)}`,
      );
    }
    this.scoring = o.scoring as Scorer<E> | undefined;
    this.refit = booleanOption(NAME, o, "refit", true);
    this.concurrentFitsMax = intOption(NAME, o, "concurrentFitsMax", Number.MAX_SAFE_INTEGER, 1);
    if (o.errorScore !== undefined && o.errorScore !== "raise" && typeof o.errorScore !== "number") {
      throw new ArgumentError(
        `${NAME}: errorScore must be a number or "raise" but was ${describeValue(o.errorScore)}`,
      );
    }
    this.errorScore = o.errorScore ?? Number.NaN;
    // Build every candidate once now, so that a misspelt option or a bad value fails here, not mid-search.
    const built = this.candidates.map((params) => this.make(params));
    this.stratifyCount =
      (o.cv === undefined || typeof o.cv === "number") && built[0]?.estimatorType === "classifier";
  }

  /** Runs the search on x (and y), then refits the best candidate on all of it when `refit`. */
  async fit(x: DsArray<Block>, y?: DsArray<Block>): Promise<this> {
    const input = checkArray(`${NAME}.fit`, "x", x);
    const target = y === undefined ? undefined : checkArray(`${NAME}.fit`, "y", y);
    checkPaired(`${NAME}.fit`, input, target);
    const labels = target !== undefined && target.shape[1] === 1 ? await columnValues(target) : undefined;
    const cv =
      this.stratifyCount && labels !== undefined
        ? new StratifiedKFold({ nSplits: (this.cv as KFold).nSplits })
        : this.cv;
    const folds: Fold[] = [...cv.split(input, labels)];
    if (folds.length === 0) throw new ArgumentError(`${NAME}.fit: cv gave no folds`);
    const nCandidates = this.candidates.length;
    // Fold arrays are gathered on first use and dropped after the fold's last fit.
    const foldData: (DsArray<Block>[] | undefined)[] = folds.map(() => undefined);
    const pending = folds.map(() => nCandidates);
    const jobs = folds.flatMap((_, f) => this.candidates.map((_, c) => ({ f, c })));
    const failures: DsfabricError[] = [];
    const scores = await mapBounded(jobs, this.concurrentFitsMax, async ({ f, c }) => {
      const data = (foldData[f] ??= foldArrays(input, target, folds[f]));
      const [xTrain, xTest, yTrain, yTest] = data;
      const params = this.candidates[c];
      try {
        const model = await this.make(params).fit(xTrain, yTrain);
        const score = await (this.scoring === undefined
          ? model.score(xTest, yTest)
          : this.scoring(model, xTest, yTest));
        if (typeof score !== "number") throw new ArgumentError(`the score was ${typeof score}, not a number`);
        return score;
      } catch (e) {
        const failure = new DsfabricError(
          `${NAME}.fit: candidate ${JSON.stringify(params)} on fold ${f} failed: ${(e as Error).message}`,
          { cause: e },
        );
        if (this.errorScore === "raise") throw failure;
        failures.push(failure);
        return this.errorScore;
      } finally {
        if (--pending[f] === 0) foldData[f] = undefined;
      }
    });
    if (failures.length === jobs.length) {
      throw new DsfabricError(
        `${NAME}.fit: all ${jobs.length} fits failed; the first: ${failures[0].message}`,
        { cause: failures[0] },
      );
    }
    if (failures.length > 0) {
      process.emitWarning(
        `${failures.length} of ${jobs.length} fits failed and were scored ${this.errorScore}; the first: ${failures[0].message}`,
        { type: "FitFailedWarning", code: "DSFABRIC_FIT_FAILED" },
      );
    }
    const cvResults = resultsOf(this.candidates, folds.length, (c, f) => scores[f * nCandidates + c]);
    const bestIndex = cvResults.rankTestScore.indexOf(1);
    let bestEstimator: E | undefined;
    if (this.refit) bestEstimator = await this.make(this.candidates[bestIndex]).fit(input, target);
    this.state = { cvResults, bestIndex, bestEstimator };
    return this;
  }

  /** Per-candidate results, as scikit-learn's `cv_results_`. */
  get cvResults(): CvResults {
    return fitted(NAME, "cvResults", this.state).cvResults;
  }

  /** The index of the best candidate in `candidates` and in `cvResults`. */
  get bestIndex(): number {
    return fitted(NAME, "bestIndex", this.state).bestIndex;
  }

  /** The parameters of the best candidate (without the base options). */
  get bestParams(): Params {
    return { ...this.candidates[this.bestIndex] };
  }

  /** The mean test score of the best candidate. */
  get bestScore(): number {
    return this.cvResults.meanTestScore[this.bestIndex];
  }

  /** The best candidate refitted on all the data (only with `refit: true`). */
  get bestEstimator(): E {
    const s = fitted(NAME, "bestEstimator", this.state);
    if (s.bestEstimator === undefined) {
      throw new ArgumentError(`${NAME}.bestEstimator: refit was false, so no estimator was refitted`);
    }
    return s.bestEstimator;
  }

  /** The best estimator's score on x (and y), with `scoring` when given. */
  async score(x: DsArray<Block>, y?: DsArray<Block>): Promise<number> {
    const best = this.bestEstimator;
    return this.scoring === undefined ? best.score(x, y) : this.scoring(best, x, y);
  }
}

/** The values of a one-column array, on the main thread (n numbers: the labels a stratified split needs). */
async function columnValues(y: DsArray<Block>): Promise<Float64Array> {
  const whole = await y.collect();
  return (whole instanceof CsrMatrix ? whole.toDense() : whole).data;
}

/** The function that builds a candidate: a factory as it is, or `new Class({...base, ...params})`. */
function makerOf<E extends Estimator>(
  estimator: EstimatorClass<E> | EstimatorFactory<E>,
  base: unknown,
): (params: Params) => E {
  if (typeof estimator !== "function") {
    throw new ArgumentError(
      `${NAME}: estimator must be an estimator class or a function params => estimator but was ${describeValue(estimator)}`,
    );
  }
  if (base !== undefined && (typeof base !== "object" || base === null || Array.isArray(base))) {
    throw new ArgumentError(`${NAME}: baseOptions must be an options object but was ${describeValue(base)}`);
  }
  // A class has a prototype with fit; an arrow function has no prototype.
  const isClass = typeof (estimator.prototype as { fit?: unknown } | undefined)?.fit === "function";
  if (!isClass) {
    if (base !== undefined) {
      throw new ArgumentError(
        `${NAME}: baseOptions is only for an estimator class; a factory sets its own options`,
      );
    }
    const factory = estimator as EstimatorFactory<E>;
    return (params) => {
      const model = factory({ ...params });
      if (typeof model?.fit !== "function" || typeof model.score !== "function") {
        throw new ArgumentError(`${NAME}: the factory must return an estimator (with fit and score)`);
      }
      return model;
    };
  }
  const Class = estimator as new (options: Params) => E;
  if (typeof (Class.prototype as { score?: unknown }).score !== "function") {
    throw new ArgumentError(
      `${NAME}: ${Class.name} has no score method; pass scoring: (estimator, x, y) => Promise<number>`,
    );
  }
  return (params) => new Class({ ...(base as Params | undefined), ...params });
}

/** The cv option as a CrossValidator. */
function cvOf(cv: unknown): CrossValidator {
  if (cv === undefined || typeof cv === "number") return new KFold({ nSplits: cv ?? 5 });
  if (typeof cv === "object" && cv !== null && typeof (cv as CrossValidator).split === "function") {
    return cv as CrossValidator;
  }
  throw new ArgumentError(
    `${NAME}: cv must be a number of folds or a splitter such as new KFold(...) but was ${describeValue(cv)}`,
  );
}

/** cv_results_ from each (candidate, fold) score. */
function resultsOf(
  candidates: readonly Params[],
  nSplits: number,
  score: (candidate: number, fold: number) => number,
): CvResults {
  const per = candidates.map((_, c) => Array.from({ length: nSplits }, (_, f) => score(c, f)));
  const meanTestScore = per.map((s) => s.reduce((a, b) => a + b, 0) / nSplits);
  const stdTestScore = per.map((s, c) =>
    Math.sqrt(s.reduce((a, v) => a + (v - meanTestScore[c]) ** 2, 0) / nSplits),
  );
  const results: CvResults = {
    params: candidates.map((p) => ({ ...p })),
    meanTestScore,
    stdTestScore,
    rankTestScore: ranksOf(meanTestScore),
  };
  for (let f = 0; f < nSplits; f++) results[`split${f}TestScore`] = per.map((s) => s[f]);
  return results;
}
