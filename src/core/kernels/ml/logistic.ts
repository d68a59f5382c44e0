/**
 * LogisticRegression's block kernels: scikit-learn's HalfBinomialLoss (two classes, one score per row) and
 * HalfMultinomialLoss (softmax over k scores) on one row strip. Inputs: the coefficients split by the column
 * blocks of x (`parts` blocks of k x cols_j), the strip of x (`parts` blocks of rows x cols_j), and for the
 * loss y's strip (rows x 1 of labels, which must be among `classes`). Per row, with weight s (the class's
 * weight) and scores z:
 *   two classes:  loss = s (log(1 + e^z) - y z),  gradient s (σ(z) - y),  Hessian s σ(z)(1 - σ(z));
 *   k classes:    loss = s (logsumexp(z) - z_y),   gradient s (p - onehot(y)), Hessian s (diag(p) - p pᵀ),
 * with p = softmax(z). Both are computed without overflow: log(1 + e^z) = max(z, 0) + log1p(e^-|z|), and
 * logsumexp shifts by the largest score. The penalty is the caller's (it is not a sum over rows).
 *
 * A block of the strip may be sparse (CSR): its scores and gradient walk its stored entries (work in
 * proportion to the non-zeros, as scikit-learn's sparse lbfgs), and only the Hessian (newton-cholesky) makes
 * a chunk of its rows dense.
 */
import { isSparse, type Block } from "../../block.ts";
import type { CsrMatrix } from "../../csrMatrix.ts";
import { linalg } from "../../linalg/selectBackend.ts";
import { Matrix } from "../../matrix.ts";
import type { BlockKernel, Kernel } from "../registry.ts";

/**
 * This thread's scratch buffers, by slot, grown as needed. A strip's scores and scaled copies are a few MB:
 * fresh memory for each would cost page faults on every pass (kernels run one at a time on a thread, so the
 * buffers are never shared).
 */
const scratchBuffers: Float64Array[] = [];

/** A rows x cols matrix over scratch slot `slot`; `zero` clears it. */
function scratch(slot: number, rows: number, cols: number, zero: boolean): Matrix {
  const size = rows * cols;
  let buffer = scratchBuffers[slot];
  if (buffer === undefined || buffer.length < size) {
    buffer = new Float64Array(Math.max(size, 2 * (buffer?.length ?? 0)));
    scratchBuffers[slot] = buffer;
  }
  const data = buffer.subarray(0, size);
  if (zero) data.fill(0);
  return new Matrix(rows, cols, data);
}

const SCORES = 0;
const PROB = 1;
const ONES = 2;
const SCALED = 3;
const WEIGHT = 4;

/** Rows [start, end) of every block of a strip: the unit the loss is accumulated over. */
interface Chunk {
  strip: readonly Block[];
  start: number;
  end: number;
}

/** Rows [start, end) of a dense block, as a view. */
function rowsOf(block: Matrix, start: number, end: number): Matrix {
  return new Matrix(end - start, block.cols, block.data.subarray(start * block.cols, end * block.cols));
}

/** z = x·coefᵀ + intercept for the chunk's rows: rows x k. */
function scores(coef: readonly Matrix[], chunk: Chunk, intercept: readonly number[], result: Matrix): Matrix {
  const backend = linalg();
  const k = intercept.length;
  const d = result.data;
  for (let i = 0; i < result.rows; i++) for (let c = 0; c < k; c++) d[i * k + c] = intercept[c];
  chunk.strip.forEach((block, j) => {
    if (isSparse(block)) sparseScores(block, chunk, coef[j], d, k);
    // One score per row: a matrix-vector product (gemm with one column is slower in OpenBLAS).
    else if (k === 1) backend.gemv(rowsOf(block, chunk.start, chunk.end), coef[j].data, { beta: 1, y: d });
    else backend.gemm(rowsOf(block, chunk.start, chunk.end), coef[j], { transB: true, beta: 1, c: result });
  });
  return result;
}

