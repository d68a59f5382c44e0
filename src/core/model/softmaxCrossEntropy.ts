import type { Matrix } from "../matrix.ts";
import type { Labels } from "./checks.ts";

/**
 * Mean cross-entropy of softmax(logits) against integer `labels`, and its gradient with respect to the
 * logits, `(softmax(logits) - onehot(labels)) / rows`, written into `delta` (same shape as `logits`; may be
 * `logits` itself). Numerically stable: each row's maximum is subtracted before `exp`, and the loss is
 * `logsumexp(row) - row[label]`, so logits of any finite size give a finite loss. Labels are assumed
 * already checked.
 *
 * @example
 * ```ts
 * const logits = Matrix.fromArray([[1000, 0], [0, 0]]);
 * const delta = Matrix.zeros(2, 2);
 * softmaxCrossEntropy(logits, new Int32Array([0, 1]), delta); // (0 + ln 2) / 2 = 0.3466
 * delta.toArray(); // [[0, 0], [0.25, -0.25]]
 * ```
 */
export function softmaxCrossEntropy(logits: Matrix, labels: Labels, delta: Matrix): number {
  const { rows, cols } = logits;
  const z = logits.data;
  const d = delta.data;
  const scale = 1 / rows;
  let loss = 0;
  for (let i = 0; i < rows; i++) {
    const row = i * cols;
    let max = -Infinity;
    for (let j = 0; j < cols; j++) if (z[row + j] > max) max = z[row + j];
    let sum = 0;
    for (let j = 0; j < cols; j++) {
      const e = Math.exp(z[row + j] - max);
      d[row + j] = e;
      sum += e;
    }
    const label = labels[i];
    loss += max + Math.log(sum) - z[row + label];
    const inv = scale / sum;
    for (let j = 0; j < cols; j++) d[row + j] *= inv;
    d[row + label] -= scale;
  }
  return loss * scale;
}

/**
 * Index of the largest value of each row (the first one on ties; NaN rows give 0).
 *
 * @example
 * ```ts
 * argmaxRows(Matrix.fromArray([[0, 3, 1], [2, 2, 0]])); // Int32Array [1, 0]
 * ```
 */
export function argmaxRows(m: Matrix): Int32Array {
  const out = new Int32Array(m.rows);
  for (let i = 0; i < m.rows; i++) {
    const row = i * m.cols;
    let best = 0;
    for (let j = 1; j < m.cols; j++) if (m.data[row + j] > m.data[row + best]) best = j;
    out[i] = best;
  }
  return out;
}
