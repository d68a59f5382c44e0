/**
 * Results: the per-case comparison table, the performance-target checks (reports, never failures) and the
 * matmul GFLOP/s lines. The table is Markdown so it can be pasted into docs/benchmarks.md.
 */
import type { CaseSpec } from "./cases.ts";

export type Outcome =
  { ok: true; samplesMs: number[]; medianMs: number; minMs: number } | { ok: false; reason: string };

export interface CaseResult {
  readonly spec: CaseSpec;
  /** floorBytes / copy bandwidth, in ms; null when the floor is not a memory one (matmul). */
  readonly floorMs: number | null;
  readonly dsfabric: Outcome;
  readonly numpy: Outcome;
  readonly dask: Outcome;
}

export interface TargetCheck {
  readonly case: string;
  readonly target: string;
  /** The measured value in the target's unit, or null when a side is missing. */
  readonly value: number | null;
  readonly status: "OK" | "MISSED" | "n/a";
  readonly text: string;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const ms = (o: Outcome): number | null => (o.ok ? o.medianMs : null);

function fmtMs(v: number | null): string {
  if (v === null) return "n/a";
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

function fmtRatio(v: number | null): string {
  return v === null || !Number.isFinite(v) ? "n/a" : `${v.toFixed(2)}x`;
}

function ratio(a: number | null, b: number | null): number | null {
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

function check(
  caseName: string,
  target: string,
  value: number | null,
  ok: (v: number) => boolean,
  show: (v: number) => string,
): TargetCheck {
  if (value === null)
    return { case: caseName, target, value, status: "n/a", text: `${caseName}: target ${target}: n/a` };
  const status = ok(value) ? "OK" : "MISSED";
  return {
    case: caseName,
    target,
    value,
    status,
    text: `${caseName}: target ${target}: ${show(value)} ${status}`,
  };
}

export function gflops(flops: number, timeMs: number | null): number | null {
  return timeMs === null ? null : flops / (timeMs / 1e3) / 1e9;
}

/** Performance targets of ARCHITECTURE.md, checked on this run's numbers. */
export function targetChecks(results: readonly CaseResult[]): TargetCheck[] {
  const byName = new Map(results.map((r) => [r.spec.name, r]));
  const numpyTranspose = byName.get("transpose")?.numpy;
  const numpyTransposeMs = numpyTranspose ? ms(numpyTranspose) : null;
  const checks: TargetCheck[] = [];
  for (const r of results) {
    const ours = ms(r.dsfabric);
    const name = r.spec.name;
    switch (r.spec.kind) {
      case "elementwise":
      case "sum":
        checks.push(
          check(
            name,
            "<= 1.3x floor",
            ratio(ours, r.floorMs),
            (v) => v <= 1.3,
            (v) => `${v.toFixed(2)}x`,
          ),
        );
        break;
      case "transpose":
      case "rechunk":
        checks.push(
          check(
            name,
            ">= 2x faster than NumPy's transposed copy",
            ratio(numpyTransposeMs, ours),
            (v) => v >= 2,
            (v) => `${v.toFixed(2)}x`,
          ),
        );
        break;
      case "matmul": {
        const flops = r.spec.flops ?? 0;
        const oursG = gflops(flops, ours);
        const npG = gflops(flops, ms(r.numpy));
        checks.push(
          check(
            name,
            ">= 0.9x NumPy GFLOP/s",
            ratio(oursG, npG),
            (v) => v >= 0.9,
            (v) => `${v.toFixed(2)}x`,
          ),
        );
        break;
      }
    }
  }
  return checks;
}

/** Extra lines: matmul GFLOP/s, and how the elementwise chain compares with the peers (expected ~2x). */
export function infoLines(results: readonly CaseResult[]): string[] {
  const lines: string[] = [];
  for (const r of results) {
    if (r.spec.kind === "matmul" && r.spec.flops !== undefined) {
      const f = (o: Outcome): string => {
        const g = gflops(r.spec.flops ?? 0, ms(o));
        return g === null ? "n/a" : g.toFixed(1);
      };
      const oursG = gflops(r.spec.flops, ms(r.dsfabric));
      const npG = gflops(r.spec.flops, ms(r.numpy));
      lines.push(
        `${r.spec.name} GFLOP/s: dsfabric ${f(r.dsfabric)}, numpy ${f(r.numpy)}, dask ${f(r.dask)}; ours/numpy ${fmtRatio(ratio(oursG, npG))}`,
      );
    }
    if (r.spec.kind === "elementwise") {
      const ours = ms(r.dsfabric);
      lines.push(
        `${r.spec.name} speed-up over the peers (design expects ~2x from fusion): numpy/ours ${fmtRatio(ratio(ms(r.numpy), ours))}, dask/ours ${fmtRatio(ratio(ms(r.dask), ours))}`,
      );
    }
  }
  return lines;
}
