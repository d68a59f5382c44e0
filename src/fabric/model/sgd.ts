import { ArgumentError, ShapeError } from "../../core/errors.ts";
import { describeValue } from "../../core/options.ts";

/** Options of `sgd`. */
export interface SgdOptions {
  /** Step size (> 0). */
  learningRate: number;
  /** Momentum coefficient in [0, 1) (default 0: plain SGD). */
  momentum?: number;
  /**
   * Staleness-aware step (default false): an update computed `delay` versions ago is applied with
   * `learningRate / max(1, delay)`, as in Zhang, Gupta, Lian and Liu, "Staleness-aware Async-SGD for
   * Distributed Deep Learning", IJCAI 2016.
   */
  staleness?: boolean;
}

/** Applies gradients to parameter slices; one instance per parameter store (it keeps the momentum). */
export interface Optimizer {
  readonly learningRate: number;
  readonly momentum: number;
  readonly staleness: boolean;
  /**
   * Updates `params[offset .. offset + length)` with the gradient: `v = momentum * v + lr(delay) * g`,
   * `p -= v`. `grad` is either the slice's gradient (`grad.length === length`, `grad[k]` for
   * `params[offset + k]`) or indexed like `params` (`grad.length === params.length`). `delay` is the number
   * of versions the parameters advanced since the gradient's base version (0 when fresh).
   */
  apply(params: Float32Array, grad: Float32Array, offset: number, length: number, delay: number): void;
  /** The step size used for an update of this delay. */
  learningRateFor(delay: number): number;
  /** Forgets the momentum (after a failover, for example). */
  reset(): void;
  toJSON(): { kind: "sgd"; learningRate: number; momentum: number; staleness: boolean };
}

/**
 * Stochastic gradient descent with momentum and an optional staleness-aware learning rate, for
 * parameter-server shards that apply updates of varying delay to their slice of the model.
 *
 * @example
 * ```ts
 * const opt = sgd({ learningRate: 0.1, momentum: 0.9, staleness: true });
 * const params = new Float32Array([1, 1, 1, 1]);
 * opt.apply(params, new Float32Array([1, 1]), 2, 2, 4); // the slice [2, 4) with lr 0.1 / 4
 * params; // Float32Array [1, 1, 0.975, 0.975] (to float32 precision)
 * ```
 */
export function sgd(options: SgdOptions): Optimizer {
  const op = "sgd";
  if (typeof options !== "object" || options === null) {
    throw new ArgumentError(
      `${op}: options must be { learningRate, momentum?, staleness? } but was ${String(options)}`,
    );
  }
  const { learningRate, momentum = 0, staleness = false } = options;
  if (typeof learningRate !== "number" || !Number.isFinite(learningRate) || learningRate <= 0) {
    throw new ArgumentError(
      `${op}: learningRate must be a finite number > 0 but was ${describeValue(learningRate)}`,
    );
  }
  if (typeof momentum !== "number" || !(momentum >= 0 && momentum < 1)) {
    throw new ArgumentError(`${op}: momentum must be a number in [0, 1) but was ${describeValue(momentum)}`);
  }
  if (typeof staleness !== "boolean") {
    throw new ArgumentError(`${op}: staleness must be true or false but was ${describeValue(staleness)}`);
  }
  let velocity: Float32Array | undefined;
  const learningRateFor = (delay: number): number =>
    staleness ? learningRate / Math.max(1, delay) : learningRate;
  return {
    learningRate,
    momentum,
    staleness,
    learningRateFor,
    apply(params, grad, offset, length, delay): void {
      const where = "sgd.apply";
      if (!(params instanceof Float32Array) || !(grad instanceof Float32Array)) {
        throw new ArgumentError(`${where}: params and grad must be Float32Arrays`);
      }
      if (
        !Number.isInteger(offset) ||
        !Number.isInteger(length) ||
        offset < 0 ||
        length < 0 ||
        offset + length > params.length
      ) {
        throw new ArgumentError(
          `${where}: slice [${offset}, ${offset + length}) is not inside params (${params.length} values); offset and length must be non-negative integers`,
        );
      }
      if (grad.length !== length && grad.length !== params.length) {
        throw new ShapeError(
          `${where}: grad has ${grad.length} values but must have the slice's ${length} or, indexed like params, ${params.length}`,
        );
      }
      if (!Number.isInteger(delay) || delay < 0) {
        throw new ArgumentError(`${where}: delay must be an integer >= 0 but was ${describeValue(delay)}`);
      }
      const g0 = grad.length === length ? 0 : offset;
      const lr = learningRateFor(delay);
      if (momentum === 0) {
        for (let k = 0; k < length; k++) params[offset + k] -= lr * grad[g0 + k];
        return;
      }
      velocity ??= new Float32Array(params.length);
      if (velocity.length !== params.length) {
        throw new ShapeError(
          `${where}: params has ${params.length} values but this optimizer's momentum was made for ${velocity.length} (use one optimizer per parameter store)`,
        );
      }
      for (let k = 0; k < length; k++) {
        const v = momentum * velocity[offset + k] + lr * grad[g0 + k];
        velocity[offset + k] = v;
        params[offset + k] -= v;
      }
    },
    reset(): void {
      velocity = undefined;
    },
    toJSON: () => ({ kind: "sgd", learningRate, momentum, staleness }),
  };
}

