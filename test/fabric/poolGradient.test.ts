/**
 * Gradients on the worker-thread pool: the same numbers as on the main thread, and a failure there ends a
 * real-clock run with the model's own error instead of hanging it (test/fabric/realClock.test.ts checks
 * that real-clock runs do compute on the pool).
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { Matrix, ShapeError, TaskFailedError } from "../../src/index.ts";
import { fabric } from "../../src/fabric/index.ts";
import type { EnvironmentSetup, FabricEnvironment, GradientJob } from "../../src/fabric/index.ts";
import { inlineGradient, poolGradient } from "../../src/fabric/gradientExecutor.ts";
import { realTimeEnvironment } from "../../src/fabric/realTimeEnvironment.ts";
import { init, shutdown } from "../../src/runtime/runtime.ts";
import { Rng } from "../../src/sim/rng.ts";
import { warmPool } from "./support/pool.ts";
import { baseOptions } from "./support/scenario.ts";

/** A random batch and parameter vector for `model`, drawn from `seed`. */
function randomJob(model: GradientJob["model"], rows: number, seed: number): GradientJob {
  const rng = new Rng(seed);
  const params = new Float32Array(model.paramCount);
  for (let k = 0; k < params.length; k++) params[k] = 0.5 * rng.normal();
  const x = Matrix.zeros(rows, model.inputs);
  for (let k = 0; k < x.data.length; k++) x.data[k] = 2 * rng.normal();
  const y = new Int32Array(rows);
  for (let i = 0; i < rows; i++) y[i] = rng.int(0, model.classes);
  return { model, params, x, y };
}

/** The same float32 values, bit for bit (NaN payloads and signed zeros included). */
function sameBits(a: Float32Array, b: Float32Array): boolean {
  return (
    Buffer.compare(
      Buffer.from(a.buffer, a.byteOffset, a.byteLength),
      Buffer.from(b.buffer, b.byteOffset, b.byteLength),
    ) === 0
  );
}

describe("gradients on the worker-thread pool", () => {
  before(async () => {
    await init({ workers: 2 });
    await warmPool();
  });
  after(shutdown);

  it("are bit-identical to the main thread's, for random networks, batches and parameters", async () => {
    const network = fc.record({
      hidden: fc.array(fc.integer({ min: 1, max: 12 }), { maxLength: 2 }),
      inputs: fc.integer({ min: 1, max: 12 }),
      classes: fc.integer({ min: 2, max: 6 }),
      l2: fc.oneof(fc.constant(0), fc.double({ min: 1e-4, max: 0.5, noNaN: true })),
      rows: fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 4 }),
      seed: fc.integer({ min: 0, max: 2 ** 30 }),
    });
    await fc.assert(
      fc.asyncProperty(network, async ({ hidden, inputs, classes, l2, rows, seed }) => {
        const model =
          hidden.length === 0 && seed % 2 === 0
            ? fabric.softmaxRegression({ inputs, classes, l2 })
            : fabric.mlp({ layers: [inputs, ...hidden, classes], l2 });
        // Several batches at once, so that both workers compute in parallel.
        const jobs = rows.map((n, k) => randomJob(model, n, seed + k));
        const pooled = await Promise.all(jobs.map((job) => poolGradient(job)));
        jobs.forEach((job, k) => {
          const inline = inlineGradient(job);
          assert.ok(sameBits(pooled[k], inline), `batch ${k} of ${JSON.stringify(model.toJSON())}`);
        });
      }),
      { numRuns: 40 },
    );
  });

  it("are bit-identical to the main thread's at the MNIST example's size (784-128-10, batch 32)", async () => {
    // The main thread's BLAS may run one thread per core, the workers' one each: the products of the
    // example's sizes must still sum in the same order.
    const model = fabric.mlp({ layers: [784, 128, 10], l2: 1e-4 });
    const job = { ...randomJob(model, 32, 5), params: model.init(new Rng(5)) };
    assert.ok(sameBits(await poolGradient(job), inlineGradient(job)));
  });

  it("reports a batch of the wrong width with the model's ShapeError as the cause, and bad params at once", async () => {
    const model = fabric.mlp({ layers: [4, 3, 2] });
    const job = randomJob(model, 5, 1);
    await assert.rejects(poolGradient({ ...job, x: Matrix.zeros(5, 7) }), (error: unknown) => {
      assert.ok(error instanceof TaskFailedError);
      assert.match(error.message, /mlp\.lossAndGradient/);
      const cause = error.cause as Error;
      assert.equal(cause.name, ShapeError.name);
      assert.match(cause.message, /x has 7 columns but the model takes 4 inputs/);
      return true;
    });
    // A parameter vector of the wrong length is refused on the main thread, with the model's message.
    await assert.rejects(
      poolGradient({ ...job, params: new Float32Array(model.paramCount + 1) }),
      (error: unknown) =>
        error instanceof ShapeError && /params has 24 values but the model has 23/.test(error.message),
    );
    // The pool stays usable.
    assert.ok(sameBits(await poolGradient(job), inlineGradient(job)));
  });

  it("ends a real-clock run whose pooled gradients fail with that failure", { timeout: 60_000 }, async () => {
    const o = await baseOptions();
    // A broken environment: every batch reaches the pool one column too wide.
    const broken = (setup: EnvironmentSetup): FabricEnvironment => ({
      ...realTimeEnvironment(setup),
      gradient: (job) => poolGradient({ ...job, x: Matrix.zeros(job.x.rows, job.x.cols + 1) }),
    });
    const started = performance.now();
    await assert.rejects(
      fabric.train({ ...o, clock: "real", transport: broken, target: { maxTimeS: 30 } }).result,
      (error: unknown) => {
        assert.ok(error instanceof TaskFailedError, String(error));
        assert.match((error.cause as Error).message, /x has 9 columns but the model takes 8 inputs/);
        return true;
      },
    );
    // It failed at the first gradient, not at maxTimeS.
    assert.ok(performance.now() - started < 10_000, `${performance.now() - started} ms`);
  });
});
