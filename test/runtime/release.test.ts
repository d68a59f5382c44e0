import { it } from "node:test";
import assert from "node:assert/strict";
import { ds, init, shutdown } from "../../src/index.ts";
import { engine } from "../../src/internal.ts";
import { assertDsEqual } from "../support/dense.ts";
import { describeEachExecutor } from "../support/executors.ts";

const idle = (): number => engine().stats().pool.idleBytes;

describeEachExecutor("releasing blocks at dispose", () => {
  it("a disposed array's blocks go back to the pool at once, unless another array shares them", async () => {
    const x = await ds.random([256, 512], { blockSize: [128, 256], seed: 1 }).persist(); // 4 blocks of 256 KiB
    const y = await x.add(1).persist();
    const shared = y.copy(); // shares y's blocks
    const before = idle();
    y.dispose();
    assert.equal(idle(), before, "the copy still holds the blocks");
    const expected = (await x.toArray()).map((row) => row.map((v) => v + 1));
    await assertDsEqual(shared, expected);
    shared.dispose();
    assert.equal(idle() - before, 256 * 512 * 8, "all four blocks are idle");
    // The next result of the same size reuses them.
    const hits = engine().stats().pool.hits;
    const z = await x.mul(2).persist();
    assert.equal(engine().stats().pool.hits - hits, 4);
    await assertDsEqual(
      z,
      (await x.toArray()).map((row) => row.map((v) => v * 2)),
    );
  });

  it("a block that a submitted task still has to read is released only after it is read", async () => {
    const x = await ds.random([256, 512], { blockSize: [128, 256], seed: 2 }).persist();
    const a = x.add(3);
    const t = a.T; // submitted now; it reads a's blocks when they are computed
    a.dispose();
    const dense = (await x.toArray()).map((row) => row.map((v) => v + 3));
    await assertDsEqual(
      t,
      dense[0].map((_, j) => dense.map((row) => row[j])),
    );
    t.dispose();
  });
});

it("with a small pool the workers drop the slabs the pool lets go, and results stay right", async () => {
  await init({ workers: 2, poolBytes: 2 * 2 ** 20 });
  let x = await ds.random([512, 512], { blockSize: [128, 128], seed: 3 }).persist(); // 16 blocks of 128 KiB
  const start = await x.toArray();
  for (let k = 0; k < 40; k++) {
    const next = await x.add(1).persist();
    x.dispose();
    x = next;
  }
  await assertDsEqual(
    x,
    start.map((row) => row.map((v) => v + 40)),
    1e-9,
  );
  assert.ok(engine().stats().pool.idleBytes <= 2 * 2 ** 20);
  await shutdown();
});

it("init rejects a pool budget that is not a non-negative number, before anything starts", async () => {
  for (const poolBytes of [-1, Number.NaN, Number.POSITIVE_INFINITY, "1GB" as unknown as number]) {
    await assert.rejects(
      init({ poolBytes }),
      /init: poolBytes must be a non-negative number of bytes but was/,
    );
  }
});
