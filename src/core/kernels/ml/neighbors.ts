/**
 * Nearest neighbours' block kernels (brute force, as scikit-learn's `algorithm="brute"` with the Euclidean
 * metric). A partial holds, per query row, the k smallest squared distances found so far (ascending) and
 * their global row indices: rows x 2k, [d²_1..d²_k, index_1..index_k], padded with +Infinity in both halves
 * when fewer than k candidates were seen. Order is lexicographic on (d², index), so ties go to the lower
 * index however the rows are blocked.
 */
import { linalg } from "../../linalg/selectBackend.ts";
import { Matrix } from "../../matrix.ts";
import type { Kernel } from "../registry.ts";

/** Query rows and fitted rows per gemm tile: bounds the cross-product buffer at 256 x 1024 values (2 MiB). */
const QUERY_TILE = 256;
const FITTED_TILE = 1024;

/** ||row||² of every row of a strip given as column blocks. */
function rowNorms(strip: readonly Matrix[]): Float64Array {
  const norms = new Float64Array(strip[0].rows);
  for (const block of strip) {
    const d = block.data;
    for (let i = 0; i < block.rows; i++) {
      let s = 0;
      for (let t = i * block.cols; t < (i + 1) * block.cols; t++) s += d[t] * d[t];
      norms[i] += s;
    }
  }
  return norms;
}

/** Rows start..end of a row-major block, as a view. */
function rowsOf(m: Matrix, start: number, end: number): Matrix {
  return new Matrix(end - start, m.cols, m.data.subarray(start * m.cols, end * m.cols));
}

/**
 * The k nearest rows of one fitted strip for each row of one query strip: squared distances from
 * ||q||² - 2 q·xᵀ + ||x||² (one gemm per column block and tile, negatives from rounding clamped to 0).
 * With `excludeSelf`, query row queryOffset + i never takes fitted row rowOffset + j when they are equal.
 */
export const neighborsPartial: Kernel<"ml.neighbors.partial"> = (
  inputs,
  { parts, k, rowOffset, queryOffset, excludeSelf },
  out,
) => {
  const query = inputs.slice(0, parts);
  const fittedStrip = inputs.slice(parts, 2 * parts);
  const nq = query[0].rows;
  const nx = fittedStrip[0].rows;
  const qq = rowNorms(query);
  const xx = rowNorms(fittedStrip);
  const result = out.take(0, nq, 2 * k);
  const r = result.data;
  r.fill(Infinity);
  const counts = new Int32Array(nq);
  const backend = linalg();
  const cross = new Float64Array(Math.min(QUERY_TILE, nq) * Math.min(FITTED_TILE, nx));
  for (let q0 = 0; q0 < nq; q0 += QUERY_TILE) {
    const q1 = Math.min(nq, q0 + QUERY_TILE);
    for (let x0 = 0; x0 < nx; x0 += FITTED_TILE) {
      const x1 = Math.min(nx, x0 + FITTED_TILE);
      const w = x1 - x0;
      const c = new Matrix(q1 - q0, w, cross.subarray(0, (q1 - q0) * w));
      c.data.fill(0);
      for (let j = 0; j < parts; j++) {
        backend.gemm(rowsOf(query[j], q0, q1), rowsOf(fittedStrip[j], x0, x1), {
          transB: true,
          alpha: -2,
          beta: 1,
          c,
        });
      }
      for (let i = q0; i < q1; i++) {
        const base = i * 2 * k;
        const self = excludeSelf ? queryOffset + i - rowOffset : -1;
        let count = counts[i];
        for (let j = x0; j < x1; j++) {
          if (j === self) continue;
          const d = Math.max(0, c.data[(i - q0) * w + j - x0] + qq[i] + xx[j]);
          // Fitted rows come in increasing index order: an equal distance never displaces an earlier row.
          if (count === k && !(d < r[base + k - 1])) continue;
          let p = count < k ? count++ : k - 1;
          while (p > 0 && r[base + p - 1] > d) {
            r[base + p] = r[base + p - 1];
            r[base + k + p] = r[base + k + p - 1];
            p--;
          }
          r[base + p] = d;
          r[base + k + p] = rowOffset + j;
        }
        counts[i] = count;
      }
    }
  }
  return [result];
};

/**
 * Merges partials of the same query rows (each rows x 2k) into one: the k smallest (d², index) pairs.
 * With `finish`, two outputs instead: the distances (square roots, rows x k) and the indices (rows x k).
 */
export const neighborsMerge: Kernel<"ml.neighbors.merge"> = (inputs, { k, finish }, out) => {
  const rows = inputs[0].rows;
  const pairs = inputs.length * k;
  const dist = new Float64Array(pairs);
  const index = new Float64Array(pairs);
  const order = new Int32Array(pairs);
  const merged = finish ? out.take(0, rows, k) : out.take(0, rows, 2 * k);
  const indices = finish ? out.take(1, rows, k) : merged;
  const indexStart = finish ? 0 : k;
  const width = finish ? k : 2 * k;
  for (let i = 0; i < rows; i++) {
    let n = 0;
    for (const part of inputs) {
      const d = part.data;
      for (let t = 0; t < k; t++) {
        dist[n] = d[i * 2 * k + t];
        index[n] = d[i * 2 * k + k + t];
        order[n] = n;
        n++;
      }
    }
    const sorted = Array.from(order).sort((a, b) => dist[a] - dist[b] || index[a] - index[b]);
    for (let t = 0; t < k; t++) {
      const s = sorted[t];
      merged.data[i * width + t] = finish ? Math.sqrt(dist[s]) : dist[s];
      indices.data[i * width + indexStart + t] = index[s];
    }
  }
  return finish ? [merged, indices] : [merged];
};

/**
 * A vote of the neighbours' labels, as scikit-learn's KNeighborsClassifier. Inputs: distances (rows x k),
 * indices (rows x k) and the class number of every fitted row (n x 1). "uniform" weighs each neighbour 1,
 * "distance" 1 / d (a row with neighbours at distance 0 counts only those, each 1). Output "proba": the
 * weights summed per class and normalised (rows x classes); "label": the class of largest weight, ties to
 * the smallest label (rows x 1).
 */
export const neighborsVote: Kernel<"ml.neighbors.vote"> = (inputs, { classes, weights, output }, out) => {
  const [distances, indices, codes] = inputs;
  const rows = distances.rows;
  const k = distances.cols;
  const nc = classes.length;
  const result = out.take(0, rows, output === "proba" ? nc : 1);
  const sums = new Float64Array(nc);
  for (let i = 0; i < rows; i++) {
    sums.fill(0);
    let exact = false;
    if (weights === "distance") {
      for (let t = 0; t < k; t++) if (distances.data[i * k + t] === 0) exact = true;
    }
    for (let t = 0; t < k; t++) {
      const d = distances.data[i * k + t];
      const w = weights === "uniform" ? 1 : exact ? (d === 0 ? 1 : 0) : 1 / d;
      sums[codes.data[indices.data[i * k + t]]] += w;
    }
    if (output === "proba") {
      let total = 0;
      for (let c = 0; c < nc; c++) total += sums[c];
      for (let c = 0; c < nc; c++) result.data[i * nc + c] = sums[c] / total;
    } else {
      let best = 0;
      for (let c = 1; c < nc; c++) if (sums[c] > sums[best]) best = c;
      result.data[i] = classes[best];
    }
  }
  return [result];
};
