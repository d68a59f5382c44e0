import { it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ds, CsrMatrix, Matrix, ShapeError, type Block, type DsArray } from "../../src/index.ts";
import { describeEachExecutor } from "../support/executors.ts";

/** A rows x cols matrix of values in [-1, 1) where about `density` of them are non-zero. */
function sparseValues(rows: number, cols: number, density: number, seed: number): number[][] {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
  return Array.from({ length: rows }, () =>
    Array.from({ length: cols }, () => (next() < density ? next() * 2 - 1 : 0)),
  );
}

function close(got: readonly number[], want: readonly number[], what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  got.forEach((v, k) => {
    const w = want[k];
    const ok =
      Object.is(v, w) ||
      Math.abs(v - w) <= 1e-12 * Math.max(1, Math.abs(w)) ||
      (Number.isNaN(v) && Number.isNaN(w));
    assert.ok(ok, `${what}[${k}]: ${v} != ${w}`);
  });
}

/** A CSR matrix as scipy requires it: indptr from 0 to nnz, never decreasing; each row's columns increasing and in range. */
function checkCsr(m: CsrMatrix, what: string): void {
  assert.equal(m.indptr[0], 0, `${what}: indptr[0]`);
  assert.equal(m.indptr[m.rows], m.nnz, `${what}: indptr[rows]`);
  for (let i = 0; i < m.rows; i++) {
    assert.ok(m.indptr[i + 1] >= m.indptr[i], `${what}: indptr decreases at row ${i}`);
    for (let k = m.indptr[i]; k < m.indptr[i + 1]; k++) {
      const j = m.indices[k];
      assert.ok(j >= 0 && j < m.cols, `${what}: column ${j} outside [0, ${m.cols}) in row ${i}`);
      if (k > m.indptr[i]) assert.ok(j > m.indices[k - 1], `${what}: columns not increasing in row ${i}`);
    }
  }
}

async function values(x: DsArray<Block>, what = "array"): Promise<number[]> {
  const m = await x.collect();
  if (m instanceof CsrMatrix) checkCsr(m, what);
  return Array.from(m instanceof CsrMatrix ? m.toDense().data : m.data);
}

const shapes = fc.record({
  rows: fc.integer({ min: 1, max: 24 }),
  cols: fc.integer({ min: 1, max: 14 }),
  br: fc.integer({ min: 1, max: 24 }),
  bc: fc.integer({ min: 1, max: 14 }),
  density: fc.constantFrom(0, 0.05, 0.3, 1),
  seed: fc.integer({ min: 1, max: 1 << 30 }),
});

