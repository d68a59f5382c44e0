/**
 * Property tests of blockGrid.ts's pure block arithmetic, against independent references (CPython's
 * slice.indices + range, plain loops).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ArgumentError, IndexError } from "../../src/index.ts";
import { blockGrid } from "../../src/internal.ts";

const {
  blockOf,
  chunksOf,
  isWholeBlock,
  normalizeBlockSize,
  normalizeIndices,
  normalizeSlice,
  offsetsOf,
  pieceIndices,
  slicePieces,
  takeGroups,
  wholeTakeSource,
} = blockGrid;

type Bound = number | null;

/** CPython's PySlice_GetIndicesEx followed by range(): the indices a[start:stop:step] selects. */
function pythonSliceIndices(length: number, start: Bound, stop: Bound, step: Bound): number[] {
  const s = step ?? 1;
  const adjust = (v: Bound, dflt: number): number => {
    if (v === null) return dflt;
    if (v < 0) {
      v += length;
      if (v < 0) v = s < 0 ? -1 : 0;
    } else if (v >= length) {
      v = s < 0 ? length - 1 : length;
    }
    return v;
  };
  const lo = adjust(start, s < 0 ? length - 1 : 0);
  const hi = adjust(stop, s < 0 ? -1 : length);
  const out: number[] = [];
  for (let i = lo; s > 0 ? i < hi : i > hi; i += s) out.push(i);
  return out;
}

function rangeOf(start: number, stop: number, step: number): number[] {
  const out: number[] = [];
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(i);
  return out;
}

const bound = (length: number) =>
  fc.oneof(fc.constant(null), fc.integer({ min: -length - 3, max: length + 3 }));
const step = fc.oneof(
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 4, arbitrary: fc.integer({ min: -5, max: 5 }).filter((s) => s !== 0) },
);
/** Chunk lists: positive lengths, or the single [0] of an empty axis. */
const chunks = fc.oneof(
  { weight: 9, arbitrary: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 6 }) },
  { weight: 1, arbitrary: fc.constant([0]) },
);
const sum = (c: readonly number[]) => c.reduce((a, b) => a + b, 0);