/**
 * How a synchronous policy (BSP, all-reduce) sets the step size of one update that averages k workers'
 * mini-batches: "linear" is the linear scaling rule with gradual warm-up of Goyal et al., "Accurate, Large
 * Minibatch SGD: Training ImageNet in 1 Hour" (2017): an effective batch k times larger takes a step k
 * times larger, ramped linearly from the base rate over the first `warmupEpochs` epochs; "sqrt" takes
 * sqrt(k) times the base rate, ramped the same way (Krizhevsky, "One weird trick for parallelizing
 * convolutional neural networks", 2014; Hoffer, Hubara and Soudry, "Train longer, generalize better",
 * 2017), which keeps the variance of the update equal to a single mini-batch's: a more cautious rule for
 * batches past the size up to which the linear rule holds; "none" keeps the base rate (one averaged step
 * moves about k times less than k separate asynchronous steps).
 */
export interface SyncScaling {
  rule: "linear" | "sqrt" | "none";
  /** Epochs of the training data over which the rate ramps from base to its scaled value (0: none). */
  warmupEpochs: number;
}

/**
 * The warm-up of Goyal et al. (2017), section 2.2: 5 epochs. Taken from the paper, not tuned to any
 * scenario here.
 */
export const DEFAULT_WARMUP_EPOCHS = 5;

/**
 * The step size of a synchronous update that averages `k` mini-batches, after `epochsDone` epochs of data
 * were consumed by earlier updates: `base * (1 + (k - 1) * min(1, epochsDone / warmupEpochs))` under the
 * linear rule (so `base` at the start and `k * base` after the warm-up), the same with sqrt(k) in place of
 * k under "sqrt", and `base` under "none".
 *
 * @example
 * ```ts
 * const linear = { rule: "linear", warmupEpochs: 5 } as const;
 * syncLearningRate(0.05, 32, 0, linear); // 0.05: the warm-up starts at the base rate
 * syncLearningRate(0.05, 32, 2.5, linear); // 0.825: half way up
 * syncLearningRate(0.05, 32, 9, linear); // 1.6: 32 x 0.05 once warm
 * syncLearningRate(0.05, 16, 9, { rule: "sqrt", warmupEpochs: 5 }); // 0.2: sqrt(16) x 0.05
 * syncLearningRate(0.05, 32, 9, { rule: "none", warmupEpochs: 0 }); // 0.05
 * ```
 */
export function syncLearningRate(base: number, k: number, epochsDone: number, scaling: SyncScaling): number {
  if (scaling.rule === "none") return base;
  const target = scaling.rule === "linear" ? k : Math.sqrt(k);
  const ramp = scaling.warmupEpochs === 0 ? 1 : Math.min(1, epochsDone / scaling.warmupEpochs);
  return base * (1 + (target - 1) * ramp);
}

/**
 * The learning-rate schedule of one synchronous parameter store: it counts the data its updates consumed
 * and says by what factor to scale each averaged gradient. Scaling the gradient rather than the optimizer's
 * rate lets the store keep its own optimizer; with momentum the velocity then keeps each step's own rate
 * (Goyal et al.'s "momentum correction" is not applied; it changes only the warm-up transient here, since
 * the rate never drops).
 *
 * @example
 * ```ts
 * const schedule = new SyncSchedule({ rule: "linear", warmupEpochs: 1 }, 256);
 * schedule.next([32, 32, 32, 32]); // 1: the first update takes the base rate
 * schedule.next([32, 32, 32, 32]); // 2.5: 0.5 epochs done, half way from 1 to 4
 * ```
 */
export class SyncSchedule {
  /** Samples consumed so far (an integer, so that the epoch count has no accumulated rounding). */
  private samplesDone = 0;

  /** @param rows training rows: one epoch is this many samples */
  constructor(
    private readonly scaling: SyncScaling,
    private readonly rows: number,
  ) {}

  /**
   * The factor for the average of one update's mini-batches (`batchRows[i]` rows each, one per worker):
   * the scheduled rate over the base rate. Counts their rows as consumed.
   */
  next(batchRows: readonly number[]): number {
    const epochsDone = this.samplesDone / this.rows;
    for (const b of batchRows) this.samplesDone += b;
    // The rate in units of the base rate: exact, with no division by the base.
    return syncLearningRate(1, batchRows.length, epochsDone, this.scaling);
  }
}
