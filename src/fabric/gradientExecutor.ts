/**
 * Where a fabric worker's mini-batch gradient is computed. The environment chooses: virtual time computes
 * inline on the main thread (one at a time, in event order, so that runs stay bit-identical), real time
 * submits to the runtime's worker-thread pool (several workers' gradients in parallel, and the main thread
 * stays free for the transport's timers and the shards). Both run the same `DenseNetworkMath` code on the
 * same float32 parameters, so they give the same numbers.
 */
import { Matrix } from "../core/matrix.ts";
import { checkParams, type Labels } from "../core/model/checks.ts";
import { float32Block, float32BlockWords, float32View } from "../core/model/float32Block.ts";
import { BlockRef } from "../runtime/blockRef.ts";
import { engine } from "../runtime/runtime.ts";
import { DenseNetwork } from "./model/denseNetwork.ts";
import type { TrainableModel } from "./model/trainableModel.ts";

/** One mini-batch gradient to compute: the model at `params` on the batch `x`, `y`. */
export interface GradientJob {
  model: TrainableModel;
  params: Float32Array;
  x: Matrix;
  y: Labels;
}

/** Computes a job's mean gradient, at once or later (a promise). */
export type GradientExecutor = (job: GradientJob) => Float32Array | Promise<Float32Array>;

/**
 * Computes the gradient on the calling thread, now.
 *
 * @example
 * ```ts
 * const grad = inlineGradient({ model, params, x: batch.x, y: batch.y }); // Float32Array(model.paramCount)
 * ```
 */
export function inlineGradient(job: GradientJob): Float32Array {
  const grad = new Float32Array(job.model.paramCount);
  job.model.lossAndGradient(job.params, job.x, job.y, grad);
  return grad;
}

/**
 * Computes the gradient as a task of the runtime's engine (`engine()`: the worker-thread pool unless `init`
 * chose otherwise). `params` and `y` are copied when the task is submitted, so the caller may change them
 * at once. A parameter vector of the wrong length rejects with the model's `ShapeError` before anything is
 * submitted; a failure on the worker rejects with `TaskFailedError` whose cause is the model's own error
 * (e.g. `mlp.lossAndGradient: x has 10 columns but the model takes 784 inputs`). A model that is
 * not one of ours (`fabric.mlp`, `fabric.softmaxRegression`) has no kernel the workers know: it is computed
 * inline.
 *
 * @example
 * ```ts
 * const grads = await Promise.all(batches.map((b) => poolGradient({ model, params, x: b.x, y: b.y })));
 * ```
 */
export async function poolGradient(job: GradientJob): Promise<Float32Array> {
  const { model, params, x, y } = job;
  if (!(model instanceof DenseNetwork)) return inlineGradient(job);
  // Checked here: the packed block would not tell one value too many from the padding of an odd count.
  checkParams(`${model.kind}.lossAndGradient`, "params", params, model.paramCount);
  const labelBlock = Matrix.zeros(y.length, 1);
  labelBlock.data.set(y);
  const [grad] = engine().submit({
    op: `${model.kind}.lossAndGradient`,
    kernel: "model.denseNetworkGradient",
    attrs: model.spec,
    inputs: [BlockRef.of(float32Block(params)), BlockRef.of(x), BlockRef.of(labelBlock)],
    outputs: [
      [1, float32BlockWords(model.paramCount)],
      [1, 1],
    ],
  });
  // A copy off the shared block: the caller owns a plain Float32Array, as inline.
  return float32View((await grad.ready) as Matrix, model.paramCount).slice();
}