/** z += x_j·coef_jᵀ over the stored entries of the chunk's rows of a sparse block. */
function sparseScores(block: CsrMatrix, chunk: Chunk, coef: Matrix, z: Float64Array, k: number): void {
  const { indptr, indices, data } = block;
  const cols = block.cols;
  const c = coef.data;
  for (let i = chunk.start; i < chunk.end; i++) {
    const row = (i - chunk.start) * k;
    for (let p = indptr[i]; p < indptr[i + 1]; p++) {
      const col = indices[p];
      const v = data[p];
      for (let q = 0; q < k; q++) z[row + q] += v * c[q * cols + col];
    }
  }
}

/** The index of `label` in the sorted `classes`, or -1. */
function classIndex(classes: readonly number[], label: number): number {
  let lo = 0;
  let hi = classes.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (classes[mid] === label) return mid;
    if (classes[mid] < label) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** The chunk's rows with a column of ones appended: rows x (m + 1), for the intercept's share of the Hessian. */
function withOnes(chunk: Chunk, m: number): Matrix {
  const rows = chunk.end - chunk.start;
  const a = scratch(ONES, rows, m + 1, false);
  const d = a.data;
  for (let i = 0; i < rows; i++) {
    let col = i * (m + 1);
    for (const block of chunk.strip) {
      const r = chunk.start + i;
      if (isSparse(block)) {
        d.fill(0, col, col + block.cols);
        for (let p = block.indptr[r]; p < block.indptr[r + 1]; p++) d[col + block.indices[p]] = block.data[p];
      } else d.set(block.data.subarray(r * block.cols, (r + 1) * block.cols), col);
      col += block.cols;
    }
    d[col] = 1;
  }
  return a;
}

/** Rows of a strip handled at a time: about 512 KB of x, so that the second read (the gradient) hits cache. */
const CHUNK_VALUES = 2 ** 16;

/**
 * The strip's loss, gradient and (with `hessian`) Hessian, summed over its rows and packed for `block.addAll`:
 * row 0 is [loss, g] with g = k x (m + 1) (each class's m coefficients, then its intercept); with `hessian`
 * the block is (D + 1) x (D + 1), D = k (m + 1), and rows 1.., columns 1.. hold the Hessian. The strip is
 * taken in chunks of rows, each read twice (scores, then gradient) while it is in cache.
 */
export const logisticLossGrad: BlockKernel<"ml.logistic.lossGrad"> = (inputs, attrs, out) => {
  const { parts, intercept, hessian } = attrs;
  const coef = denseInputs(inputs.slice(0, parts), "coefficients");
  const strip = inputs.slice(parts, 2 * parts);
  const [y] = denseInputs([inputs[2 * parts]], "labels");
  const rows = strip[0].rows;
  const m = strip.reduce((s, b) => s + b.cols, 0);
  const dim = intercept.length * (m + 1);
  const result = out.zeros(0, hessian ? dim + 1 : 1, dim + 1);
  // The Hessian is a product over the chunk: larger chunks keep its syrk/gemm efficient.
  const step = Math.max(16, Math.floor(((hessian ? 8 : 1) * CHUNK_VALUES) / m));
  for (let start = 0; start < rows; start += step) {
    const end = Math.min(rows, start + step);
    accumulate(coef, { strip, start, end }, y.data.subarray(start, end), attrs, m, result);
  }
  return [result];
};

/** The blocks that must be dense (coefficients, labels), typed as such. */
function denseInputs(blocks: readonly Block[], what: string): Matrix[] {
  return blocks.map((b) => {
    if (isSparse(b)) throw new Error(`dsfabric internal error: logistic ${what} came as a sparse block`);
    return b;
  });
}

/** Adds the loss, gradient (and Hessian) of the chunk's rows into `result` (laid out as the kernel's). */
function accumulate(
  coef: readonly Matrix[],
  chunk: Chunk,
  labels: Float64Array,
  attrs: { classes: number[]; classWeight: number[]; intercept: number[]; hessian: boolean },
  m: number,
  result: Matrix,
): void {
  const { classes, classWeight, intercept, hessian } = attrs;
  const rows = chunk.end - chunk.start;
  const k = intercept.length;
  const z = scores(coef, chunk, intercept, scratch(SCORES, rows, k, false));
  // g becomes each row's gradient with respect to its scores (rows x k); prob keeps p for the Hessian.
  const g = z.data;
  const weight = scratch(WEIGHT, rows, 1, false).data;
  const prob = hessian ? scratch(PROB, rows, k, false).data : undefined;
  let loss = 0;
  for (let i = 0; i < rows; i++) {
    const label = labels[i];
    const c =
      k === 1 && label === classes[1] ? 1 : k === 1 && label === classes[0] ? 0 : classIndex(classes, label);
    if (c < 0) throw new Error(`dsfabric internal error: label ${labels[i]} is not one of the classes`);
    const s = classWeight[c];
    weight[i] = s;
    if (k === 1) {
      const t = g[i];
      const y = c === 1 ? 1 : 0;
      const e = Math.exp(-Math.abs(t));
      loss += s * (Math.max(t, 0) + Math.log1p(e) - y * t);
      const p = t >= 0 ? 1 / (1 + e) : e / (1 + e);
      g[i] = s * (p - y);
      if (prob !== undefined) prob[i] = p;
    } else {
      const row = i * k;
      let max = -Infinity;
      for (let q = 0; q < k; q++) max = Math.max(max, g[row + q]);
      let sum = 0;
      for (let q = 0; q < k; q++) sum += Math.exp(g[row + q] - max);
      const lse = max + Math.log(sum);
      loss += s * (lse - g[row + c]);
      for (let q = 0; q < k; q++) {
        const p = Math.exp(g[row + q] - lse);
        if (prob !== undefined) prob[row + q] = p;
        g[row + q] = s * (p - (q === c ? 1 : 0));
      }
    }
  }
  const r = result.data;
  r[0] += loss;
  // Coefficient gradients gᵀ x_j, one small product per column block, then the intercepts' Σ g.
  const backend = linalg();
  let colOffset = 0;
  for (const block of chunk.strip) {
    if (isSparse(block)) sparseGradient(block, chunk, g, k, r, 1 + colOffset, m + 1);
    else {
      const rowsView = rowsOf(block, chunk.start, chunk.end);
      const part =
        k === 1
          ? backend.gemv(rowsView, g, { trans: true })
          : backend.gemm(z, rowsView, { transA: true }).data;
      for (let q = 0; q < k; q++) {
        const at = 1 + q * (m + 1) + colOffset;
        for (let t = 0; t < block.cols; t++) r[at + t] += part[q * block.cols + t];
      }
    }
    colOffset += block.cols;
  }
  for (let i = 0; i < rows; i++) for (let q = 0; q < k; q++) r[1 + q * (m + 1) + m] += g[i * k + q];
  if (prob !== undefined) addHessian(chunk, prob, weight, m, k, result);
}

/**
 * Adds gᵀ x_j for a sparse block over the chunk's rows into r: class q's entry for column t of the block
 * goes to r[at + q * stride + t].
 */
function sparseGradient(
  block: CsrMatrix,
  chunk: Chunk,
  g: Float64Array,
  k: number,
  r: Float64Array,
  at: number,
  stride: number,
): void {
  const { indptr, indices, data } = block;
  for (let i = chunk.start; i < chunk.end; i++) {
    const row = (i - chunk.start) * k;
    for (let p = indptr[i]; p < indptr[i + 1]; p++) {
      const col = at + indices[p];
      const v = data[p];
      for (let q = 0; q < k; q++) r[col + q * stride] += g[row + q] * v;
    }
  }
}

/**
 * Adds the strip's Hessian [x 1]ᵀ diag(h_ab) [x 1] for every pair of classes (a, b) into rows and columns
 * 1.. of `result`: h_aa = s p_a (1 - p_a), h_ab = -s p_a p_b (two classes: the one block of σ(z)).
 */
function addHessian(
  chunk: Chunk,
  prob: Float64Array,
  weight: Float64Array,
  m: number,
  k: number,
  result: Matrix,
): void {
  const rows = chunk.end - chunk.start;
  const a = withOnes(chunk, m);
  const w = m + 1;
  const dim = k * w;
  const r = result.data;
  const backend = linalg();
  const scaled = scratch(SCALED, rows, w, false);
  const ad = a.data;
  const sd = scaled.data;
  for (let p = 0; p < k; p++) {
    for (let q = p; q < k; q++) {
      for (let i = 0; i < rows; i++) {
        const pi = prob[i * k + p];
        // A diagonal block is (√h a)ᵀ(√h a), h >= 0: syrk, half the flops of a gemm.
        const h = p === q ? Math.sqrt(weight[i] * pi * (1 - pi)) : -weight[i] * pi * prob[i * k + q];
        for (let t = i * w; t < (i + 1) * w; t++) sd[t] = h * ad[t];
      }
      const block =
        p === q ? backend.syrk(scaled, { trans: true }) : backend.gemm(a, scaled, { transA: true });
      for (let s = 0; s < w; s++) {
        for (let t = 0; t < w; t++) {
          const v = block.data[s * w + t];
          r[(1 + p * w + s) * (dim + 1) + 1 + q * w + t] += v;
          if (p !== q) r[(1 + q * w + t) * (dim + 1) + 1 + p * w + s] += v;
        }
      }
    }
  }
}

/**
 * What scikit-learn's decision_function, predict_proba, predict_log_proba and predict give for the strip.
 * Two classes: z is one column, p = [1 - σ(z), σ(z)], the label is classes[1] when z > 0. More: p is the
 * softmax of z, the label the class of the largest score (the first of equal ones, as argmax).
 */
export const logisticPredict: BlockKernel<"ml.logistic.predict"> = (inputs, attrs, out) => {
  const { parts, intercept, classes, output } = attrs;
  const coef = denseInputs(inputs.slice(0, parts), "coefficients");
  const strip = inputs.slice(parts, 2 * parts);
  const rows = strip[0].rows;
  const k = intercept.length;
  const chunk = { strip, start: 0, end: rows };
  if (output === "decision") return [scores(coef, chunk, intercept, out.take(0, rows, k))];
  const z = scores(coef, chunk, intercept, scratch(SCORES, rows, k, false)).data;
  const width = output === "label" ? 1 : classes.length;
  const result = out.take(0, rows, width);
  const r = result.data;
  for (let i = 0; i < rows; i++) {
    if (k === 1) {
      const t = z[i];
      if (output === "label") r[i] = classes[t > 0 ? 1 : 0];
      else if (output === "proba") {
        const e = Math.exp(-Math.abs(t));
        const p = t >= 0 ? 1 / (1 + e) : e / (1 + e);
        r[2 * i] = 1 - p;
        r[2 * i + 1] = p;
      } else {
        // log σ(t) = -log(1 + e^-t), log(1 - σ(t)) = -log(1 + e^t), each without overflow.
        const soft = Math.log1p(Math.exp(-Math.abs(t)));
        r[2 * i] = -(Math.max(t, 0) + soft);
        r[2 * i + 1] = -(Math.max(-t, 0) + soft);
      }
      continue;
    }
    const row = i * k;
    let best = 0;
    for (let q = 1; q < k; q++) if (z[row + q] > z[row + best]) best = q;
    if (output === "label") {
      r[i] = classes[best];
      continue;
    }
    const max = z[row + best];
    let sum = 0;
    for (let q = 0; q < k; q++) sum += Math.exp(z[row + q] - max);
    const lse = max + Math.log(sum);
    for (let q = 0; q < k; q++) {
      r[row + q] = output === "proba" ? Math.exp(z[row + q] - lse) : z[row + q] - lse;
    }
  }
  return [result];
};

/** The strip's distinct labels with their counts, and how many labels are not finite (see names.ts). */
export const logisticClasses: Kernel<"ml.logistic.classes"> = ([y], { most }, out) => {
  const counts = new Map<number, number>();
  let nonFinite = 0;
  for (const v of y.data) {
    if (!Number.isFinite(v)) nonFinite++;
    else counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  const width = most + 1;
  const result = out.zeros(0, 2, width);
  const r = result.data;
  r[width] = nonFinite;
  if (counts.size > most) {
    r[0] = -1;
    return [result];
  }
  const values = [...counts.keys()].sort((a, b) => a - b);
  r[0] = values.length;
  values.forEach((v, i) => {
    r[1 + i] = v;
    r[width + 1 + i] = counts.get(v) ?? 0;
  });
  return [result];
};
