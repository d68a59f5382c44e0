import { it } from "node:test";
import assert from "node:assert/strict";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { ds, init, shutdown } from "../../src/index.ts";
import { engine } from "../../src/internal.ts";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

async function settle(): Promise<void> {
  // Finalizers run after a collection, on a later turn of the event loop.
  for (let k = 0; k < 3; k++) {
    gc();
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

it("a loop of 1,000 operations on a large array does not grow memory without bound", async () => {
  const poolBytes = 64 * 2 ** 20;
  await init({ workers: 2, poolBytes });
  const shape: [number, number] = [512, 512]; // 2 MiB per array; 1,000 leaked results would be 2 GiB
  const bytes = shape[0] * shape[1] * 8;
  let x = ds.random(shape, { blockSize: [256, 256], seed: 9 });
  await x.persist();
  let checkpoint = 0;
  for (let k = 0; k < 1000; k++) {
    const next = x.add(1);
    await next.persist();
    x.dispose();
    x = next;
    if (k === 99) {
      await settle();
      checkpoint = process.memoryUsage().arrayBuffers - engine().stats().pool.idleBytes;
    }
  }
  await settle();
  // Memory the block pool keeps idle for reuse is bounded by its budget (checked below), so it is not
  // counted as growth.
  const end = process.memoryUsage().arrayBuffers - engine().stats().pool.idleBytes;
  const live = engine().stats();
  assert.ok(
    end - checkpoint < 40 * bytes,
    `arrayBuffers grew by ${((end - checkpoint) / 2 ** 20).toFixed(1)} MiB`,
  );
  assert.ok(live.pool.idleBytes <= poolBytes, `the pool keeps ${live.pool.idleBytes} idle bytes`);
  // Recycling works: after the first rounds, results come from the memory of dead results.
  assert.ok(
    live.pool.hits > 10 * live.pool.misses,
    `pool hits ${live.pool.hits}, misses ${live.pool.misses}`,
  );
  assert.ok(
    live.liveBytes < 40 * bytes,
    `block store still holds ${live.liveBlocks} blocks (${live.liveBytes} bytes)`,
  );
  const first = await x.item(0, 0);
  const original = await ds.random(shape, { blockSize: [256, 256], seed: 9 }).item(0, 0);
  assert.ok(Math.abs(first - (original + 1000)) < 1e-9);
  await shutdown();
});
