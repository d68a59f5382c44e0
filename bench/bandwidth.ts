/**
 * Memory bandwidth of this machine, measured in the same run as the cases: the denominators of the floors.
 *
 * One worker thread per core (`--workers`), each on its own half (1/threads) of a large source buffer
 * (512 MiB by default, far larger than the caches) and of a destination of the same size, both in one
 * shared WebAssembly.Memory (a SharedArrayBuffer: dsfabric's blocks live in shared memory too). Every page
 * is touched before timing (with values that differ from page to page), and each kind of pass runs a few
 * untimed warm-up trials first (page faults, JIT), then the median of `trials` timed ones, read and copy
 * trials interleaved so that load from other processes hits both alike:
 * - **read**: each thread sums its half with a small WebAssembly SIMD loop (four f64x2 accumulators),
 *   because a JS loop is compute-bound at ~21 GB/s a core even in L1, below what memory delivers. Where
 *   WebAssembly SIMD or shared wasm memory is missing, a JS loop with eight accumulators stands in (and the
 *   output says so). GB/s = bytes read / time. Read-only cases divide by this rate.
 * - **copy**: each thread copies its half into a second buffer with `Float64Array.prototype.set`;
 *   GB/s = (read + write bytes) / time. Cases that write divide by this rate.
 * A trial is timed inside the workers, from the first thread's start to the last one's end, so message
 * latency does not count. On the AMD EPYC machines expect ~33 GB/s read and ~39 GB/s copy.
 */
import { Worker } from "node:worker_threads";

export interface RateSamples {
  /** Median GB/s (1e9 bytes) over the timed trials. */
  readonly medianGBs: number;
  readonly minGBs: number;
  readonly maxGBs: number;
  readonly samplesGBs: number[];
}

export interface Bandwidth {
  /** Size of the source buffer (the copy also writes a second one of the same size). */
  readonly bytes: number;
  readonly threads: number;
  readonly warmups: number;
  readonly trials: number;
  readonly readMethod: ReadMethod;
  /** Bytes read per second, all threads together. */
  readonly read: RateSamples;
  /** (Read + write) bytes per second of a copy, all threads together. */
  readonly copy: RateSamples;
}

/** How the read pass sums: WebAssembly SIMD where available (a JS loop is compute-bound near 21 GB/s a core). */
export type ReadMethod = "wasm SIMD sum (f64x2, 4 accumulators)" | "JS loop sum (8 accumulators)";

