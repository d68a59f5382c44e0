/**
 * NearestNeighbors, as scikit-learn's with `algorithm="brute"` and the Euclidean metric. fit keeps the
 * (dense) DsArray; every query is one task per (query strip, fitted strip) pair and a merge tree per query
 * strip (neighborsTasks.ts), so no step holds more than one pair of strips and k candidates per query row.
 */
import type { Block } from "../../core/block.ts";
import { ArgumentError } from "../../core/errors.ts";
import { ds } from "../../array/ds.ts";
import { DsArray } from "../../array/dsArray.ts";
import { intOption, readOptions } from "../../core/options.ts";
import { checkInput, checkSaved, fitted, type SavedModel, savedModel } from "../estimator.ts";
import { kNearest, rowsOf, type Neighbors } from "./neighborsTasks.ts";

/** Options of `NearestNeighbors` (scikit-learn's `n_neighbors`). */
export interface NearestNeighborsOptions {
  /** Neighbours per query when kneighbors is not told otherwise. Default 5. */
  nNeighbors?: number;
}

/** Options of one `kneighbors` call. */
export interface KNeighborsOptions {
  /** Neighbours to return (default: the estimator's nNeighbors). */
  nNeighbors?: number;
}

/** What a saved NearestNeighbors (and KNeighborsClassifier) holds: the training rows themselves. */
export interface NeighborsState {
  /** The fitted rows, n x features. */
  fitX: number[][];
  /** The block size the fitted DsArray had, restored by fromJSON. */
  blockSize: [number, number];
}

/** The fitted DsArray, checked and made dense, shared with KNeighborsClassifier. */
export class FittedRows {
  readonly x: DsArray;

  constructor(x: DsArray) {
    this.x = x;
  }

  get nFeaturesIn(): number {
    return this.x.shape[1];
  }

  get nSamplesFit(): number {
    return this.x.shape[0];
  }

  /**
   * x checked (DsArray, at least one row and column), made dense and computed. The rows hold their own
   * references to x's blocks, so the caller may dispose x after fit; `release` drops them.
   */
  static async of(name: string, x: DsArray<Block>): Promise<FittedRows> {
    let input = checkInput(name, "fit", x);
    const [n, m] = input.shape;
    if (n === 0 || m === 0)
      throw new ArgumentError(`${name}.fit: x has no rows or no columns (shape [${n}, ${m}])`);
    if (input.sparse) input = input.toDense();
    // Computed now, so that toJSON can read the rows without waiting.
    const computed = await (input as DsArray).persist();
    return new FittedRows(DsArray.fromBlocks(computed.grid, computed.blocks()));
  }

  /** Drops the fitted rows' blocks (a refit replaces them). */
  release(): void {
    this.x.dispose();
  }

  /** The k nearest fitted rows of every row of q (q undefined: of every fitted row, excluding itself). */
  neighbors(name: string, method: string, q: DsArray<Block> | undefined, k: number): Neighbors {
    let query: DsArray | undefined;
    if (q !== undefined) {
      let input = checkInput(name, method, q, this.nFeaturesIn);
      if (input.sparse) input = input.toDense();
      query = input as DsArray;
    }
    const available = q === undefined ? this.nSamplesFit - 1 : this.nSamplesFit;
    if (k > available) {
      throw new ArgumentError(
        `${name}.${method}: nNeighbors is ${k} but only ${available} fitted rows can be neighbours` +
          (q === undefined ? " (each fitted row excludes itself)" : "") +
          ` (need nNeighbors <= ${available})`,
      );
    }
    return kNearest(`${name}.${method}`, this.x, query, k);
  }

  state(name: string): NeighborsState {
    return { fitX: rowsOf(this.x, `${name}.toJSON`), blockSize: [...this.x.blockSize] };
  }

  static fromState(name: string, state: NeighborsState): FittedRows {
    if (!Array.isArray(state?.fitX) || state.fitX.length === 0 || !Array.isArray(state.blockSize)) {
      throw new ArgumentError(`${name}.fromJSON: the saved state has no training rows (fitX, blockSize)`);
    }
    return new FittedRows(ds.array(state.fitX, { blockSize: state.blockSize }));
  }
}

const NAME = "NearestNeighbors";

/**
 * Unsupervised nearest neighbours of the rows of a DsArray by brute force (Euclidean). A sparse x or
 * query is made dense, block by block. `kneighbors` gives `[distances, indices]`, both n_q x k DsArrays
 * (blocked like the query's rows, one column block), each row ascending by distance, ties to the lower
 * index. Saved models (toJSON) hold the training rows.
 *
 * @example
 * ```ts
 * const x = ds.array([[0], [1], [3], [7]], { blockSize: [2, 1] });
 * const nn = await new NearestNeighbors({ nNeighbors: 2 }).fit(x);
 * const [dist, ind] = await nn.kneighbors(ds.array([[2]], { blockSize: [1, 1] }));
 * await ind.toArray(); // [[1, 2]]
 * await dist.toArray(); // [[1, 1]]
 * ```
 */
export class NearestNeighbors {
  readonly nNeighbors: number;
  private rows: FittedRows | undefined;

  constructor(options: NearestNeighborsOptions = {}) {
    const o = readOptions(NAME, options, ["nNeighbors"]);
    this.nNeighbors = intOption(NAME, o, "nNeighbors", 5, 1);
  }

  get nFeaturesIn(): number {
    return fitted(NAME, "nFeaturesIn", this.rows).nFeaturesIn;
  }

  /** Rows of the fitted x. */
  get nSamplesFit(): number {
    return fitted(NAME, "nSamplesFit", this.rows).nSamplesFit;
  }

  /** Keeps x (n x features; made dense and computed) as the points to search. */
  async fit(x: DsArray<Block>): Promise<this> {
    const rows = await FittedRows.of(NAME, x);
    this.rows?.release();
    this.rows = rows;
    return this;
  }

  /**
   * The `nNeighbors` nearest fitted rows of every row of q: `[distances, indices]`, both n_q x k DsArrays,
   * computed. Without q, the neighbours of every fitted row among the others (a row is never its own
   * neighbour, even when duplicated), as scikit-learn's `kneighbors()` without X.
   */
  async kneighbors(q?: DsArray<Block>, options: KNeighborsOptions = {}): Promise<[DsArray, DsArray]> {
    const rows = fitted(NAME, "kneighbors", this.rows);
    const o = readOptions(`${NAME}.kneighbors`, options, ["nNeighbors"]);
    const k = intOption(`${NAME}.kneighbors`, o, "nNeighbors", this.nNeighbors, 1);
    const { distances, indices } = rows.neighbors(NAME, "kneighbors", q, k);
    await Promise.all([distances.persist(), indices.persist()]);
    return [distances, indices];
  }

  toJSON(): SavedModel<{ nNeighbors: number }, NeighborsState> {
    return savedModel(NAME, { nNeighbors: this.nNeighbors }, fitted(NAME, "toJSON", this.rows).state(NAME));
  }

  /** A model saved with `toJSON()` (or its JSON text parsed). */
  static fromJSON(json: unknown): NearestNeighbors {
    const saved = checkSaved<{ nNeighbors: number }, NeighborsState>(NAME, json);
    const model = new NearestNeighbors(saved.options);
    model.rows = FittedRows.fromState(NAME, saved.state);
    return model;
  }
}
