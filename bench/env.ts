/**
 * The environment a run was measured in: printed before the table and stored in results/latest.json.
 */
import os from "node:os";
import { loadBackendInfo } from "./dsapi.ts";

export interface NodeEnv {
  readonly cores: number;
  readonly node: string;
  readonly platform: string;
  readonly cpu: string;
  readonly totalMemGiB: number;
  /** 1-minute load average when the run started: other processes on the machine skew every number. */
  readonly loadAvg1: number;
  /** `OPENBLAS_CORETYPE` as seen by this process (and inherited by the Python peers), or "unset". */
  readonly openblasCoretype: string;
  /** dsfabric's BLAS backend (`backendInfo` of src/core/linalg/selectBackend.ts), or why it is unknown. */
  readonly dsfabricBlas: unknown;
}

export async function nodeEnv(): Promise<NodeEnv> {
  const backend = await loadBackendInfo();
  return {
    cores: os.availableParallelism(),
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpu: os.cpus()[0]?.model ?? "unknown",
    totalMemGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    loadAvg1: os.loadavg()[0],
    openblasCoretype: process.env["OPENBLAS_CORETYPE"] ?? "unset",
    dsfabricBlas: backend.ok ? backend.value : `unknown (${backend.reason})`,
  };
}

function show(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** NumPy's BLAS, summarised from peers.py's `blas` field (threadpoolctl or numpy.show_config). */
export function summariseNumpyBlas(blas: unknown): string {
  if (typeof blas !== "object" || blas === null) return "unknown";
  const b = blas as Record<string, unknown>;
  if (Array.isArray(b["pools"])) {
    return (b["pools"] as unknown[])
      .map((p) => {
        const r = (typeof p === "object" && p !== null ? p : {}) as Record<string, unknown>;
        return `${show(r["internal_api"])} ${show(r["version"])} (core ${show(r["architecture"])}, ${show(r["num_threads"])} threads)`;
      })
      .join("; ");
  }
  if (typeof b["text"] === "string") {
    const libs = /libraries = \[([^\]]*)\]/.exec(b["text"]);
    return libs ? `libraries ${libs[1]} (numpy.show_config)` : "see numpy.show_config()";
  }
  return "unknown";
}

/** OpenBLAS core names that mean "no AVX2 kernels": GEMM runs several times below the machine's peak. */
const GENERIC_CORES = new Set(["prescott", "core2", "katmai", "coppermine", "northwood", "nehalem", "atom"]);

export function envLines(env: NodeEnv, peer: Record<string, unknown> | null): string[] {
  const lines = [
    `cores: ${env.cores} (os.availableParallelism)   node: ${env.node}   ${env.platform}`,
    `cpu: ${env.cpu}   memory: ${env.totalMemGiB} GiB   load average (1 min): ${env.loadAvg1.toFixed(2)}`,
    `OPENBLAS_CORETYPE: ${env.openblasCoretype}`,
    `dsfabric BLAS: ${show(env.dsfabricBlas)}`,
  ];
  if (env.loadAvg1 > env.cores / 2) {
    lines.push(
      `WARNING: the machine is busy (load ${env.loadAvg1.toFixed(1)} on ${env.cores} cores): timings and bandwidth will be noisy.`,
    );
  }
  if (peer) {
    const blas = summariseNumpyBlas(peer["blas"]);
    lines.push(
      `python: ${show(peer["python"])} (${show(peer["python_executable"])})   numpy ${show(peer["numpy"])}   dask ${show(peer["dask"])}   distributed ${show(peer["distributed"])}`,
      `NumPy BLAS: ${blas}`,
    );
    const core = /core (\w+)/.exec(blas)?.[1]?.toLowerCase();
    if (core && GENERIC_CORES.has(core)) {
      lines.push(
        `WARNING: NumPy's OpenBLAS runs ${core} (pre-AVX2) kernels: it did not recognise this CPU` +
          (env.openblasCoretype === "unset" ? " and OPENBLAS_CORETYPE is unset" : "") +
          `. GEMM numbers are far below the machine's peak; rerun with --openblas-coretype Haswell (or SkylakeX).`,
      );
    }
  } else {
    lines.push("python peers: not available");
  }
  return lines;
}