// Plain JS run with `eval: true`, so it needs no TypeScript loader in the worker. Offsets are in bytes.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { memory, module, buffer, srcOffset, dstOffset, length } = workerData;
const buf = memory ? memory.buffer : buffer;
const s = new Float64Array(buf, srcOffset, length);
const d = new Float64Array(buf, dstOffset, length);
for (let i = 0; i < length; i++) s[i] = srcOffset + i + 0.5; // pre-touch every page, no two pages alike
d.fill(0);
function jsSum(a) {
  const n = a.length;
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    s0 += a[i]; s1 += a[i + 1]; s2 += a[i + 2]; s3 += a[i + 3];
    s4 += a[i + 4]; s5 += a[i + 5]; s6 += a[i + 6]; s7 += a[i + 7];
  }
  for (; i < n; i++) s0 += a[i];
  return s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7;
}
const wasmSum = module ? new WebAssembly.Instance(module, { e: { m: memory } }).exports.s : null;
const read = wasmSum ? () => wasmSum(srcOffset, srcOffset + length * 8) : () => jsSum(s);
// Optimise the sum on a small range first: its first call on the big one would otherwise run baseline
// or on-stack-replaced code, whose speed varies from run to run.
const smallLength = Math.min(8192, length);
const small = new Float64Array(buf, srcOffset, smallLength);
const smallSum = wasmSum ? () => wasmSum(srcOffset, srcOffset + smallLength * 8) : () => jsSum(small);
const expected = jsSum(small);
if (Math.abs(smallSum() - expected) > 1e-9 * Math.abs(expected)) {
  throw new Error("the wasm sum disagrees with the JS one: " + smallSum() + " vs " + expected);
}
let sink = 0;
for (let k = 0; k < 4000; k++) sink += smallSum();
parentPort.on("message", (mode) => {
  const t0 = performance.timeOrigin + performance.now();
  if (mode === "read") sink += read();
  else d.set(s);
  const t1 = performance.timeOrigin + performance.now();
  parentPort.postMessage({ t0, t1, sink });
});
parentPort.postMessage(null);
`;

function leb128(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/**
 * A WebAssembly module importing shared memory `e.m` of `pages` pages and exporting `s(start, end)`: the
 * sum of the doubles in [start, end) bytes (end - start a positive multiple of 64), four f64x2 accumulators.
 */
const WASM_HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]; // "\0asm", version 1

function sumModuleBytes(pages: number): Uint8Array {
  const section = (id: number, bytes: number[]): number[] => [id, ...leb128(bytes.length), ...bytes];
  const F64X2_ADD = [0xfd, 0xf0, 0x01];
  const body = [0x01, 0x04, 0x7b]; // locals 2..5: v128
  body.push(0x03, 0x40); // loop
  [0, 16, 32, 48].forEach((offset, k) => {
    // acc_k = f64x2.add(acc_k, v128.load offset (p))
    body.push(0x20, 2 + k, 0x20, 0x00, 0xfd, 0x00, 0x04, ...leb128(offset), ...F64X2_ADD, 0x21, 2 + k);
  });
  // p = p + 64; br_if (p < end)
  body.push(0x20, 0x00, 0x41, 0xc0, 0x00, 0x6a, 0x22, 0x00, 0x20, 0x01, 0x49, 0x0d, 0x00, 0x0b);
  // ((a + b) + (c + d)): lane 0 + lane 1
  body.push(0x20, 2, 0x20, 3, ...F64X2_ADD, 0x20, 4, 0x20, 5, ...F64X2_ADD, ...F64X2_ADD);
  body.push(0x22, 0x02, 0xfd, 0x21, 0x00, 0x20, 0x02, 0xfd, 0x21, 0x01, 0xa0, 0x0b);
  return new Uint8Array([
    ...WASM_HEADER,
    ...section(1, [0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7c]), // (i32, i32) -> f64
    ...section(2, [0x01, 0x01, 0x65, 0x01, 0x6d, 0x02, 0x03, ...leb128(pages), ...leb128(pages)]),
    ...section(3, [0x01, 0x00]),
    ...section(7, [0x01, 0x01, 0x73, 0x00, 0x00]),
    ...section(10, [0x01, ...leb128(body.length), ...body]),
  ]);
}

/** The slice of the WebAssembly JS API used here (the project's TypeScript lib has no WebAssembly types). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => object;
}

const WASM_PAGE = 65536;
const WASM_MAX_BYTES = 4 * 2 ** 30 - WASM_PAGE;

/** Source and destination in one shared wasm memory when possible, else in one SharedArrayBuffer. */
function buffers(total: number): {
  method: ReadMethod;
  data: { memory?: object; module?: object; buffer?: SharedArrayBuffer };
} {
  const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
  if (wasm !== undefined && 2 * total <= WASM_MAX_BYTES) {
    try {
      const pages = Math.ceil((2 * total) / WASM_PAGE);
      const module = new wasm.Module(sumModuleBytes(pages));
      const memory = new wasm.Memory({ initial: pages, maximum: pages, shared: true });
      return { method: "wasm SIMD sum (f64x2, 4 accumulators)", data: { memory, module } };
    } catch {
      // No SIMD or no shared wasm memory: fall back to the JS loop.
    }
  }
  return { method: "JS loop sum (8 accumulators)", data: { buffer: new SharedArrayBuffer(2 * total) } };
}

interface Span {
  t0: number;
  t1: number;
}

/** The worker's next message: null when ready, else the wall-clock span of one pass. */
function nextMessage(worker: Worker): Promise<Span | null> {
  return new Promise((resolve, reject) => {
    const onMessage = (msg: Span | null): void => {
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

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function summarise(samples: number[]): RateSamples {
  return {
    medianGBs: median(samples),
    minGBs: Math.min(...samples),
    maxGBs: Math.max(...samples),
    samplesGBs: samples,
  };
}

/** One pass of `mode` on every thread at once; returns first start to last end, in ms. */
async function pass(workers: readonly Worker[], mode: "read" | "copy"): Promise<number> {
  const done = workers.map(nextMessage);
  for (const w of workers) w.postMessage(mode);
  const spans = (await Promise.all(done)).filter((s): s is Span => s !== null);
  return Math.max(...spans.map((s) => s.t1)) - Math.min(...spans.map((s) => s.t0));
}

/**
 * Read and copy rates of `threads` threads over `bytes` of pre-touched shared memory.
 *
 * @example
 * ```ts
 * const bw = await measureBandwidth(512 * 2 ** 20, 2);
 * bw.read.medianGBs; // ~33 on the AMD EPYC machines
 * ```
 */
export async function measureBandwidth(
  bytes: number,
  threads: number,
  trials = 7,
  warmups = 3,
): Promise<Bandwidth> {
  // Whole 64-byte lines per thread, so the wasm loop needs no tail.
  const per = Math.floor(bytes / 8 / threads / 8) * 8;
  const total = per * threads * 8;
  const { method, data } = buffers(total);
  const workers: Worker[] = [];
  try {
    for (let t = 0; t < threads; t++) {
      const workerData = { ...data, srcOffset: t * per * 8, dstOffset: total + t * per * 8, length: per };
      workers.push(new Worker(WORKER_SOURCE, { eval: true, workerData }));
    }
    await Promise.all(workers.map(nextMessage));
    const rate = async (mode: "read" | "copy"): Promise<number> =>
      (mode === "read" ? total : 2 * total) / ((await pass(workers, mode)) / 1e3) / 1e9;
    for (let i = 0; i < warmups; i++) {
      await rate("read");
      await rate("copy");
    }
    // Interleaved, so that a burst of load from other processes hits both rates alike.
    const read: number[] = [];
    const copy: number[] = [];
    for (let i = 0; i < trials; i++) {
      read.push(await rate("read"));
      copy.push(await rate("copy"));
    }
    return {
      bytes: total,
      threads,
      warmups,
      trials,
      readMethod: method,
      read: summarise(read),
      copy: summarise(copy),
    };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