describe("blockGrid", () => {
  it("normalizeSlice matches Python's slice.indices and range, clamping out-of-range bounds", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 12 }).chain((n) => fc.tuple(fc.constant(n), bound(n), bound(n), step)),
        ([n, start, stop, st]) => {
          const s = normalizeSlice("t", n, [start, stop, st], 0);
          const expected = pythonSliceIndices(n, start, stop, st);
          assert.deepEqual(rangeOf(s.start, s.stop, s.step), expected);
          assert.equal(s.count, expected.length);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("normalizeSlice: short tuples, null, undefined and single indices", () => {
    assert.deepEqual(normalizeSlice("t", 10, [null, null, -3], 0), {
      start: 9,
      stop: -1,
      step: -3,
      count: 4,
    });
    assert.deepEqual(normalizeSlice("t", 10, [3], 0), { start: 3, stop: 10, step: 1, count: 7 });
    assert.deepEqual(normalizeSlice("t", 10, [], 0), { start: 0, stop: 10, step: 1, count: 10 });
    assert.deepEqual(normalizeSlice("t", 10, null, 0), { start: 0, stop: 10, step: 1, count: 10 });
    assert.deepEqual(normalizeSlice("t", 10, undefined, 1), { start: 0, stop: 10, step: 1, count: 10 });
    assert.deepEqual(normalizeSlice("t", 0, [null, null, -1], 0).count, 0);
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 12 })
          .chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: -n, max: n - 1 }))),
        ([n, i]) => {
          const s = normalizeSlice("t", n, i, 1);
          assert.deepEqual(rangeOf(s.start, s.stop, s.step), [i < 0 ? i + n : i]);
        },
      ),
    );
  });

  it("normalizeSlice rejects bad input with typed errors naming op, axis and value", () => {
    assert.throws(
      () => normalizeSlice("slice", 5, 5, 0),
      (e: unknown) =>
        e instanceof IndexError && /slice: index 5 is out of range for axis 0 with 5 rows/.test(e.message),
    );
    assert.throws(
      () => normalizeSlice("slice", 3, -4, 1),
      (e: unknown) => e instanceof IndexError && /index -4 .* axis 1 with 3 cols/.test(e.message),
    );
    assert.throws(() => normalizeSlice("slice", 0, 0, 0), IndexError);
    assert.throws(
      () => normalizeSlice("slice", 5, [0, 5, 0], 1),
      (e: unknown) => e instanceof ArgumentError && /step cannot be zero \(axis 1\)/.test(e.message),
    );
    assert.throws(() => normalizeSlice("slice", 5, 1.5, 0), ArgumentError);
    assert.throws(() => normalizeSlice("slice", 5, [0.5], 0), ArgumentError);
    assert.throws(() => normalizeSlice("slice", 5, ["1"] as unknown as [number], 0), ArgumentError);
    assert.throws(() => normalizeSlice("slice", 5, [0, 1, 1, 1] as unknown as [number], 0), ArgumentError);
    assert.throws(() => normalizeSlice("slice", 5, "0:2" as unknown as number, 0), ArgumentError);
  });

  it("slicePieces covers exactly the selected indices, in order, one piece per touched block", () => {
    fc.assert(
      fc.property(
        chunks.chain((c) => fc.tuple(fc.constant(c), bound(sum(c)), bound(sum(c)), step)),
        ([c, start, stop, st]) => {
          const n = sum(c);
          const s = normalizeSlice("t", n, [start, stop, st], 0);
          const { pieces, chunks: out } = slicePieces(c, s);
          const offsets = offsetsOf(c);
          const covered: number[] = [];
          for (const p of pieces) {
            assert.ok(p.count > 0, "no empty pieces");
            assert.equal(
              Math.max(0, Math.ceil((p.stop - p.start) / p.step)),
              p.count,
              "kernel count formula",
            );
            for (const local of pieceIndices(p)) {
              assert.ok(
                local >= 0 && local < c[p.block],
                `local ${local} inside block ${p.block} of ${c[p.block]}`,
              );
              covered.push(offsets[p.block] + local);
            }
            assert.equal(
              isWholeBlock(p, c[p.block]),
              p.count === c[p.block] && (p.step === 1 || c[p.block] === 1),
            );
          }
          assert.deepEqual(covered, pythonSliceIndices(n, start, stop, st));
          const blocks = pieces.map((p) => p.block);
          assert.equal(new Set(blocks).size, blocks.length, "each block touched once");
          assert.deepEqual(out, pieces.length === 0 ? [0] : pieces.map((p) => p.count));
        },
      ),
      { numRuns: 500 },
    );
  });

  it("a block-aligned step-1 slice is made of whole blocks", () => {
    const { pieces } = slicePieces([4, 4, 4, 4], normalizeSlice("t", 16, [4, 12], 0));
    assert.deepEqual(
      pieces.map((p) => [p.block, isWholeBlock(p, 4)]),
      [
        [1, true],
        [2, true],
      ],
    );
    const reversed = slicePieces([4, 1], normalizeSlice("t", 5, [null, null, -1], 0)).pieces;
    assert.deepEqual(
      reversed.map((p) => isWholeBlock(p, [4, 1][p.block])),
      [true, false],
    );
  });

  it("normalizeIndices and takeGroups: NumPy order, duplicates, groups of the block length", () => {
    fc.assert(
      fc.property(
        fc
          .array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 6 })
          .chain((c) =>
            fc.tuple(
              fc.constant(c),
              fc.array(fc.integer({ min: -sum(c), max: sum(c) - 1 }), { maxLength: 20 }),
              fc.integer({ min: 1, max: 6 }),
            ),
          ),
        ([c, raw, blockLength]) => {
          const n = sum(c);
          const indices = normalizeIndices("take", n, raw, 0);
          assert.deepEqual(
            indices,
            raw.map((v) => (v < 0 ? v + n : v)),
          );
          const groups = takeGroups(c, indices, blockLength);
          const offsets = offsetsOf(c);
          const got: number[] = [];
          groups.forEach((g, k) => {
            if (k < groups.length - 1) assert.equal(g.local.length, blockLength);
            assert.ok(g.local.length > 0 && g.local.length <= blockLength);
            assert.equal(new Set(g.sources).size, g.sources.length, "sources deduplicated");
            assert.equal(g.source.length, g.local.length);
            g.local.forEach((l, p) => {
              const block = g.sources[g.source[p]];
              assert.ok(l >= 0 && l < c[block]);
              got.push(offsets[block] + l);
            });
            const whole = wholeTakeSource(g, c);
            if (whole >= 0) {
              assert.deepEqual(g.sources, [whole]);
              assert.deepEqual(
                g.local,
                Array.from({ length: c[whole] }, (_, i) => i),
              );
            }
          });
          assert.deepEqual(got, indices);
          assert.equal(groups.length, Math.ceil(indices.length / blockLength));
        },
      ),
      { numRuns: 300 },
    );
    assert.equal(wholeTakeSource(takeGroups([2, 3], [2, 3, 4], 3)[0], [2, 3]), 1);
    assert.equal(wholeTakeSource(takeGroups([2, 3], [2, 4, 3], 3)[0], [2, 3]), -1);
  });

  it("normalizeIndices rejects out-of-range and non-integer indices", () => {
    assert.throws(
      () => normalizeIndices("take", 4, [0, 4], 1),
      (e: unknown) =>
        e instanceof IndexError && /take: index 4 is out of range for axis 1 with 4 cols/.test(e.message),
    );
    assert.throws(() => normalizeIndices("take", 4, [-5], 0), IndexError);
    assert.throws(() => normalizeIndices("take", 4, [1.5], 0), ArgumentError);
    assert.throws(() => normalizeIndices("take", 4, "0" as unknown as number[], 0), ArgumentError);
  });

  it("chunksOf, offsetsOf and blockOf agree with plain loops", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 1, max: 8 }), (length, block) => {
        const c = chunksOf(length, block);
        if (length === 0) return assert.deepEqual(c, [0]);
        assert.equal(sum(c), length);
        assert.ok(c.slice(0, -1).every((x) => x === block));
        assert.ok(c[c.length - 1] > 0 && c[c.length - 1] <= block);
        assert.equal(c.length, Math.ceil(length / block));
      }),
    );
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 8 }), (c) => {
        const offsets = offsetsOf(c);
        assert.equal(offsets.length, c.length + 1);
        c.forEach((len, k) => assert.equal(offsets[k + 1] - offsets[k], len));
        assert.equal(offsets[0], 0);
        for (let i = 0; i < sum(c); i++) {
          const b = blockOf(offsets, i);
          assert.ok(offsets[b] <= i && i < offsets[b + 1], `index ${i} in block ${b} of [${c.join(",")}]`);
        }
      }),
    );
  });

  it("normalizeBlockSize accepts sizes that fit and names what is wrong otherwise", () => {
    assert.deepEqual(normalizeBlockSize("ds.random", [10, 4], [3, 4]), [3, 4]);
    assert.deepEqual(
      normalizeBlockSize("ds.random", [0, 4], [7, 1]),
      [7, 1],
      "an empty axis accepts any size",
    );
    const bad: [unknown, RegExp][] = [
      [[3, 5], /block size 5 is larger than the array's 4 cols/],
      [[11, 1], /block size 11 is larger than the array's 10 rows/],
      [[0, 1], /blockSize\[0\] must be a positive integer but was 0/],
      [[1, -2], /blockSize\[1\] must be a positive integer/],
      [[1.5, 1], /blockSize\[0\]/],
      [[1], /blockSize must be \[rows, cols\]/],
      [[1, 1, 1], /blockSize must be \[rows, cols\]/],
      ["3x4", /blockSize must be \[rows, cols\]/],
      [undefined, /blockSize must be \[rows, cols\]/],
      [["1", 1], /blockSize\[0\]/],
    ];
    for (const [size, pattern] of bad) {
      assert.throws(
        () => normalizeBlockSize("ds.random", [10, 4], size),
        (e: unknown) =>
          e instanceof ArgumentError && /^ds\.random: /.test(e.message) && pattern.test(e.message),
        `blockSize ${JSON.stringify(size)}`,
      );
    }
  });
});
