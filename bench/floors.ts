/**
 * Physical floors of the streaming cases: the bytes a case must move at least, over the rate this machine
 * moves them at (bench/bandwidth.ts, measured in the same run with one thread per core).
 *
 * - A read-only case (a reduction, a chain that ends in one) divides the bytes it reads by the read rate.
 * - A case that writes divides its read + write bytes by the copy rate (which counts both).
 *
 * Either rate can be pinned on the command line (`--floor-read-gbs`, `--floor-gbs` for the copy rate) to
 * compare runs with each other; the measured rates are printed either way.
 */
import type { Bandwidth } from "./bandwidth.ts";

export type FloorRate = "read" | "copy";

/** What a case must move at least: `bytes` at the `rate` of that name. */
export interface Floor {
  readonly rate: FloorRate;
  /** For "read": bytes read. For "copy": bytes read + bytes written. */
  readonly bytes: number;
}

export interface FloorRates {
  /** GB/s (1e9 bytes) the floors divide by. */
  readonly readGBs: number;
  readonly copyGBs: number;
  /** Where each rate came from. */
  readonly readSource: "measured" | "--floor-read-gbs";
  readonly copySource: "measured" | "--floor-gbs";
}

export function floorRates(bw: Bandwidth, pinned: { readGbs?: number; copyGbs?: number }): FloorRates {
  return {
    readGBs: pinned.readGbs ?? bw.read.medianGBs,
    copyGBs: pinned.copyGbs ?? bw.copy.medianGBs,
    readSource: pinned.readGbs === undefined ? "measured" : "--floor-read-gbs",
    copySource: pinned.copyGbs === undefined ? "measured" : "--floor-gbs",
  };
}

/** The floor in ms, or null when the case has no memory floor (dense algebra, per-task cost). */
export function floorMs(floor: Floor | null, rates: FloorRates): number | null {
  if (floor === null) return null;
  const gbs = floor.rate === "read" ? rates.readGBs : rates.copyGBs;
  return (floor.bytes / (gbs * 1e9)) * 1e3;
}

/** e.g. "floor: read 512 MiB at 33.1 GB/s -> 16.2 ms". */
export function describeFloor(floor: Floor | null, rates: FloorRates, none: string): string {
  const ms = floorMs(floor, rates);
  if (floor === null || ms === null) return `floor: ${none}`;
  const gbs = floor.rate === "read" ? rates.readGBs : rates.copyGBs;
  const what = floor.rate === "read" ? "read" : "copy (read + write)";
  return `floor: ${what} ${floor.bytes / 2 ** 20} MiB at ${gbs.toFixed(1)} GB/s -> ${ms.toFixed(1)} ms`;
}

/** The lines of the environment block about bandwidth and which rates the floors use. */
export function bandwidthLines(bw: Bandwidth, rates: FloorRates): string[] {
  const r = (s: Bandwidth["read"]): string =>
    `${s.medianGBs.toFixed(1)} GB/s (range ${s.minGBs.toFixed(1)}-${s.maxGBs.toFixed(1)})`;
  return [
    `memory bandwidth (${bw.threads} threads, ${bw.bytes / 2 ** 20} MiB pre-touched shared memory, ` +
      `${bw.warmups} warm-ups + median of ${bw.trials}): read ${r(bw.read)} [${bw.readMethod}], ` +
      `copy (read + write) ${r(bw.copy)} [set()]`,
    `floors use read ${rates.readGBs.toFixed(1)} GB/s (${rates.readSource}), ` +
      `copy ${rates.copyGBs.toFixed(1)} GB/s (${rates.copySource})`,
  ];
}
