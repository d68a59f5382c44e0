/**
 * The synchronous baselines in their best-known form: the linear scaling rule with gradual warm-up (Goyal et
 * al. 2017) matches its closed form; one BSP or all-reduce step over k workers is one dense large-batch SGD
 * step at the scheduled rate (against a softmax-regression gradient written out here); with the scaling
 * both reach a target on an easy problem, sooner than plain averaging; bad option values fail before
 * training.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ArgumentError } from "../../src/core/errors.ts";
import type { Matrix } from "../../src/core/matrix.ts";
import { resolveConfig } from "../../src/fabric/config.ts";
import { fabric } from "../../src/fabric/index.ts";
import type { TrainableModel, TrainOptions } from "../../src/fabric/index.ts";
import { SyncSchedule, syncLearningRate } from "../../src/fabric/model/sgd.ts";
import type { SyncScaling } from "../../src/fabric/model/sgd.ts";
import { baseOptions, blobs, CLASSES, FEATURES, run } from "./support/scenario.ts";

describe("linear (and square-root) scaling with warm-up", () => {
  it("the schedule follows 1 + (k - 1) * min(1, epochs / warmup) times the base, step by step", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 1, max: 128 }),
        fc.integer({ min: 1, max: 20 }),
        fc.constantFrom(0, 0.25, 1, 5, 7.5),
        fc.constantFrom<"linear" | "sqrt">("linear", "sqrt"),
        (k, batch, batchesPerEpoch, warmupEpochs, rule) => {
          const rows = k * batch * batchesPerEpoch;
          const scaling: SyncScaling = { rule, warmupEpochs };
          const scale = rule === "linear" ? k : Math.sqrt(k); // sqrt(k) in place of k under "sqrt"
          const schedule = new SyncSchedule(scaling, rows);
          const steps = Math.ceil(warmupEpochs * batchesPerEpoch) + 3;
          let previous = 0;
          for (let t = 0; t < steps; t++) {
            const epochs = (t * k * batch) / rows; // t updates of k mini-batches each
            const closed = 1 + (scale - 1) * (warmupEpochs === 0 ? 1 : Math.min(1, epochs / warmupEpochs));
            const factor = schedule.next(Array.from({ length: k }, () => batch));
            assert.ok(Math.abs(factor - closed) <= 1e-12 * k, `t=${t}: ${factor} vs ${closed}`);
            assert.ok(factor >= previous, "the rate never drops");
            previous = factor;
          }
          assert.ok(Math.abs(previous - scale) <= 1e-12 * k, "after the warm-up: k (or sqrt(k)) times");
        },
      ),
    );
  });

  it("starts at the base rate, ends at k times it, and 'none' keeps the base rate", () => {
    const linear: SyncScaling = { rule: "linear", warmupEpochs: 5 };
    assert.equal(syncLearningRate(0.05, 32, 0, linear), 0.05);
    assert.ok(Math.abs(syncLearningRate(0.05, 32, 2.5, linear) - 0.825) < 1e-12);
    assert.ok(Math.abs(syncLearningRate(0.05, 32, 5, linear) - 1.6) < 1e-12);
    assert.ok(Math.abs(syncLearningRate(0.05, 32, 50, linear) - 1.6) < 1e-12);
    assert.ok(Math.abs(syncLearningRate(0.05, 32, 0, { rule: "linear", warmupEpochs: 0 }) - 1.6) < 1e-12);
    assert.equal(syncLearningRate(0.05, 32, 50, { rule: "none", warmupEpochs: 5 }), 0.05);
    const sqrt: SyncScaling = { rule: "sqrt", warmupEpochs: 4 };
    assert.equal(syncLearningRate(0.05, 16, 0, sqrt), 0.05);
    assert.ok(Math.abs(syncLearningRate(0.05, 16, 2, sqrt) - 0.125) < 1e-12);
    assert.ok(Math.abs(syncLearningRate(0.05, 16, 8, sqrt) - 0.2) < 1e-12);
    assert.equal(syncLearningRate(0.05, 1, 3, linear), 0.05, "one worker: nothing to scale");
  });
});

/** Mean softmax cross-entropy gradient of W (FEATURES x CLASSES, row-major) then b over all rows, in float64. */
function denseGradient(params: Float32Array, x: Matrix, y: Matrix): Float64Array {
  const g = new Float64Array(params.length);
  const bias = FEATURES * CLASSES;
  const logits = new Float64Array(CLASSES);
  for (let r = 0; r < x.rows; r++) {
    for (let c = 0; c < CLASSES; c++) {
      let z = params[bias + c];
      for (let i = 0; i < FEATURES; i++) z += x.data[r * FEATURES + i] * params[i * CLASSES + c];
      logits[c] = z;
    }
    const max = Math.max(...logits);
    let total = 0;
    for (let c = 0; c < CLASSES; c++) total += logits[c] = Math.exp(logits[c] - max);
    for (let c = 0; c < CLASSES; c++) {
      const d = (logits[c] / total - (y.data[r] === c ? 1 : 0)) / x.rows;
      g[bias + c] += d;
      for (let i = 0; i < FEATURES; i++) g[i * CLASSES + c] += x.data[r * FEATURES + i] * d;
    }
  }
  return g;
}

