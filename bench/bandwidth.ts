/**
 * Copy bandwidth of this machine, the denominator of every streaming floor.
 *
 * A copy reads and writes each byte once, so bandwidth = 2 * bytes / time, best of several repetitions.
 * Measured three ways:
 * - one thread, `Float64Array.prototype.set` between ordinary ArrayBuffers (a plain memcpy): the floors
 *   use this one (about 21 GB/s on these machines, as ARCHITECTURE.md says);
 * - one worker thread per core at once, each copying its share between its own ArrayBuffers. Reported,
 *   not used: on these VMs it swings between ~17 and ~35 GB/s from run to run, because glibc's memcpy
 *   switches to non-temporal stores above a size tied to the (VM-reported, 300 MiB) L3 cache;
 * - one thread, `set()` between SharedArrayBuffers, where dsfabric's blocks live. V8 copies shared memory
 *   with relaxed-atomic word copies, often about half as fast: reported, not used.
 */
import { Worker } from "node:worker_threads";
import { collectGarbage } from "./gc.ts";

export interface Bandwidth {
  readonly bytes: number;
  readonly repeats: number;
  /** Read + write GB/s (1e9 bytes) of one thread. */
  readonly singleThreadGBs: number;
  /** Read + write GB/s of `threads` threads copying private buffers concurrently. */
  readonly parallelGBs: number;
  readonly threads: number;
  /** Read + write GB/s of one thread's `set()` between SharedArrayBuffer-backed arrays. */
  readonly sharedSetGBs: number;
  /** What the floors divide by: the single-thread rate. */
  readonly floorGBs: number;
}

function copyRate(src: Float64Array, dst: Float64Array, repeats: number): number {
  dst.set(src); // touch every page before timing
  let best = Infinity;
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    dst.set(src);
    best = Math.min(best, performance.now() - t0);
  }
  return (2 * src.byteLength) / (best / 1e3) / 1e9;
}

// Plain JS run with `eval: true`, so it needs no TypeScript loader in the worker.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const s = new Float64Array(workerData.n).fill(1);
const d = new Float64Array(workerData.n);
d.set(s);
parentPort.on("message", () => {
  const t0 = performance.timeOrigin + performance.now();
  d.set(s);
  parentPort.postMessage([t0, performance.timeOrigin + performance.now()]);
});
parentPort.postMessage(null);
`;

/** The worker's next message: null when ready, else the [start, end] wall-clock ms of one copy. */
function nextMessage(worker: Worker): Promise<[number, number] | null> {
  return new Promise((resolve, reject) => {
    const onMessage = (msg: [number, number] | null): void => {
      worker.off("error", onError);
      resolve(msg);
    };
    const onError = (e: Error): void => {
      worker.off("message", onMessage);
      reject(e);
    };
    worker.once("message", onMessage);
    worker.once("error", onError);
  });
}

async function parallelRate(bytes: number, threads: number, repeats: number): Promise<number> {
  const per = Math.floor(bytes / 8 / threads);
  const workers: Worker[] = [];
  try {
    for (let t = 0; t < threads; t++) {
      workers.push(new Worker(WORKER_SOURCE, { eval: true, workerData: { n: per } }));
    }
    await Promise.all(workers.map(nextMessage));
    let best = Infinity;
    for (let r = 0; r < repeats; r++) {
      const done = workers.map(nextMessage);
      for (const w of workers) w.postMessage("go");
      // Timed inside the workers (first start to last end), so message latency does not count.
      const spans = (await Promise.all(done)).filter((s): s is [number, number] => s !== null);
      best = Math.min(best, Math.max(...spans.map((s) => s[1])) - Math.min(...spans.map((s) => s[0])));
    }
    return (2 * per * threads * 8) / (best / 1e3) / 1e9;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

export async function measureBandwidth(bytes: number, threads: number, repeats = 8): Promise<Bandwidth> {
  const n = Math.floor(bytes / 8);
  const single = copyRate(new Float64Array(n).fill(1), new Float64Array(n), repeats);
  collectGarbage();
  const shared = copyRate(
    new Float64Array(new SharedArrayBuffer(n * 8)).fill(1),
    new Float64Array(new SharedArrayBuffer(n * 8)),
    repeats,
  );
  collectGarbage();
  const parallel = threads > 1 ? await parallelRate(bytes, threads, repeats) : single;
  return {
    bytes: n * 8,
    repeats,
    singleThreadGBs: single,
    parallelGBs: parallel,
    threads,
    sharedSetGBs: shared,
    floorGBs: single,
  };
}