describeEachExecutor("sparse arrays", () => {
  it("keep sparsity through scaling, maps with f(0) = 0 and the transpose, and agree with the dense result", async () => {
    await fc.assert(
      fc.asyncProperty(shapes, async ({ rows, cols, br, bc, density, seed }) => {
        const data = sparseValues(rows, cols, density, seed);
        const blockSize = [Math.min(br, rows), Math.min(bc, cols)] as const;
        const d = ds.array(data, { blockSize });
        const s = ds.array(CsrMatrix.fromDense(Matrix.fromArray(data)), { blockSize });
        assert.ok(s.sparse);
        const cases: [string, DsArray<CsrMatrix>, DsArray][] = [
          ["x", s, d],
          ["x * 3", s.mul(3), d.mul(3)],
          ["x / -2", s.div(-2), d.div(-2)],
          ["-x", s.neg(), d.neg()],
          ["|x|", s.abs(), d.abs()],
          ["sqrt|x|", s.abs().sqrt(), d.abs().sqrt()],
          ["x.T", s.T, d.T],
          ["x.transpose().T", s.transpose().T, d],
        ];
        for (const [what, got, want] of cases) {
          assert.ok(got.sparse, `${what} stays sparse`);
          assert.deepEqual(got.shape, want.shape, what);
          close(await values(got, what), await values(want), what);
        }
        const squared = s.pow(2);
        assert.ok(squared.sparse, "x ** 2 stays sparse");
        close(await values(squared), await values(d.pow(2)), "x ** 2");
      }),
      { numRuns: 20 },
    );
  });

  it("reduce along every axis as the dense array does, implicit zeros included", async () => {
    await fc.assert(
      fc.asyncProperty(shapes, async ({ rows, cols, br, bc, density, seed }) => {
        const data = sparseValues(rows, cols, density, seed);
        const blockSize = [Math.min(br, rows), Math.min(bc, cols)] as const;
        const d = ds.array(data, { blockSize });
        const s = ds.array(data, { blockSize }).toSparse();
        for (const name of ["sum", "mean", "min", "max", "norm", "countNonzero", "prod"] as const) {
          for (const axis of [0, 1] as const) {
            close(await values(s[name](axis)), await values(d[name](axis)), `${name}(${axis})`);
          }
          close([await s[name]()], [await d[name]()], `${name}()`);
        }
      }),
      { numRuns: 15 },
    );
  });

  it("multiply with dense and sparse operands, either transposed (dense results, sparse for two sparse)", async () => {
    await fc.assert(
      fc.asyncProperty(
        shapes,
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        async ({ rows, cols, br, bc, density, seed }, k, bk) => {
          const a = sparseValues(rows, cols, density, seed);
          const b = sparseValues(cols, k, 0.5, seed + 1);
          const blockSize = [Math.min(br, rows), Math.min(bc, cols)] as const;
          const da = ds.array(a, { blockSize });
          const sa = da.toSparse();
          const db = ds.array(b, { blockSize: [Math.min(bc, cols), Math.min(bk, k)] });
          const sb = db.toSparse();
          const want = await values(da.matmul(db));
          close(await values(sa.matmul(db)), want, "sparse x dense");
          close(await values(da.matmul(sb)), want, "dense x sparse");
          const product = sa.matmul(sb);
          assert.ok(product.sparse, "sparse x sparse is sparse");
          close(await values(product, "sparse x sparse"), want, "sparse x sparse");
          close(
            await values(ds.matmul(sb, sa, { transposeA: true, transposeB: true }), "sparseᵀ x sparseᵀ"),
            await values(ds.matmul(db, da, { transposeA: true, transposeB: true })),
            "sparseᵀ x sparseᵀ",
          );
          const c = ds.array(sparseValues(rows, k, 0.5, seed + 2), { blockSize: [Math.min(br, rows), 1] });
          const wantT = await values(ds.matmul(da, c, { transposeA: true }));
          close(await values(ds.matmul(sa, c, { transposeA: true })), wantT, "sparseᵀ x dense (rechunked)");
          close(
            await values(ds.matmul(c, sa, { transposeA: true })),
            await values(ds.matmul(c, da, { transposeA: true })),
            "denseᵀ x sparse",
          );
        },
      ),
      { numRuns: 15 },
    );
  });

  it("keep sparsity through slices, takes, masks, rechunks, joins and sparse-sparse arithmetic", async () => {
    await fc.assert(
      fc.asyncProperty(
        shapes,
        fc.integer({ min: 1, max: 24 }),
        fc.integer({ min: 1, max: 14 }),
        fc.integer({ min: -3, max: 3 }).filter((k) => k !== 0),
        async ({ rows, cols, br, bc, density, seed }, br2, bc2, step) => {
          const data = sparseValues(rows, cols, density, seed);
          const other = sparseValues(rows, cols, density, seed + 7);
          const blockSize = [Math.min(br, rows), Math.min(bc, cols)] as const;
          const d = ds.array(data, { blockSize });
          const s = d.toSparse();
          // A different blocking: the sparse-sparse operations rechunk the right operand.
          const e = ds.array(other, { blockSize: [Math.min(br2, rows), Math.min(bc2, cols)] });
          const t = e.toSparse();
          const rowsPicked = Array.from({ length: rows + 2 }, (_, k) => ((k * 7 + seed) % (2 * rows)) - rows);
          const colMask = Array.from({ length: cols }, (_, k) => (k + seed) % 3 !== 0);
          const cases: [string, DsArray<Block>, DsArray][] = [
            ["x + y", s.add(t), d.add(e)],
            ["x - y", s.sub(t), d.sub(e)],
            ["x * y", s.mul(t), d.mul(e)],
            [
              "slice",
              s.slice([1, null, step], [null, null, -step]),
              d.slice([1, null, step], [null, null, -step]),
            ],
            ["take rows", s.take(rowsPicked, 0), d.take(rowsPicked, 0)],
            ["take cols", s.take([cols - 1, 0, -1], 1), d.take([cols - 1, 0, -1], 1)],
            ["mask cols", s.mask(colMask, 1), d.mask(colMask, 1)],
            ["rechunk", s.rechunk([Math.min(br2, rows), Math.min(bc2, cols)]), d],
            ["concat 0", ds.concat([s, t], 0), ds.concat([d, e], 0)],
            ["concat 1", ds.concat([t, s], 1), ds.concat([e, d], 1)],
            ["copy", s.copy(), d],
          ];
          for (const [what, got, want] of cases) {
            assert.ok(got.sparse, `${what} stays sparse`);
            assert.deepEqual(got.shape, want.shape, what);
            close(await values(got, what), await values(want), what);
          }
        },
      ),
      { numRuns: 15 },
    );
  });

  it("give dense results for operations that cannot keep zeros, as scipy does", async () => {
    const data = sparseValues(9, 7, 0.3, 5);
    const d = ds.array(data, { blockSize: [4, 3] });
    const s = d.toSparse();
    const row = ds.array([sparseValues(1, 7, 1, 3)[0]], { blockSize: [1, 3] });
    const cases: [string, DsArray<Block>, DsArray][] = [
      ["x + 1", s.add(1), d.add(1)],
      ["exp(x)", s.exp(), d.exp()],
      ["x ** 0", s.pow(0), d.pow(0)],
      ["x + dense", s.add(d), d.add(d)],
      ["x + broadcast row", s.add(row), d.add(row)],
      ["x * dense", s.mul(d), d.mul(d)],
      ["concat with dense", ds.concat([d, s], 0), ds.concat([d, d], 0)],
      ["where", ds.where(s.gt(0), s, -1), ds.where(d.gt(0), d, -1)],
      ["deleteRows", s.deleteRows([0, 3]), d.deleteRows([0, 3])],
    ];
    for (const [what, got, want] of cases) {
      assert.ok(!got.sparse, `${what} is dense`);
      close(await values(got, what), await values(want), what);
    }
    assert.equal(await s.item(2, 3), await d.item(2, 3));
    close(await values(s.var(0)), await values(d.var(0)), "var(0)");
  });

  it("collect to a CsrMatrix equal to the one they were made from, and convert both ways", async () => {
    const m = CsrMatrix.fromArrays(3, 4, [0, 2, 2, 3], [0, 3, 1], [5, -1, 7]);
    const s = ds.array(m, { blockSize: [2, 3] });
    assert.deepEqual(s.nBlocks, [2, 2]);
    const back = await s.collect();
    assert.ok(back instanceof CsrMatrix);
    assert.deepEqual([...back.indptr], [0, 2, 2, 3]);
    assert.deepEqual([...back.indices], [0, 3, 1]);
    assert.deepEqual([...back.data], [5, -1, 7]);
    assert.deepEqual(await s.toArray(), [
      [5, 0, 0, -1],
      [0, 0, 0, 0],
      [0, 7, 0, 0],
    ]);
    const dense = s.toDense();
    assert.ok(!dense.sparse);
    assert.deepEqual(await dense.toArray(), await s.toArray());
    assert.equal(s.toSparse(), s);
    assert.equal(dense.toDense(), dense);
  });
});

it("CsrMatrix checks its arrays and reads single values by binary search", () => {
  assert.throws(() => CsrMatrix.fromArrays(2, 2, [0, 1], [0], [1]), ShapeError);
  assert.throws(() => CsrMatrix.fromArrays(1, 2, [0, 2], [1, 0], [1, 2]), /out of order/);
  assert.throws(() => CsrMatrix.fromArrays(1, 2, [0, 1], [2], [1]), /outside \[0, 2\)/);
  assert.throws(() => CsrMatrix.fromArrays(2, 2, [0, 2, 1], [0, 1], [1, 2]), /indptr/);
  const m = CsrMatrix.fromDense(
    Matrix.fromArray([
      [0, 1, 0, 2],
      [Number.NaN, 0, 0, 0],
    ]),
  );
  assert.equal(m.nnz, 3);
  assert.deepEqual([m.get(0, 0), m.get(0, 1), m.get(0, 3), m.get(1, 3)], [0, 1, 2, 0]);
  assert.ok(Number.isNaN(m.get(1, 0)));
});