/** The model, recording a copy of the parameters of every mini-batch gradient of `rows` rows. */
function recording(model: TrainableModel, rows: number, seen: Float32Array[]): TrainableModel {
  return new Proxy(model, {
    get(target, prop) {
      if (prop === "lossAndGradient") {
        return (params: Float32Array, x: Matrix, y: Int32Array, grad: Float32Array): number => {
          if (x.rows === rows) seen.push(params.slice());
          return target.lossAndGradient(params, x, y, grad);
        };
      }
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

describe("one synchronous step is one dense large-batch SGD step at the scheduled rate", () => {
  const K = 4;
  const base = 0.1;
  for (const policy of ["bsp", "allreduce"] as const) {
    for (const syncScaling of ["linear", "none"] as const) {
      it(`${policy}, ${syncScaling}`, async () => {
        const data = await blobs();
        const perWorker = data.x.rows / K; // each worker's mini-batch is its whole partition
        const seen: Float32Array[] = [];
        const model = recording(
          fabric.softmaxRegression({ inputs: FEATURES, classes: CLASSES }),
          perWorker,
          seen,
        );
        const o = await baseOptions();
        await run({
          ...o,
          model,
          policy,
          cluster: { workers: K, shards: 2, replicas: 0 },
          batchSize: perWorker,
          // One epoch per step: the rate is base, then 2.5 x base (half way to 4x), then 4 x base.
          optimizer: { learningRate: base, syncScaling, warmupEpochs: 2 },
          network: { hostBytesPerS: 1e7, latencyMs: 0.05 },
          evalRowsMax: 100,
          target: { maxTimeS: 0.05 },
        });
        assert.ok(seen.length >= 3 * K, `only ${seen.length} worker gradients were computed`);
        const rates = syncScaling === "linear" ? [base, 2.5 * base] : [base, base];
        // softmax regression starts at zero; each step is p -= rate * (mean gradient over all rows).
        let expected = new Float32Array(model.paramCount);
        for (let step = 0; step < 2; step++) {
          const g = denseGradient(expected, data.x, data.y);
          expected = expected.map((p, j) => p - rates[step] * g[j]);
          for (let w = 0; w < K; w++) {
            const got = seen[(step + 1) * K + w];
            for (let j = 0; j < got.length; j++) {
              assert.ok(
                Math.abs(got[j] - expected[j]) <= 1e-5 * (1 + Math.abs(expected[j])),
                `step ${step + 1}, worker ${w}, param ${j}: ${got[j]} vs ${expected[j]}`,
              );
            }
          }
        }
      });
    }
  }
});

describe("with the scaling, the synchronous baselines reach a target on an easy problem", () => {
  for (const policy of ["bsp", "allreduce"] as const) {
    it(policy, async () => {
      const o = await baseOptions();
      const target = { accuracy: 0.95, maxTimeS: 3 };
      const scaled = await run({ ...o, policy, target });
      const plain = await run({
        ...o,
        policy,
        target,
        optimizer: { learningRate: 0.05, syncScaling: "none" },
      });
      const reached = scaled.stats.timeToTarget;
      assert.ok(reached !== null, JSON.stringify(scaled.stats));
      assert.ok(scaled.stats.maxDelay === 0, "still synchronous");
      // Plain averaging moves k times less per sample: it gets there later, if at all.
      assert.ok(
        plain.stats.timeToTarget === null || plain.stats.timeToTarget >= reached,
        `linear ${reached} s, none ${plain.stats.timeToTarget} s`,
      );
    });
  }
});

describe("bad optimizer options fail before training", () => {
  const cases: [TrainOptions["optimizer"], RegExp][] = [
    [
      { learningRate: 0.05, syncScaling: "log" as "linear" },
      /optimizer\.syncScaling must be "linear", "sqrt" or "none" but was "log"/,
    ],
    [
      { learningRate: 0.05, warmupEpochs: -1 },
      /optimizer\.warmupEpochs must be a finite number >= 0 but was -1/,
    ],
    [{ learningRate: 0.05, warmupEpochs: NaN }, /optimizer\.warmupEpochs must be a finite number >= 0/],
    [
      { learningRate: 0.05, warmupEpochs: "5" as unknown as number },
      /optimizer\.warmupEpochs must be a finite number >= 0 but was "5"/,
    ],
    [
      { learningRate: 0.05, warmupUpdates: 100 } as never,
      /optimizer has an unknown option "warmupUpdates" \(known: learningRate, momentum, staleness, syncScaling, warmupEpochs\)/,
    ],
    [{ learningRate: -1 }, /fabric\.train: optimizer\.learningRate must be a finite number > 0 but was -1/],
    [{ learningRate: 0.05, momentum: 1 }, /fabric\.train: optimizer\.momentum must be a number in \[0, 1\)/],
    [7 as never, /fabric\.train: optimizer must be an object but was 7/],
  ];
  for (const [optimizer, message] of cases) {
    it(JSON.stringify(optimizer), async () => {
      const o = await baseOptions();
      let progress = 0;
      for (const policy of ["bsp", "allreduce", "async"] as const) {
        assert.throws(
          () => fabric.train({ ...o, policy, optimizer, onProgress: () => progress++ }),
          (e: unknown) => e instanceof ArgumentError && message.test(e.message),
        );
      }
      assert.equal(progress, 0);
    });
  }

  it("the defaults: linear scaling with a 5-epoch warm-up; the stores get only sgd's keys", async () => {
    const o = await baseOptions();
    assert.deepEqual(resolveConfig(o).syncScaling, { rule: "linear", warmupEpochs: 5 });
    assert.deepEqual(
      resolveConfig({ ...o, optimizer: { learningRate: 0.1, syncScaling: "none" } }).optimizer,
      {
        learningRate: 0.1,
      },
    );
  });
});
