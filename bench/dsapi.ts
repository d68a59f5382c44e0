/**
 * The slice of dsfabric's public contract (docs: /work/shared/ARCHITECTURE.md) that the benchmark uses,
 * loaded behind a feature check: while the library is being written, `src/index.ts` may be missing, fail
 * to load, or lack a method; every case then reports "dsfabric: not available" instead of crashing the run.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** A dense local block as `collect()` returns it. */
export interface BenchMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/** The DsArray methods the cases call (public contract names). */
export interface BenchArray {
  readonly shape: readonly number[];
  add(other: BenchArray | number): BenchArray;
  mul(other: BenchArray | number): BenchArray;
  sqrt(): BenchArray;
  sum(axis: 0 | 1): BenchArray;
  sum(): Promise<number>;
  readonly T: BenchArray;
  rechunk(blockSize: [number, number]): BenchArray;
  matmul(other: BenchArray): BenchArray;
  collect(): Promise<BenchMatrix>;
}

/** Options of `ds.matmul`: multiply by the transpose of an operand without building it. */
export interface BenchMatmulOptions {
  transposeA?: boolean;
  transposeB?: boolean;
}

export interface BenchDs {
  random(shape: [number, number], options: { blockSize: [number, number]; seed?: number }): BenchArray;
  /** The loaders (load-csv, load-npy). */
  readonly loadTxt?: (
    path: string,
    options: { blockSize: [number, number]; delimiter?: string },
  ) => Promise<BenchArray>;
  readonly loadNpy?: (path: string, options: { blockSize: [number, number] }) => Promise<BenchArray>;
  readonly loadSvmlight?: (
    path: string,
    options: { blockSize: [number, number] },
  ) => Promise<[BenchArray, BenchArray]>;
  /** Free-standing product op(a) · op(b), when the library offers it (the gram case prefers it). */
  readonly matmul?: (a: BenchArray, b: BenchArray, options?: BenchMatmulOptions) => BenchArray;
}

/** How the harness waits for a result without (or, as a fallback, with) gathering it. */
export interface Barrier {
  /** e.g. "ds.wait(x)", "x.persist()", or "x.collect() (fallback: includes a gather copy)". */
  readonly name: string;
  /** True when the barrier gathers to one dense Matrix, which adds a copy to every timing. */
  readonly gathers: boolean;
  wait(x: BenchArray): Promise<void>;
}

/** The estimators the cases fit (`dsfabric/ml`), when the library has them. */
export interface BenchMl {
  readonly LinearRegression?: new () => { fit(x: BenchArray, y: BenchArray): Promise<unknown> };
  readonly KMeans?: new (options: { nClusters: number; init: number[][]; maxIter: number; tol: number }) => {
    fit(x: BenchArray): Promise<{ nIter: number }>;
  };
  readonly LogisticRegression?: new () => {
    readonly maxIter: number;
    readonly solver: string;
    fit(x: BenchArray, y: BenchArray): Promise<{ nIter: number }>;
  };
  readonly PCA?: new (options: { nComponents: number }) => {
    fit(x: BenchArray): Promise<{ nComponents: number }>;
  };
}

export interface DsfabricApi {
  readonly ds: BenchDs;
  readonly ml: BenchMl;
  init(options: { workers?: number }): Promise<void>;
  shutdown(): Promise<void>;
  barrier: Barrier;
  /** Drops a result's blocks at once if the library offers that (`dispose`/`free`/`release`). */
  release(x: BenchArray): Promise<void>;
}

export type Loaded<T> = { ok: true; value: T } | { ok: false; reason: string };

const INDEX = new URL("../src/index.ts", import.meta.url);
const ML = new URL("../src/ml/index.ts", import.meta.url);
const SELECT_BACKEND = new URL("../src/core/linalg/selectBackend.ts", import.meta.url);

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return (typeof v === "object" || typeof v === "function") && v !== null;
}

function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

