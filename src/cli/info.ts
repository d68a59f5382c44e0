import { availableParallelism } from "node:os";
import { readFileSync } from "node:fs";
import { chooseBlasThreads } from "../core/linalg/blasThreads.ts";
import { backendInfo } from "../core/linalg/selectBackend.ts";

/** The facts `dsfabric info` prints: version, cores, default workers, BLAS backend and its settings. */
export interface InfoReport {
  version: string;
  node: string;
  cores: number;
  workers: number;
  backend: string;
  blasThreadsPerWorker: number;
  openblasCoretype: string;
  note: string | undefined;
}

function packageVersion(): string {
  const url = new URL(
    import.meta.url.includes("/dist/") ? "../../../package.json" : "../../package.json",
    import.meta.url,
  );
  return (JSON.parse(readFileSync(url, "utf8")) as { version: string }).version;
}

/** CPU flags from /proc/cpuinfo (empty where there is none). */
function cpuFlags(): Set<string> {
  try {
    const line = readFileSync("/proc/cpuinfo", "utf8")
      .split("\n")
      .find((l) => l.startsWith("flags"));
    return new Set((line ?? "").split(":")[1]?.trim().split(/\s+/) ?? []);
  } catch {
    return new Set();
  }
}

/**
 * On some virtual machines OpenBLAS cannot identify the CPU model and falls back to its oldest (SSE3)
 * kernels although the CPU has AVX2: say so, because it costs several times in dense algebra. We only
 * advise; changing OPENBLAS_CORETYPE behind the user's back would make benchmarks incomparable.
 */
function coretypeAdvice(corename: string | undefined): string | undefined {
  if (corename === undefined || !/prescott|core2|nehalem|atom/i.test(corename)) return undefined;
  const flags = cpuFlags();
  if (!flags.has("avx2")) return undefined;
  const suggestion = flags.has("avx512f") ? "SkylakeX (or Haswell)" : "Haswell";
  return `OpenBLAS chose ${corename} kernels but this CPU has AVX2; set OPENBLAS_CORETYPE=${suggestion} for faster dense algebra`;
}

export function infoReport(): InfoReport {
  const cores = availableParallelism();
  const blas = backendInfo();
  return {
    version: packageVersion(),
    node: process.version,
    cores,
    workers: cores,
    backend:
      blas.name + (blas.config !== undefined ? ` (${blas.config}; kernels: ${blas.corename ?? "?"})` : ""),
    // What each worker of the default pool sets (see chooseBlasThreads), not the main thread's setting.
    blasThreadsPerWorker: blas.name === "js" ? 1 : chooseBlasThreads(cores, cores),
    openblasCoretype: blas.coretype ?? "unset",
    note: blas.reason ?? coretypeAdvice(blas.corename),
  };
}

export function formatInfo(r: InfoReport): string {
  const lines = [
    `dsfabric ${r.version} (node ${r.node})`,
    `cores:             ${r.cores}`,
    `workers (default): ${r.workers}`,
    `BLAS backend:      ${r.backend}`,
    `BLAS threads:      ${r.blasThreadsPerWorker} per worker`,
    `OPENBLAS_CORETYPE: ${r.openblasCoretype}`,
  ];
  if (r.note !== undefined) lines.push(`note:              ${r.note}`);
  return lines.join("\n");
}
