/**
 * Small training scenarios for the fabric's tests: an easy classification problem (well-separated blobs,
 * softmax regression), a congested network so that the policies have something to decide, and seeded
 * random variations of cluster size, link capacities, background traffic and stalls.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Matrix } from "../../../src/core/matrix.ts";
import { datasets } from "../../../src/io/datasets/index.ts";
import { fabric } from "../../../src/fabric/index.ts";
import type { TrainOptions, TrainResult } from "../../../src/fabric/index.ts";
import { Rng } from "../../../src/sim/rng.ts";

export const FEATURES = 8;
export const CLASSES = 4;

let cached: { x: Matrix; y: Matrix; xTest: Matrix; yTest: Matrix } | undefined;

/** Well-separated blobs, gathered once: 2400 training rows and 600 test rows. */
export async function blobs(): Promise<{ x: Matrix; y: Matrix; xTest: Matrix; yTest: Matrix }> {
  if (cached === undefined) {
    const { x, y } = datasets.makeBlobs({
      nSamples: 3000,
      nFeatures: FEATURES,
      centers: CLASSES,
      seed: 11,
      clusterStd: 2.5,
    });
    const xm = await x.collect();
    const ym = await y.collect();
    const split = 2400;
    cached = {
      x: new Matrix(split, FEATURES, xm.data.slice(0, split * FEATURES)),
      y: new Matrix(split, 1, ym.data.slice(0, split)),
      xTest: new Matrix(3000 - split, FEATURES, xm.data.slice(split * FEATURES)),
      yTest: new Matrix(3000 - split, 1, ym.data.slice(split)),
    };
  }
  return cached;
}

/** The base options: 6 workers, 2 shards with replicas, a congested 2 MB/s network. */
export async function baseOptions(): Promise<TrainOptions> {
  return {
    model: fabric.softmaxRegression({ inputs: FEATURES, classes: CLASSES }),
    data: await blobs(),
    cluster: { workers: 6, shards: 2, replicas: 1 },
    policy: "mlfabric",
    delayBound: 6,
    replicaLag: 3,
    optimizer: { learningRate: 0.05 },
    batchSize: 16,
    target: { maxTimeS: 0.4 },
    network: { hostBytesPerS: 2e5, latencyMs: 0.05 },
    compute: { msPerBatch: 0.5 },
    evalEveryS: 0.1,
    seed: 1,
  };
}

/**
 * Random variations drawn from `seed`: 2-12 workers, 1-3 shards, link capacities, background traffic,
 * stalls, stragglers; the model and data stay the same.
 */
export async function randomOptions(seed: number): Promise<TrainOptions> {
  const rng = new Rng(seed);
  const base = await baseOptions();
  const workers = rng.int(2, 13);
  const hostBytesPerS = 5e4 * Math.exp(rng.next() * Math.log(40)); // 50 kB/s .. 2 MB/s
  const background = rng.chance(0.6)
    ? {
        pairsActiveMean: rng.int(1, 4),
        onDurationMsMean: 20 + rng.next() * 100,
        offDurationMsMean: 20 + rng.next() * 100,
        flowRateBytesPerS: hostBytesPerS * (0.2 + rng.next()),
      }
    : undefined;
  return {
    ...base,
    cluster: { workers, shards: rng.int(1, 4), replicas: 1 },
    delayBound: rng.int(1, 10),
    replicaLag: rng.int(1, 6),
    network: {
      hostBytesPerS,
      latencyMs: rng.next() * 0.2,
      background,
      slowHosts: rng.chance(0.5) ? { fraction: 0.5, stallProbability: 0.1, stallMsMax: 5 } : undefined,
    },
    compute: { msPerBatch: 0.2 + rng.next() * 2, stragglerFraction: rng.next() * 0.3, stragglerFactor: 3 },
    seed,
  };
}

/** Runs to the end and returns the result. */
export async function run(options: TrainOptions): Promise<TrainResult> {
  return fabric.train(options).result;
}

/** The base seed of property tests: DSF_SEED, or a fixed default. */
export const baseSeed = Number(process.env.DSF_SEED ?? 20_260_611);

/**
 * The line to print when a seeded test fails: the property's seed (DSF_SEED, which fast-check replays) and
 * the failing case's own seed (`randomOptions(caseSeed)` rebuilds its scenario).
 */
export function reproduce(caseSeed: number, name: string): string {
  return `case seed ${caseSeed}; reproduce with: DSF_SEED=${baseSeed} node --import tsx --test --test-name-pattern="${name}" test/fabric/*.test.ts`;
}

/**
 * Runs `options` again with its events collected and saves their one-line forms to a file (for a failing
 * case); returns the file's path.
 */
export async function saveTrace(options: TrainOptions, name: string): Promise<string> {
  const trainRun = fabric.train(options);
  const lines: string[] = [];
  const reading = (async () => {
    for await (const e of trainRun.events) lines.push(fabric.formatEvent(e));
  })();
  await trainRun.result.catch(() => undefined);
  await reading;
  const path = join(mkdtempSync(join(tmpdir(), "dsf-fabric-")), `${name}.log`);
  writeFileSync(path, lines.join("\n") + "\n");
  return path;
}
