import { it } from "node:test";
import assert from "node:assert/strict";
import { ds, TaskFailedError } from "../../src/index.ts";
import { rechunkTo } from "../../src/array/rechunk.ts";
import { describeEachExecutor } from "../support/executors.ts";

describeEachExecutor("task failure", () => {
  it("rejects every dependent future with an error naming the operation, the block and the cause", async () => {
    const hidden = 2;
    const x = ds.ones([6, 6], { blockSize: [3, 3] });
    // `hidden` does not exist on the worker; map's check (a call with 0) takes the other branch.
    const bad = x.map((v) => (v > 0 ? v * hidden : v));
    const dependent = rechunkTo(bad, [2, 2, 2], [6]);
    await assert.rejects(dependent.collect(), (e: unknown) => {
      assert.ok(e instanceof TaskFailedError);
      assert.equal(e.op, "rechunk");
      assert.ok(e.cause instanceof TaskFailedError, "the cause is the failure of the task it depended on");
      assert.equal(e.cause.op, "map");
      assert.ok(Array.isArray(e.cause.blockIndex));
      assert.match(
        e.message,
        /rechunk failed at block \[\d, 0\]: map failed at block \[\d, \d\]: hidden is not defined/,
      );
      return true;
    });
  });

  it("leaves the runtime usable after failures", async () => {
    const hidden = 1;
    const x = ds.random([40, 40], { blockSize: [10, 10], seed: 5 });
    for (let k = 0; k < 3; k++) {
      await assert.rejects(x.map((v) => (v > 0 ? v + hidden : v)).collect(), TaskFailedError);
    }
    const got = await x.add(1).collect();
    const base = await x.collect();
    assert.equal(got.get(39, 39), base.get(39, 39) + 1);
  });
});
