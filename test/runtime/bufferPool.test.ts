import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import fc from "fast-check";
import { Matrix } from "../../src/core/matrix.ts";
import { SuppliedOutputs } from "../../src/core/kernels/outputs.ts";
import { BufferPool, POOL_MIN_BYTES, sizeClass } from "../../src/runtime/bufferPool.ts";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const MIB = 2 ** 20;

/** A WeakRef made in the current job keeps its target alive until the job ends: let it end. */
const nextJob = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const pool = (maxIdleBytes = 64 * MIB): BufferPool => new BufferPool({ maxIdleBytes, collectMinBytes: MIB });

describe("block pool", () => {
  it("size classes round up by at most an eighth and never down", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 40 }), (bytes) => {
        const c = sizeClass(bytes);
        assert.ok(c >= bytes && c <= bytes * 1.125 + 1, `${bytes} -> ${c}`);
        assert.equal(sizeClass(c), c);
      }),
    );
  });

  it("reuses a released buffer for the same size class, and says it is not fresh", () => {
    const p = pool();
    const a = p.acquire(256, 256);
    assert.equal(a.fresh, true);
    a.matrix.data.fill(7);
    p.release(a.matrix);
    const b = p.acquire(250, 256); // same class: 250*256*8 rounds to 256*256*8
    assert.equal(b.fresh, false);
    assert.equal(b.matrix.data.length, 250 * 256);
    assert.equal(b.matrix.data[0], 7, "the same memory, old values and all");
    assert.deepEqual([p.stats().hits, p.stats().misses], [1, 1]);
  });

  it("small blocks are not pooled", () => {
    const p = pool();
    const rows = Math.floor(POOL_MIN_BYTES / 8 / 16) - 1;
    const a = p.acquire(rows, 16);
    p.release(a.matrix);
    assert.equal(p.acquire(rows, 16).fresh, true);
    assert.deepEqual([p.stats().hits, p.stats().misses], [0, 0]);
  });

  it("a block is reclaimed only once nothing holds a view of it", async () => {
    const p = pool();
    const holder: { view?: Float64Array } = { view: p.acquire(512, 512).matrix.data.subarray(10, 20) };
    await nextJob();
    gc();
    p.scan();
    assert.equal(p.stats().idleBytes, 0, "a live subarray keeps the block out of the pool");
    assert.equal(holder.view?.length, 10);
    delete holder.view;
    await nextJob();
    gc();
    p.scan();
    assert.equal(p.stats().idleBytes, 512 * 512 * 8);
    assert.equal(p.stats().outstandingBytes, 0);
  });

  it("keeps at most maxIdleBytes idle", () => {
    const p = pool(3 * MIB);
    const blocks = Array.from({ length: 8 }, () => p.acquire(128, 1024).matrix); // 1 MiB each
    for (const m of blocks) p.release(m);
    assert.equal(p.stats().idleBytes, 3 * MIB);
  });

  it("releasing twice, or a block the pool never made, changes nothing", () => {
    const p = pool();
    const a = p.acquire(256, 256);
    p.release(a.matrix);
    p.release(a.matrix);
    p.release(Matrix.zeros(256, 256));
    assert.equal(p.stats().idleBytes, 256 * 256 * 8);
    const b = p.acquire(256, 256);
    const c = p.acquire(256, 256);
    assert.notEqual(b.matrix.data.buffer, c.matrix.data.buffer);
    assert.equal(c.fresh, true);
  });

  it("a miss after enough hand-outs collects garbage and reuses what died", async () => {
    const p = pool();
    for (let k = 0; k < 64; k++) {
      p.acquire(128, 1024).matrix.data.fill(k); // 1 MiB each, dropped at once
      await nextJob();
    }
    const s = p.stats();
    assert.ok(s.collections >= 1, "a collection ran");
    assert.ok(s.hits > s.misses, `hits ${s.hits}, misses ${s.misses}`);
  });
});

describe("supplied outputs", () => {
  it("take hands over the supplied block once; zeros clears recycled memory only", () => {
    const used = Matrix.fromArray([
      [1, 2],
      [3, 4],
    ]);
    const out = new SuppliedOutputs([used, Matrix.zeros(2, 2)], [false, true]);
    const z = out.zeros(0, 2, 2);
    assert.equal(z, used);
    assert.deepEqual(z.toArray(), [
      [0, 0],
      [0, 0],
    ]);
    assert.notEqual(out.take(0, 2, 2), used, "a second request gets fresh memory");
    assert.notEqual(out.take(1, 3, 1).rows === 2, true, "another shape gets fresh memory");
  });
});
