/**
 * Measures what bounds a synchronous policy on a scenario: how many rounds it completes, how long a round
 * takes, and how many rounds waited for a stalled worker (a slow-host stall on any worker's mini-batch of
 * that round); and, as the reference no rate rule can beat, dense large-batch SGD (no fabric) for a number
 * of steps at a sweep of constant rates. Not a test: a script for docs/fabric.md's numbers.
 *
 *   node --import tsx test/fabric/support/syncRounds.ts examples/dynamic-cluster.json bsp [--set k=v ...]
 *   node --import tsx test/fabric/support/syncRounds.ts examples/dynamic-cluster.json dense 37
 */
import { loadConfig } from "../../../src/cli/config.ts";
import { prepareConfig, trainOptions } from "../../../src/cli/runPolicy.ts";
import { Matrix } from "../../../src/core/matrix.ts";
import { gatherRows } from "../../../src/fabric/data.ts";
import { fabric } from "../../../src/fabric/index.ts";
import type { EnvironmentFactory } from "../../../src/fabric/index.ts";
import { Rng } from "../../../src/sim/rng.ts";

/** One round's summary. */
export interface RoundStats {
  rounds: number;
  meanRoundMs: number;
  /** Rounds in which at least one worker's mini-batch had a stall. */
  stalledFraction: number;
  /** Mean of the longest stall of each round (0 for rounds without one). */
  meanLongestStallMs: number;
  finalAccuracy: number;
  timeToTarget: number | null;
}

/**
 * Runs `policy` (bsp or allreduce: one mini-batch per worker per round) on a config file and measures its
 * rounds.
 *
 * @example
 * ```ts
 * const s = await syncRounds("examples/dynamic-cluster.json", "bsp", []);
 * s.rounds; // rounds completed in the time budget
 * ```
 */
export async function syncRounds(path: string, policy: string, sets: readonly string[]): Promise<RoundStats> {
  const prepared = prepareConfig(loadConfig(path, sets));
  const stepMs: number[][] = []; // [step] -> modelled ms of each worker's mini-batch number `step`
  const transport: EnvironmentFactory = (setup) => {
    const env = fabric.virtualEnvironment(setup);
    return {
      transport: env.transport,
      computeMs(host, step) {
        const ms = env.computeMs(host, step);
        (stepMs[step] ??= []).push(ms);
        return ms;
      },
      run: (handlers) => env.run(handlers),
      stop: () => env.stop(),
      kill: (host) => env.kill(host),
    };
  };
  const trainRun = fabric.train({ ...trainOptions(prepared, policy, () => {}), transport });
  const atMs: number[] = [];
  const reading = (async () => {
    for await (const e of trainRun.events) if (e.type === "apply" && e.shard === 0) atMs.push(e.atMs);
  })();
  const result = await trainRun.result;
  await reading;
  // Rounds that completed: one apply at shard 0 each. Round r used every worker's mini-batch number r.
  const rounds = atMs.length;
  // Without stragglers or speed spread every mini-batch takes the same time but for its stall.
  const minMs = Math.min(...stepMs.flat());
  let stalled = 0;
  let longest = 0;
  for (let r = 0; r < rounds; r++) {
    const worst = Math.max(...stepMs[r]) - minMs;
    if (worst > 0) stalled++;
    longest += worst;
  }
  return {
    rounds,
    meanRoundMs: rounds === 0 ? NaN : atMs[rounds - 1] / rounds,
    stalledFraction: rounds === 0 ? NaN : stalled / rounds,
    meanLongestStallMs: rounds === 0 ? NaN : longest / rounds,
    finalAccuracy: result.stats.finalAccuracy,
    timeToTarget: result.stats.timeToTarget,
  };
}

/**
 * Plain SGD on batches of workers x batchSize rows of the config's data (what one synchronous round
 * averages), `steps` steps at each constant rate: the final and the best test accuracy along the way.
 *
 * @example
 * ```ts
 * await denseLargeBatch("examples/dynamic-cluster.json", 37, [0.4, 0.8]);
 * // [{ rate: 0.4, final: 0.843, best: 0.8765 }, { rate: 0.8, final: 0.889, best: 0.889 }]
 * ```
 */
export async function denseLargeBatch(
  path: string,
  steps: number,
  rates: readonly number[],
): Promise<{ rate: number; final: number; best: number }[]> {
  const { config, data, model, seed } = prepareConfig(loadConfig(path));
  const classes = model.classes;
  const train = await gatherRows(data.x, data.y, classes, "data");
  const test = await gatherRows(data.xTest, data.yTest, classes, "data.test");
  const cluster = config.cluster as { workers: number };
  const batch = cluster.workers * (typeof config.batchSize === "number" ? config.batchSize : 32);
  const cols = train.x.cols;
  return rates.map((rate) => {
    const rng = new Rng(seed);
    const params = model.init(rng.fork("init"));
    const grad = new Float32Array(model.paramCount);
    const order = Array.from({ length: train.x.rows }, (_, i) => i);
    let cursor = order.length;
    let final = 0;
    let best = 0;
    for (let t = 0; t < steps; t++) {
      const x = new Matrix(batch, cols, new Float64Array(batch * cols));
      const y = new Int32Array(batch);
      for (let b = 0; b < batch; b++) {
        if (cursor === order.length) {
          rng.shuffle(order); // epochs in a fresh order, as the workers draw them
          cursor = 0;
        }
        const row = order[cursor++];
        x.data.set(train.x.data.subarray(row * cols, (row + 1) * cols), b * cols);
        y[b] = train.y[row];
      }
      model.lossAndGradient(params, x, y, grad);
      for (let k = 0; k < params.length; k++) params[k] -= rate * grad[k];
      final = model.accuracy(params, test.x, test.y);
      best = Math.max(best, final);
    }
    return { rate, final, best };
  });
}

if (process.argv[1]?.endsWith("syncRounds.ts")) {
  const [path, policy, ...rest] = process.argv.slice(2);
  const sets = rest.flatMap((a, i) => (rest[i - 1] === "--set" ? [a] : []));
  const rates = [0.05, 0.2, 0.4, 0.6, 0.8, 1, 1.2, 1.6];
  (policy === "dense" ? denseLargeBatch(path, Number(rest[0] ?? 37), rates) : syncRounds(path, policy, sets))
    .then((s) => console.log(JSON.stringify(s)))
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
