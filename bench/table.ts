/**
 * Results: the per-case comparison table and the notes on missing numbers. The table is Markdown so it can
 * be pasted into docs/benchmarks.md. Target checks and the extra lines are in bench/targets.ts.
 */
import type { CaseSpec } from "./cases.ts";
import type { LoopMemory } from "./memory.ts";

export type Outcome =
  | {
      ok: true;
      samplesMs: number[];
      medianMs: number;
      minMs: number;
      /** Peak RSS of the process during the timed runs (the maximum over them), bytes. */
      peakRssBytes?: number;
      /** RSS just before the timed runs started (inputs resident), the lowest over them, bytes. */
      startRssBytes?: number;
      /** gram-loop: RSS after each round and whether it is flat. */
      loop?: LoopMemory;
      /** How dsfabric expressed the case, when the library offered a choice. */
      variant?: string;
    }
  | { ok: false; reason: string };

export interface CaseResult {
  readonly spec: CaseSpec;
  /** The floor in ms (bench/floors.ts); null when the case has no memory floor. */
  readonly floorMs: number | null;
  readonly dsfabric: Outcome;
  readonly numpy: Outcome;
  readonly dask: Outcome;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export const ms = (o: Outcome): number | null => (o.ok ? o.medianMs : null);

export function fmtMs(v: number | null): string {
  if (v === null) return "n/a";
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

export function fmtRatio(v: number | null): string {
  return v === null || !Number.isFinite(v) ? "n/a" : `${v.toFixed(2)}x`;
}

export function ratio(a: number | null, b: number | null): number | null {
  return a === null || b === null || b === 0 ? null : a / b;
}

function padTable(rows: string[][], rightAlign: (col: number) => boolean): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: string[]): string =>
    `| ${r.map((cell, c) => (rightAlign(c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join(" | ")} |`;
  const sep = `|${widths.map((w, c) => (rightAlign(c) ? `${"-".repeat(w + 1)}:` : "-".repeat(w + 2))).join("|")}|`;
  return [line(rows[0]), sep, ...rows.slice(1).map(line)];
}

/**
 * case | floor ms | dsfabric ms | numpy ms | dask ms | ours/floor | numpy/ours | dask/ours.
 * Ratios above 1 in the last two columns mean dsfabric is faster.
 */
export function resultTable(results: readonly CaseResult[]): string[] {
  const header = [
    "case",
    "floor ms",
    "dsfabric ms",
    "numpy ms",
    "dask ms",
    "ours/floor",
    "numpy/ours",
    "dask/ours",
  ];
  const rows = results.map((r) => {
    const ours = ms(r.dsfabric);
    return [
      r.spec.name,
      r.floorMs === null ? "n/a" : fmtMs(r.floorMs),
      fmtMs(ours),
      fmtMs(ms(r.numpy)),
      fmtMs(ms(r.dask)),
      fmtRatio(ratio(ours, r.floorMs)),
      fmtRatio(ratio(ms(r.numpy), ours)),
      fmtRatio(ratio(ms(r.dask), ours)),
    ];
  });
  return padTable([header, ...rows], (c) => c > 0);
}

/** Why a side has no number, grouped by side and reason, so "n/a" cells are never a mystery. */
export function missingNotes(results: readonly CaseResult[]): string[] {
  const groups = new Map<string, { side: string; reason: string; cases: string[] }>();
  for (const r of results) {
    for (const side of ["dsfabric", "numpy", "dask"] as const) {
      const o = r[side];
      if (o.ok) continue;
      const key = `${side}\u0000${o.reason}`;
      const g = groups.get(key) ?? { side, reason: o.reason, cases: [] };
      g.cases.push(r.spec.name);
      groups.set(key, g);
    }
  }
  return [...groups.values()].map((g) => `${g.side} not available (${g.cases.join(", ")}): ${g.reason}`);
}
