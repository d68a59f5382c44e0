/**
 * The arithmetic of a fully connected network (forward pass, softmax cross-entropy, backward pass), on one
 * thread, for any flat parameter vector. It lives in core, below the fabric's `DenseNetwork`, so that the
 * worker threads (which load core kernels only) run the very same code as the main thread: a gradient
 * computed on the pool is bit-identical to one computed inline.
 */
import { Matrix } from "../matrix.ts";
import { linalg } from "../linalg/selectBackend.ts";
import { checkBatch, checkLabels, checkParams, type Labels } from "./checks.ts";
import { paramLayout, type ParamLayout } from "./paramLayout.ts";
import { argmaxRows, softmaxCrossEntropy } from "./softmaxCrossEntropy.ts";

/** Batch sizes whose scratch buffers are kept (training batch, last partial batch, evaluation sets). */
const SCRATCH_BATCH_SIZES_MAX = 4;

/** The two kinds of dense network; the kind only names the model in error messages and in JSON. */
export type DenseNetworkKind = "mlp" | "softmaxRegression";

/** What defines a dense network's arithmetic: its kind, its layer widths (inputs first) and its L2 penalty. */
export interface DenseNetworkSpec {
  kind: DenseNetworkKind;
  /** Layer widths, inputs first, classes last: `[784, 128, 10]`. */
  layers: readonly number[];
  /** L2 penalty `l2 / 2 * sum(w^2)` on the weights, not the biases. */
  l2: number;
}

/** Per-batch-size buffers: the output of each layer and the loss gradient with respect to it. */
interface BatchScratch {
  /** `outputs[l]`: rows x layers[l + 1], after ReLU for hidden layers; the last holds the logits. */
  outputs: Matrix[];
  /** `deltas[l]`: d loss / d (pre-activation of layer l), same shape as `outputs[l]`. */
  deltas: Matrix[];
}

/**
 * Loss, gradient and predictions of a fully connected network: `layers[0]` inputs, ReLU hidden layers, a
 * softmax output of `layers[last]` classes, mean cross-entropy loss plus `l2 / 2 * sum(w^2)` over the
 * weights (not the biases). Layer l has a weight matrix `layer{l}.weight` (in x out, row-major, so that
 * `z = a W + b`) followed by `layer{l}.bias`.
 *
 * Parameters are float32 (one flat vector); the arithmetic is float64: each call converts the weights into
 * float64 scratch matrices kept by the instance, runs every product through the BLAS `gemm` of `linalg()`,
 * and writes the gradient back as float32. Buffers are allocated per batch size on first use and reused; no
 * buffer is allocated in steady state. Calls are synchronous, so one instance serves every caller on its
 * thread; each worker thread makes its own.
 *
 * @example
 * ```ts
 * const net = new DenseNetworkMath({ kind: "mlp", layers: [4, 8, 3], l2: 0 });
 * net.paramCount; // 4*8 + 8 + 8*3 + 3 = 67
 * const grad = new Float32Array(net.paramCount);
 * const loss = net.lossAndGradient(new Float32Array(67), Matrix.zeros(2, 4), new Int32Array([0, 2]), grad);
 * loss; // ln 3 = 1.0986: all-zero parameters give uniform class probabilities
 * ```
 */
export class DenseNetworkMath {
  readonly kind: DenseNetworkKind;
  readonly inputs: number;
  readonly classes: number;
  readonly paramCount: number;
  readonly layout: ParamLayout;
  readonly layers: readonly number[];
  readonly l2: number;
  private readonly weights: Matrix[];
  private readonly weightGrads: Matrix[];
  private readonly biasGrads: Float64Array[];
  private readonly scratch = new Map<number, BatchScratch>();

  constructor(spec: DenseNetworkSpec) {
    const { kind, layers, l2 } = spec;
    this.kind = kind;
    this.layers = [...layers];
    this.l2 = l2;
    this.inputs = layers[0];
    this.classes = layers[layers.length - 1];
    const tensors: { name: string; shape: [number, number] }[] = [];
    for (let l = 0; l + 1 < layers.length; l++) {
      tensors.push({ name: `layer${l}.weight`, shape: [layers[l], layers[l + 1]] });
      tensors.push({ name: `layer${l}.bias`, shape: [1, layers[l + 1]] });
    }
    this.layout = paramLayout(tensors);
    this.paramCount = this.layout.size;
    this.weights = [];
    this.weightGrads = [];
    this.biasGrads = [];
    for (let l = 0; l + 1 < layers.length; l++) {
      this.weights.push(Matrix.zeros(layers[l], layers[l + 1]));
      this.weightGrads.push(Matrix.zeros(layers[l], layers[l + 1]));
      this.biasGrads.push(new Float64Array(layers[l + 1]));
    }
  }

  /** Number of weight layers. */
  get depth(): number {
    return this.weights.length;
  }

  /** The spec this network was made from (what the gradient kernel needs to rebuild it on a worker). */
  get spec(): DenseNetworkSpec {
    return { kind: this.kind, layers: [...this.layers], l2: this.l2 };
  }

