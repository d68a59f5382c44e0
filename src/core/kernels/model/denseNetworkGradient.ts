/**
 * The mini-batch gradient of a dense network as a kernel, so that any executor (in particular a worker
 * thread of the pool) can compute it: the fabric's real-time workers submit one task per mini-batch and
 * several gradients run in parallel. The parameters and the gradient are float32 vectors packed bit for bit
 * in their blocks (model/float32Block.ts), and the arithmetic is `DenseNetworkMath.lossAndGradient`'s, so
 * the result is bit-identical to that method called on the main thread.
 */
import { Matrix } from "../../matrix.ts";
import { DenseNetworkMath, type DenseNetworkSpec } from "../../model/denseNetworkMath.ts";
import { float32BlockWords, float32View } from "../../model/float32Block.ts";

/** Networks kept per thread: a run trains one model, an evaluation or a test may use a few more. */
const NETWORKS_MAX = 4;

/**
 * This thread's networks by spec. Kept because a network holds float64 copies of the weights and per-batch
 * scratch (about 2 MB for a 784-128-10 MLP) that would otherwise be allocated again for every mini-batch.
 * Kernels run one at a time on a thread, so sharing an instance between tasks is safe.
 */
const networks = new Map<string, DenseNetworkMath>();

function networkFor(spec: DenseNetworkSpec): DenseNetworkMath {
  const key = `${spec.kind}/${spec.layers.join(",")}/${spec.l2}`;
  let net = networks.get(key);
  if (net === undefined) {
    if (networks.size >= NETWORKS_MAX) {
      const oldest = networks.keys().next().value;
      if (oldest !== undefined) networks.delete(oldest);
    }
    net = new DenseNetworkMath(spec);
    networks.set(key, net);
  }
  return net;
}

/**
 * Inputs `[params (float32Block of paramCount values), x (rows x inputs), labels (rows x 1)]`; outputs
 * `[gradient (float32Block of paramCount values), loss (1 x 1)]`. A bad input throws the network's own
 * `ShapeError` or `ArgumentError` (e.g. `mlp.lossAndGradient: x has 10 columns but the model takes 784
 * inputs`), which the engine reports as the cause of a `TaskFailedError`.
 *
 * @example
 * ```ts
 * const [gradBlock, loss] = runKernel(
 *   "model.denseNetworkGradient",
 *   [float32Block(params), x, labels],
 *   { kind: "mlp", layers: [784, 128, 10], l2: 0 },
 * );
 * const grad = float32View(gradBlock, params.length);
 * ```
 */
export function denseNetworkGradient(inputs: readonly Matrix[], spec: DenseNetworkSpec): Matrix[] {
  const [paramBlock, x, labelBlock] = inputs;
  const net = networkFor(spec);
  const params = float32View(paramBlock, net.paramCount);
  const gradBlock = Matrix.zeros(1, float32BlockWords(net.paramCount));
  const loss = net.lossAndGradient(params, x, labelBlock.data, float32View(gradBlock, net.paramCount));
  const lossBlock = Matrix.zeros(1, 1);
  lossBlock.data[0] = loss;
  return [gradBlock, lossBlock];
}
