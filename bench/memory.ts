/**
 * Memory of the dsfabric side (its workers are threads of this process, so the process's RSS covers them).
 *
 * - Peak RSS of one timed run: the kernel's high-water mark is reset before the run (writing "5" to
 *   /proc/self/clear_refs) and VmHWM is read from /proc/self/status after it. Where clear_refs is not
 *   writable, `process.memoryUsage.rss()` is sampled every few ms instead (which can miss short peaks).
 * - A loop's RSS, one sample per round, and whether it stays flat.
 */
import { readFileSync, writeFileSync } from "node:fs";
import os from "node:os";

export type PeakMethod = "VmHWM after clear_refs" | "rss sampled every 5 ms";

export interface PeakWatch {
  /** Stops watching; the peak RSS in bytes since `watchPeakRss()`. */
  stop(): number;
}

const SAMPLE_MS = 5;

function vmHwmBytes(): number | null {
  const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync("/proc/self/status", "utf8"));
  return m ? Number(m[1]) * 1024 : null;
}

function resetHighWater(): boolean {
  try {
    writeFileSync("/proc/self/clear_refs", "5");
    return vmHwmBytes() !== null;
  } catch {
    return false;
  }
}

let method: PeakMethod | undefined;

/** How peaks are measured on this machine (decided on first use). */
export function peakMethod(): PeakMethod {
  method ??= resetHighWater() ? "VmHWM after clear_refs" : "rss sampled every 5 ms";
  return method;
}

/** Starts watching the peak RSS of this process. */
export function watchPeakRss(): PeakWatch {
  if (peakMethod() === "VmHWM after clear_refs" && resetHighWater()) {
    return { stop: () => Math.max(vmHwmBytes() ?? 0, process.memoryUsage.rss()) };
  }
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, SAMPLE_MS);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage.rss());
    },
  };
}

export function rssBytes(): number {
  return process.memoryUsage.rss();
}

/**
 * A memory loop stops early once the process's RSS passes this (half the machine's memory), so that a
 * library that leaks reports "not flat" instead of getting the whole bench killed by the OOM killer.
 */
export const LOOP_RSS_LIMIT_BYTES = Math.floor(os.totalmem() / 2);

/** What a memory loop records as it runs. */
export interface LoopRecord {
  /** RSS after each round, bytes. */
  rounds: number[];
  /** RSS after the loop and a forced GC of the main thread (not of the workers), or null. */
  afterGcBytes: number | null;
  /** The round (1-based) after which the loop stopped at the safety limit, or null if it ran through. */
  stoppedAtRound: number | null;
}

/** RSS over the rounds of a loop, and whether it stays flat. */
export interface LoopMemory {
  /** RSS after each round, bytes. */
  readonly rssBytes: number[];
  readonly firstBytes: number;
  readonly maxBytes: number;
  readonly lastBytes: number;
  /** Median RSS of rounds 10-20 (1-based), once the loop has warmed up. */
  readonly baselineBytes: number;
  /** last - baseline. */
  readonly growthBytes: number;
  /** Flat when growth < this: 10% of the loop's input bytes. */
  readonly limitBytes: number;
  readonly flat: boolean;
  /** Diagnostic: RSS after the loop and a forced GC of the main thread (not of the workers), or null. */
  readonly afterGcBytes: number | null;
  /** Set when the loop stopped early at `safetyLimitBytes` (then it is not flat). */
  readonly stoppedAtRound: number | null;
  readonly safetyLimitBytes: number;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function loopMemory(record: LoopRecord, inputBytes: number): LoopMemory {
  const rss = record.rounds;
  const window = rss.length >= 20 ? rss.slice(9, 20) : rss.slice(Math.floor(rss.length / 2));
  const baselineBytes = median(window);
  const lastBytes = rss[rss.length - 1];
  const growthBytes = lastBytes - baselineBytes;
  const limitBytes = 0.1 * inputBytes;
  return {
    rssBytes: [...rss],
    firstBytes: rss[0],
    maxBytes: Math.max(...rss),
    lastBytes,
    baselineBytes,
    growthBytes,
    limitBytes,
    flat: growthBytes < limitBytes && record.stoppedAtRound === null,
    afterGcBytes: record.afterGcBytes,
    stoppedAtRound: record.stoppedAtRound,
    safetyLimitBytes: LOOP_RSS_LIMIT_BYTES,
  };
}

export function fmtMiB(bytes: number): string {
  return `${Math.round(bytes / 2 ** 20)} MiB`;
}
