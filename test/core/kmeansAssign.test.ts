// KMeans' fused assignment step (src/core/kernels/ml/kMeansAssign.ts): the native kernel
// (native/src/dsfabric_kmeans.c) against the JavaScript loops bit for bit (any NaN equal to any NaN), for
// random strips (row counts around the 4-row groups, 1-3 column blocks, k around the 8-centre vectors,
// NaN and infinities now and then), accumulating into a non-zero partial; the loops against a brute-force
// nearest centre; and the native kernel's argument checks. The native half is skipped only when the addon
// is not built (the skip message says why); in CI it must be there.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { Matrix } from "../../src/core/matrix.ts";
import { assignStrip, joinCentres } from "../../src/core/kernels/ml/kMeansAssign.ts";
import { nativeKMeansKernels } from "../../src/core/linalg/nativeKMeans.ts";
import { nativeLoadFailure } from "../../src/core/linalg/nativeAddon.ts";
import { float64Bits } from "../support/python.ts";

const native = nativeKMeansKernels();
if (native === undefined && process.env.CI !== undefined) {
  throw new Error(`CI: the native KMeans kernel must be built here: ${nativeLoadFailure()}`);
}
const skip =
  native === undefined
    ? `native KMeans kernel not available: ${nativeLoadFailure() ?? "the addon predates it (rebuild it)"}`
    : false;

/** A small deterministic generator (xorshift32), so a case is reproduced from its seed. */
function rng(seed: number): () => number {
  let s = seed | 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

function matrixOf(rows: number, cols: number, r: () => number, special: boolean): Matrix {
  const m = Matrix.zeros(rows, cols);
  for (let k = 0; k < m.data.length; k++) {
    const u = r();
    if (special && u < 0.01) m.data[k] = Number.NaN;
    else if (special && u < 0.02) m.data[k] = r() < 0.5 ? Infinity : -Infinity;
    else if (u < 0.1)
      m.data[k] = Math.round(r() * 4); // exact ties now and then
    else m.data[k] = (r() - 0.5) * 2 ** Math.round(r() * 8 - 4);
  }
  return m;
}

/** Each value's bits, with every NaN as "NaN". */
function bits(values: Float64Array): string[] {
  return float64Bits(values).map((b, k) => (Number.isNaN(values[k]) ? "NaN" : b));
}

interface Strip {
  strip: Matrix[];
  centres: Float64Array;
  k: number;
  m: number;
}

function stripOf(rows: number, colsList: number[], k: number, seed: number, special: boolean): Strip {
  const r = rng(seed);
  const strip = colsList.map((cols) => matrixOf(rows, cols, r, special));
  const m = colsList.reduce((s, c) => s + c, 0);
  const centres = joinCentres(colsList.map((cols) => matrixOf(k, cols, r, false)));
  return { strip, centres, k, m };
}

const caseArb = fc.record({
  rows: fc.oneof(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 30, max: 70 })),
  cols: fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 3 }),
  k: fc.oneof(fc.integer({ min: 1, max: 9 }), fc.constantFrom(15, 16, 17, 24, 33)),
  inertia: fc.boolean(),
  withPartial: fc.boolean(),
  withDistances: fc.boolean(),
  special: fc.boolean(),
  seed: fc.nat(),
});

test("native assignment and accumulation equal the JavaScript loops bit for bit", { skip }, () => {
  fc.assert(
    fc.property(caseArb, ({ rows, cols, k, inertia, withPartial, withDistances, special, seed }) => {
      const { strip, centres, m } = stripOf(rows, cols, k, seed, special);
      const start = Float64Array.from({ length: k * (m + 2) }, (_, i) => (i % 5) - 2.5);
      const run = (backend: "js" | "native") => {
        const labels = new Int32Array(rows).fill(-1);
        const partial = Float64Array.from(start);
        const distances = new Float64Array(rows).fill(-1);
        const acc = {
          partial: withPartial ? partial : undefined,
          inertia,
          distances: withDistances ? distances : undefined,
        };
        assignStrip(strip, centres, k, labels, acc, backend);
        return { labels: Array.from(labels), partial: bits(partial), distances: bits(distances) };
      };
      assert.deepEqual(run("native"), run("js"));
    }),
    { numRuns: 300, seed: 23 },
  );
});

