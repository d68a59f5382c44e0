/**
 * KMeans' assignment step on one row strip, fused with Lloyd's accumulation: the closest centre of every
 * row (the first minimum of ||c||² - 2 x·c) and, when asked, each row added into its centre's sums and
 * count, its squared distance Σ (x - c)² into the centre's inertia, and that squared distance per row. Nothing of size rows x k is made:
 * each row's k dot products live in a k-value buffer (in the addon, 4 rows' in vector registers).
 *
 * The addon (native/src/dsfabric_kmeans.c) runs it when built, else the loops here; both give the same
 * bits: every x·c and every squared distance is summed over the features in order (a multiply, then an
 * add), and the sums add the rows in order.
 */
import { pickKMeansKernels, type KMeansBackend } from "../../linalg/nativeKMeans.ts";
import type { Matrix } from "../../matrix.ts";

/** What to make besides the labels. */
export interface Accumulate {
  /** k x (m + 2): each row's values and 1 are added into its centre's row. */
  partial?: Float64Array;
  /** Also add each row's squared distance to its centre into the partial (column m + 1). */
  inertia?: boolean;
  /** rows: each row's squared distance to its centre. */
  distances?: Float64Array;
}

/** The centres (k x m, row-major) from their column-block parts (k x cols_j each). */
export function joinCentres(parts: readonly Matrix[]): Float64Array {
  const k = parts[0].rows;
  const m = parts.reduce((s, p) => s + p.cols, 0);
  const out = new Float64Array(k * m);
  let t0 = 0;
  for (const part of parts) {
    for (let c = 0; c < k; c++) out.set(part.data.subarray(c * part.cols, (c + 1) * part.cols), c * m + t0);
    t0 += part.cols;
  }
  return out;
}

/**
 * Labels of the strip's rows (written into `labels`, rows long) for the k x m `centres`, and the
 * accumulation into `acc.partial` when given.
 */
export function assignStrip(
  strip: readonly Matrix[],
  centres: Float64Array,
  k: number,
  labels: Int32Array,
  acc: Accumulate = {},
  backend: KMeansBackend = "auto",
): void {
  const rows = strip[0].rows;
  const native = pickKMeansKernels(backend);
  if (native !== undefined) {
    const cols = Int32Array.from(strip, (b) => b.cols);
    const parts = strip.map((b) => b.data);
    const { partial, inertia, distances } = acc;
    native.kmeansAssign(
      parts,
      cols,
      rows,
      centres,
      k,
      labels,
      partial ?? null,
      inertia ?? false,
      distances ?? null,
    );
    return;
  }
  assignJs(strip, centres, k, labels, acc);
}

function assignJs(
  strip: readonly Matrix[],
  centres: Float64Array,
  k: number,
  labels: Int32Array,
  acc: Accumulate,
): void {
  const rows = strip[0].rows;
  const m = centres.length / k;
  const norms = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let t = c * m; t < (c + 1) * m; t++) s += centres[t] * centres[t];
    norms[c] = s;
  }
  const dot = new Float64Array(k);
  const width = m + 2;
  for (let i = 0; i < rows; i++) {
    // Four centres at a time, one scalar sum each (each still over the features in order).
    let c = 0;
    for (; c + 4 <= k; c += 4) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let t = c * m;
      for (const block of strip) {
        const x = block.data;
        for (let q = i * block.cols; q < (i + 1) * block.cols; q++, t++) {
          const xv = x[q];
          s0 += xv * centres[t];
          s1 += xv * centres[t + m];
          s2 += xv * centres[t + 2 * m];
          s3 += xv * centres[t + 3 * m];
        }
      }
      dot[c] = s0;
      dot[c + 1] = s1;
      dot[c + 2] = s2;
      dot[c + 3] = s3;
    }
    for (; c < k; c++) {
      let s0 = 0;
      let t = c * m;
      for (const block of strip) {
        const x = block.data;
        for (let q = i * block.cols; q < (i + 1) * block.cols; q++, t++) s0 += x[q] * centres[t];
      }
      dot[c] = s0;
    }
    let best = 0;
    let bestValue = norms[0] - 2 * dot[0];
    for (let c = 1; c < k; c++) {
      const v = norms[c] - 2 * dot[c];
      if (v < bestValue) {
        bestValue = v;
        best = c;
      }
    }
    labels[i] = best;
    const p = acc.partial;
    if (p !== undefined) {
      let col = best * width;
      for (const block of strip) {
        const x = block.data;
        for (let q = i * block.cols; q < (i + 1) * block.cols; q++) p[col++] += x[q];
      }
      p[best * width + m] += 1;
    }
    const inertia = p !== undefined && acc.inertia === true;
    if (!inertia && acc.distances === undefined) continue;
    let total = 0;
    let ci = best * m;
    for (const block of strip) {
      const x = block.data;
      for (let q = i * block.cols; q < (i + 1) * block.cols; q++) {
        const d = x[q] - centres[ci++];
        total += d * d;
      }
    }
    if (inertia) p[best * width + m + 1] += total;
    if (acc.distances !== undefined) acc.distances[i] = total;
  }
}