async function importIfPresent(url: URL): Promise<Loaded<Obj>> {
  if (!existsSync(fileURLToPath(url))) return { ok: false, reason: `${fileURLToPath(url)} does not exist` };
  try {
    const mod: unknown = await import(url.href);
    if (!isObj(mod)) return { ok: false, reason: `${url.pathname} did not load as a module` };
    return { ok: true, value: mod };
  } catch (e) {
    return { ok: false, reason: `loading ${url.pathname} failed: ${errorText(e)}` };
  }
}

/** Calls `obj[name]()` if it is a method; returns whether it existed. */
async function callIfMethod(obj: unknown, name: string, args: unknown[] = []): Promise<boolean> {
  if (!isObj(obj)) return false;
  const fn = obj[name];
  if (typeof fn !== "function") return false;
  await (fn as (...a: unknown[]) => unknown).apply(obj, args);
  return true;
}

/**
 * Picks the barrier: prefer one that waits for every block without gathering (`ds.wait(x)`,
 * `x.persist()`, `x.wait()`, `x.compute()`), decided on a real array; fall back to `collect()`.
 */
function chooseBarrier(ds: Obj, sample: unknown): Barrier {
  const dsWait = ds["wait"];
  if (typeof dsWait === "function") {
    return {
      name: "ds.wait(x)",
      gathers: false,
      wait: async (x) => {
        await (dsWait as (a: unknown) => unknown).call(ds, x);
      },
    };
  }
  for (const method of ["persist", "wait", "compute"]) {
    if (isObj(sample) && typeof sample[method] === "function") {
      return {
        name: `x.${method}()`,
        gathers: false,
        wait: async (x) => {
          await callIfMethod(x, method);
        },
      };
    }
  }
  return {
    name: "x.collect() (fallback: no wait-without-gather barrier found; timings include a gather copy)",
    gathers: true,
    wait: async (x) => {
      await x.collect();
    },
  };
}

/** Loads `src/index.ts` and checks the names the cases need. */
export async function loadDsfabric(): Promise<Loaded<DsfabricApi>> {
  const loaded = await importIfPresent(INDEX);
  if (!loaded.ok) return loaded;
  const mod = loaded.value;
  const { ds, init, shutdown } = mod;
  const missing = [
    isObj(ds) ? null : "ds",
    typeof init === "function" ? null : "init",
    typeof shutdown === "function" ? null : "shutdown",
    isObj(ds) && typeof ds["random"] === "function" ? null : "ds.random",
  ].filter((n): n is string => n !== null);
  if (missing.length > 0 || !isObj(ds)) {
    return { ok: false, reason: `src/index.ts does not export ${missing.join(", ")}` };
  }
  const ml = await importIfPresent(ML);
  const api: DsfabricApi = {
    ds: ds as unknown as BenchDs,
    ml: ml.ok ? ml.value : {},
    init: async (options) => {
      await (init as (o: unknown) => unknown)(options);
    },
    shutdown: async () => {
      await (shutdown as () => unknown)();
    },
    // Replaced once the pool runs and a real array can be inspected (see `resolveBarrier`).
    barrier: chooseBarrier(ds, undefined),
    release: async (x) => {
      for (const name of ["dispose", "free", "release"]) if (await callIfMethod(x, name)) return;
    },
  };
  return { ok: true, value: api };
}

/** Decides the barrier from a real (tiny) array, after `init`. */
export async function resolveBarrier(api: DsfabricApi): Promise<void> {
  const sample = api.ds.random([2, 2], { blockSize: [1, 1], seed: 1 });
  api.barrier = chooseBarrier(api.ds as unknown as Obj, sample);
  await api.barrier.wait(sample);
  await api.release(sample);
}

/** `backendInfo` from src/core/linalg/selectBackend.ts, if that module exists and exports it. */
export async function loadBackendInfo(): Promise<Loaded<unknown>> {
  const loaded = await importIfPresent(SELECT_BACKEND);
  if (!loaded.ok) return loaded;
  const info = loaded.value["backendInfo"];
  if (info === undefined) return { ok: false, reason: "selectBackend.ts does not export backendInfo" };
  try {
    const value: unknown = typeof info === "function" ? await (info as () => unknown)() : info;
    return { ok: true, value };
  } catch (e) {
    return { ok: false, reason: `backendInfo() failed: ${errorText(e)}` };
  }
}

export { errorText };
