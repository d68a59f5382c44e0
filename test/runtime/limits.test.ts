import { it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ArgumentError, ds, init, ResourceError, TaskFailedError } from "../../src/index.ts";
import { engine } from "../../src/internal.ts";
import { describeEachExecutor } from "../support/executors.ts";

/** `make` throws a one-line ResourceError matching `pattern`, and no task was submitted. */
function assertRefused(make: () => unknown, pattern: RegExp, what: string): void {
  const before = engine().stats().tasksSubmitted;
  assert.throws(make, (e: unknown) => {
    assert.ok(e instanceof ResourceError, `${what}: ${String(e)}`);
    assert.match(e.message, pattern, what);
    assert.ok(!e.message.includes("\n"), `${what}: one line`);
    return true;
  });
  assert.equal(engine().stats().tasksSubmitted, before, `${what}: nothing submitted`);
}

describeEachExecutor("resource limits", (executor) => {
  it("refuse arrays of too many blocks or too many bytes before submitting anything", () => {
    const cases: [() => unknown, RegExp, string][] = [
      [
        () => ds.zeros([1e6, 1e6], { blockSize: [1, 1] }),
        /^ds\.zeros: shape \[1000000, 1000000\] in blocks of \[1, 1\] makes 1\.00e\+12 blocks, more than maxBlocks = 1000000/,
        "a trillion blocks (V8 ran out of heap making their futures)",
      ],
      [
        () => ds.random([4000, 4000], { blockSize: [2, 2] }),
        /^ds\.random: .* makes 4\.00e\+6 blocks, more than maxBlocks/,
        "4 million blocks",
      ],
      [
        () => ds.random([3e5, 3e5], { blockSize: [3e5, 3e5] }),
        /^ds\.random: a dense array of shape \[300000, 300000\] \(blocks of \[300000, 300000\]\) needs 670\.6 GiB, more than the memory limit of/,
        "one 670 GiB block (a SharedArrayBuffer failed on the worker's turn and ended the process)",
      ],
      [
        () => ds.ones([1e7, 1e7], { blockSize: [1e5, 1e5] }),
        /^ds\.ones: a dense array .* needs 727\.6 TiB/,
        "727 TiB in blocks of 80 GB (hung)",
      ],
      [
        () => ds.eye(2e6, 2e6, { blockSize: [2e5, 2e5] }),
        /^ds\.eye: a dense array .* needs 29\.1 TiB/,
        "eye",
      ],
      [
        () => ds.random([1e6, 1e6], { blockSize: [1e6, 1] }).rechunk([1, 1e6]),
        /^rechunk: .* makes 1\.00e\+6 blocks|^ds\.random: a dense array/,
        "rechunk",
      ],
    ];
    for (const [make, pattern, what] of cases) assertRefused(make, pattern, what);
  });

  it("fail a task whose block the system cannot allocate, with a ResourceError, and keep running", async () => {
    // Past the memory check on purpose: what is left is the allocation itself (4 PiB).
    await init({ executor, workers: 2, memoryBytes: 2 ** 53 - 1 });
    try {
      const huge = ds.random([2 ** 24, 2 ** 25], { blockSize: [2 ** 24, 2 ** 25], seed: 1 });
      await assert.rejects(huge.sum(), (e: unknown) => {
        assert.ok(e instanceof TaskFailedError, String(e));
        assert.match(e.message, /cannot allocate a 16777216 x 33554432 block \(4\.0 PiB\): out of memory/);
        return true;
      });
      // The runtime is still there.
      assert.equal(await ds.ones([4, 4], { blockSize: [2, 2] }).sum(), 16);
    } finally {
      await init({ executor, workers: 2 });
    }
  });

  it("are set by init, checked, and apply to loaders and datasets too", async () => {
    await init({ executor, workers: 2, maxBlocks: 10, memoryBytes: 10_000 });
    try {
      assertRefused(
        () => ds.random([10, 10], { blockSize: [3, 3] }),
        /makes 1\.60e\+1 blocks, more than maxBlocks = 10; use larger blocks \(or init\(\{ maxBlocks \}\)\)/,
        "16 blocks over 10",
      );
      assert.deepEqual(ds.random([10, 10], { blockSize: [5, 5] }).shape, [10, 10]);
      assertRefused(
        () => ds.zeros([100, 100], { blockSize: [50, 50] }),
        /needs 78\.1 KiB, more than the memory limit of 9\.8 KiB/,
        "80 KB over 10 KB",
      );
      assert.throws(
        () => ds.datasets.makeBlobs({ nSamples: 1000, nFeatures: 2 }),
        /makeBlobs: a dense array of shape \[1000, 2\] .* needs 15\.6 KiB/,
      );
    } finally {
      await init({ executor, workers: 2 });
    }
    const dir = mkdtempSync(join(tmpdir(), "dsfabric-limits-"));
    await ds.saveNpy(ds.ones([40, 40], { blockSize: [20, 20] }), join(dir, "x.npy"));
    await init({ executor, workers: 2, memoryBytes: 4096 });
    try {
      await assert.rejects(ds.loadNpy(join(dir, "x.npy")), /ds\.loadNpy: a dense array of shape \[40, 40\]/);
    } finally {
      await init({ executor, workers: 2 });
    }
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      await assert.rejects(init({ maxBlocks: bad }), ArgumentError, `maxBlocks ${bad}`);
      await assert.rejects(init({ memoryBytes: bad }), /init: memoryBytes must be an integer >= 1/);
    }
    await init({ executor, workers: 2 });
  });
});
