import { ArgumentError, ShapeError } from "../../core/errors.ts";

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
      `${op}: learningRate must be a finite number > 0 but was ${JSON.stringify(learningRate)}`,
    );
  }
  if (typeof momentum !== "number" || !(momentum >= 0 && momentum < 1)) {
    throw new ArgumentError(`${op}: momentum must be a number in [0, 1) but was ${JSON.stringify(momentum)}`);
  }
  if (typeof staleness !== "boolean") {
    throw new ArgumentError(`${op}: staleness must be true or false but was ${JSON.stringify(staleness)}`);
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
        throw new ArgumentError(`${where}: delay must be an integer >= 0 but was ${JSON.stringify(delay)}`);
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