  /**
   * Mean loss over the batch (plus the L2 penalty); writes the mean gradient into `grad`. Throws
   * `ShapeError` or `ArgumentError` naming `<kind>.lossAndGradient` on a bad argument.
   *
   * @example
   * ```ts
   * const loss = net.lossAndGradient(params, xBatch, yBatch, grad);
   * ```
   */
  lossAndGradient(params: Float32Array, x: Matrix, y: Labels, grad: Float32Array): number {
    const op = `${this.kind}.lossAndGradient`;
    checkParams(op, "params", params, this.paramCount);
    checkParams(op, "grad", grad, this.paramCount);
    checkBatch(op, x, this.inputs);
    checkLabels(op, y, x.rows, this.classes);
    const s = this.scratchFor(x.rows);
    this.forward(params, x, s);
    const last = this.depth - 1;
    let loss = softmaxCrossEntropy(s.outputs[last], y, s.deltas[last]);
    const backend = linalg();
    for (let l = last; l >= 0; l--) {
      const input = l === 0 ? x : s.outputs[l - 1];
      const delta = s.deltas[l];
      backend.gemm(input, delta, { transA: true, c: this.weightGrads[l] });
      columnSums(delta, this.biasGrads[l]);
      if (l > 0) {
        const below = s.deltas[l - 1];
        backend.gemm(delta, this.weights[l], { transB: true, c: below });
        reluBackward(below, s.outputs[l - 1]);
      }
    }
    for (let l = 0; l < this.depth; l++) {
      const w = this.layout.slices[2 * l];
      const b = this.layout.slices[2 * l + 1];
      const dw = this.weightGrads[l].data;
      if (this.l2 > 0) {
        const wd = this.weights[l].data;
        let squares = 0;
        for (let k = 0; k < w.length; k++) {
          squares += wd[k] * wd[k];
          dw[k] += this.l2 * wd[k];
        }
        loss += 0.5 * this.l2 * squares;
      }
      grad.set(dw, w.offset);
      grad.set(this.biasGrads[l], b.offset);
    }
    return loss;
  }

  /**
   * The most likely class of each row of `x`.
   *
   * @example
   * ```ts
   * net.predict(params, xTest); // Int32Array of class indices
   * ```
   */
  predict(params: Float32Array, x: Matrix): Int32Array {
    const op = `${this.kind}.predict`;
    checkParams(op, "params", params, this.paramCount);
    checkBatch(op, x, this.inputs);
    const s = this.scratchFor(x.rows);
    this.forward(params, x, s);
    return argmaxRows(s.outputs[this.depth - 1]);
  }

  /**
   * Fraction of rows of `x` whose predicted class is `y`.
   *
   * @example
   * ```ts
   * net.accuracy(params, xTest, yTest); // 0.91
   * ```
   */
  accuracy(params: Float32Array, x: Matrix, y: Labels): number {
    const op = `${this.kind}.accuracy`;
    checkParams(op, "params", params, this.paramCount);
    checkBatch(op, x, this.inputs);
    checkLabels(op, y, x.rows, this.classes);
    const predicted = this.predict(params, x);
    let right = 0;
    for (let i = 0; i < predicted.length; i++) if (predicted[i] === y[i]) right++;
    return right / predicted.length;
  }

  /** Loads the float32 weights into the float64 scratch and runs every layer; logits end in the last output. */
  private forward(params: Float32Array, x: Matrix, s: BatchScratch): void {
    const backend = linalg();
    let input = x;
    for (let l = 0; l < this.depth; l++) {
      const w = this.layout.slices[2 * l];
      const b = this.layout.slices[2 * l + 1];
      this.weights[l].data.set(params.subarray(w.offset, w.offset + w.length));
      const out = s.outputs[l];
      backend.gemm(input, this.weights[l], { c: out });
      addBias(out, params, b.offset, l < this.depth - 1);
      input = out;
    }
  }

  private scratchFor(rows: number): BatchScratch {
    let s = this.scratch.get(rows);
    if (s !== undefined) return s;
    if (this.scratch.size >= SCRATCH_BATCH_SIZES_MAX) {
      const oldest = this.scratch.keys().next().value;
      if (oldest !== undefined) this.scratch.delete(oldest);
    }
    s = { outputs: [], deltas: [] };
    for (let l = 0; l < this.depth; l++) {
      s.outputs.push(Matrix.zeros(rows, this.layers[l + 1]));
      s.deltas.push(Matrix.zeros(rows, this.layers[l + 1]));
    }
    this.scratch.set(rows, s);
    return s;
  }
}

/** z[i, j] += bias[j], then ReLU when `relu`. */
function addBias(z: Matrix, params: Float32Array, offset: number, relu: boolean): void {
  const { rows, cols, data } = z;
  for (let i = 0; i < rows; i++) {
    const row = i * cols;
    for (let j = 0; j < cols; j++) {
      const v = data[row + j] + params[offset + j];
      data[row + j] = relu && v < 0 ? 0 : v;
    }
  }
}

/** delta *= (activation > 0): the ReLU derivative, read from the layer's output. */
function reluBackward(delta: Matrix, activation: Matrix): void {
  const d = delta.data;
  const a = activation.data;
  for (let k = 0; k < d.length; k++) if (!(a[k] > 0)) d[k] = 0;
}

/** out[j] = sum over rows of m[i, j]. */
function columnSums(m: Matrix, out: Float64Array): void {
  out.fill(0);
  const { rows, cols, data } = m;
  for (let i = 0; i < rows; i++) {
    const row = i * cols;
    for (let j = 0; j < cols; j++) out[j] += data[row + j];
  }
}