test("the JavaScript loops pick a nearest centre and add each row into it", () => {
  for (const seed of [1, 2, 3, 4]) {
    const rows = 57;
    const { strip, centres, k, m } = stripOf(rows, [3, 1, 4], 5 + seed, seed, false);
    const labels = new Int32Array(rows);
    const partial = new Float64Array(k * (m + 2));
    const distances = new Float64Array(rows);
    assignStrip(strip, centres, k, labels, { partial, inertia: true, distances }, "js");
    const x = (i: number, t: number) => {
      let t0 = 0;
      for (const b of strip) {
        if (t < t0 + b.cols) return b.get(i, t - t0);
        t0 += b.cols;
      }
      throw new Error("column out of range");
    };
    const d2 = (i: number, c: number) => {
      let s = 0;
      for (let t = 0; t < m; t++) s += (x(i, t) - centres[c * m + t]) ** 2;
      return s;
    };
    const want = new Float64Array(k * (m + 2));
    for (let i = 0; i < rows; i++) {
      const all = Array.from({ length: k }, (_, c) => d2(i, c));
      const own = d2(i, labels[i]);
      assert.ok(Math.abs(distances[i] - own) <= 1e-12 * Math.max(1, own), `distance of row ${i}`);
      assert.ok(
        own <= Math.min(...all) + 1e-12 * Math.max(1, own),
        `row ${i}: ${own} vs ${Math.min(...all)}`,
      );
      for (let t = 0; t < m; t++) want[labels[i] * (m + 2) + t] += x(i, t);
      want[labels[i] * (m + 2) + m] += 1;
      want[labels[i] * (m + 2) + m + 1] += own;
    }
    for (let q = 0; q < want.length; q++) {
      assert.ok(Math.abs(partial[q] - want[q]) <= 1e-12 * Math.max(1, Math.abs(want[q])), `partial[${q}]`);
    }
    // Without inertia the last column stays as it was, and labels alone leave no partial at all.
    const noInertia = new Float64Array(k * (m + 2));
    assignStrip(strip, centres, k, new Int32Array(rows), { partial: noInertia, inertia: false }, "js");
    for (let c = 0; c < k; c++) assert.equal(noInertia[c * (m + 2) + m + 1], 0);
  }
});

test("the native kernel refuses bad arguments instead of reading outside the arrays", { skip }, () => {
  const kern = native;
  if (kern === undefined) return;
  const x = new Float64Array(6); // 3 x 2
  const centres = new Float64Array(4); // 2 x 2
  const labels = new Int32Array(3);
  const call =
    (
      parts: unknown,
      cols: number[],
      rows: number,
      c: Float64Array,
      k: number,
      l: Int32Array,
      p: Float64Array | null,
      d: Float64Array | null = null,
    ) =>
    () =>
      kern.kmeansAssign(parts as Float64Array[], Int32Array.from(cols), rows, c, k, l, p, true, d);
  call([x], [2], 3, centres, 2, labels, new Float64Array(8), new Float64Array(3))(); // fine
  assert.throws(call([x], [2], 3, centres, 2, labels, null, new Float64Array(2)), RangeError); // distances short
  assert.throws(call([x], [2], 4, centres, 2, labels, null), RangeError); // x too short for 4 rows
  assert.throws(call([x], [2], 3, centres, 3, labels, null), RangeError); // centres too short for k = 3
  assert.throws(call([x], [2], 3, centres, 2, new Int32Array(2), null), RangeError); // labels too short
  assert.throws(call([x], [2], 3, centres, 2, labels, new Float64Array(7)), RangeError); // partial too short
  assert.throws(call([x], [2], 3, centres, 0, labels, null), RangeError); // k = 0
  assert.throws(call([x], [2, 1], 3, centres, 2, labels, null), RangeError); // cols longer than parts
  assert.throws(call([x], [-1], 3, centres, 2, labels, null), RangeError);
  assert.throws(call([[1, 2]], [2], 1, centres, 2, labels, null), TypeError);
  assert.throws(call(x, [2], 3, centres, 2, labels, null), TypeError);
});
