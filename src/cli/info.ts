import { availableParallelism } from "node:os";
import { readFileSync } from "node:fs";
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

export function infoReport(): InfoReport {
  const cores = availableParallelism();
  const blas = backendInfo();
  return {
    version: packageVersion(),
    node: process.version,
    cores,
    workers: cores,
    backend: blas.name + (blas.config !== undefined ? ` (${blas.config})` : ""),
    blasThreadsPerWorker: blas.threads,
    openblasCoretype: blas.coretype ?? "unset",
    note: blas.reason,
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
