/**
 * The performance targets of ARCHITECTURE.md checked on this run's numbers (reports, never failures), and
 * the extra lines under the table: GFLOP/s, µs per task, small blocks against big ones, memory.
 */
import { statSync } from "node:fs";
import { fmtMiB, peakMethod } from "./memory.ts";
import { fmtMs, fmtRatio, ms, ratio } from "./table.ts";
import type { CaseResult, Outcome } from "./table.ts";

export interface TargetCheck {
  readonly case: string;
  readonly target: string;
  /** The measured value in the target's unit, or null when a side is missing. */
  readonly value: number | null;
  readonly status: "OK" | "MISSED" | "n/a";
  readonly text: string;
}

function check(
  caseName: string,
  target: string,
  value: number | null,
  ok: (v: number) => boolean,
  show: (v: number) => string,
): TargetCheck {
  if (value === null || !Number.isFinite(value))
    return { case: caseName, target, value: null, status: "n/a", text: `${caseName}: target ${target}: n/a` };
  const status = ok(value) ? "OK" : "MISSED";
  return {
    case: caseName,
    target,
    value,
    status,
    text: `${caseName}: target ${target}: ${show(value)} ${status}`,
  };
}

const times = (v: number): string => `${v.toFixed(2)}x`;

/** A file's size in MB (1e6 bytes), or null if it is not there. */
function fileMB(path: string): number | null {
  try {
    return statSync(path).size / 1e6;
  } catch {
    return null;
  }
}

export function gflops(flops: number, timeMs: number | null): number | null {
  return timeMs === null ? null : flops / (timeMs / 1e3) / 1e9;
}

/** µs per task of a waves run. */
function usPerTask(r: CaseResult, o: Outcome): number | null {
  const t = ms(o);
  return t === null || r.spec.tasks === undefined ? null : (t * 1e3) / r.spec.tasks;
}

const FLOOR_TARGETS: Record<string, number> = {
  elementwise: 1.5,
  "chain-sum": 1.3,
  "sum-axis0": 1.3,
  "sum-axis1": 1.3,
  "sum-all": 1.3,
  collect: 1.5,
};

/** Every target this run can check, in case order. */
export function targetChecks(results: readonly CaseResult[]): TargetCheck[] {
  const byName = new Map(results.map((r) => [r.spec.name, r]));
  const numpyTranspose = byName.get("transpose")?.numpy;
  const numpyTransposeMs = numpyTranspose ? ms(numpyTranspose) : null;
  const elementwise = byName.get("elementwise")?.dsfabric;
  const checks: TargetCheck[] = [];
  for (const r of results) {
    const ours = ms(r.dsfabric);
    const name = r.spec.name;
    const limit = FLOOR_TARGETS[name];
    if (limit !== undefined) {
      checks.push(check(name, `<= ${limit}x floor`, ratio(ours, r.floorMs), (v) => v <= limit, times));
    }
    if (r.floorMs !== null) {
      checks.push(
        check(name, "faster than NumPy (numpy/ours > 1)", ratio(ms(r.numpy), ours), (v) => v > 1, times),
      );
    }
    switch (name) {
      case "elementwise": {
        const budget = 3 * r.spec.ioBytes;
        const peak = r.dsfabric.ok ? (r.dsfabric.peakRssBytes ?? null) : null;
        checks.push(
          check(
            name,
            `peak RSS < 3x (inputs + output) = ${fmtMiB(budget)}`,
            peak,
            (v) => v < budget,
            (v) => `${fmtMiB(v)} (${(v / budget).toFixed(2)} of the budget)`,
          ),
        );
        break;
      }
      case "transpose":
      case "rechunk":
        checks.push(
          check(
            name,
            ">= 2x faster than NumPy's transposed copy",
            ratio(numpyTransposeMs, ours),
            (v) => v >= 2,
            times,
          ),
        );
        break;
      case "small-blocks":
        checks.push(
          check(
            name,
            "<= 2x the elementwise case's time (big blocks)",
            ratio(ours, elementwise ? ms(elementwise) : null),
            (v) => v <= 2,
            times,
          ),
        );
        break;
      case "matmul": {
        const flops = r.spec.flops ?? 0;
        const g = ratio(gflops(flops, ours), gflops(flops, ms(r.numpy)));
        checks.push(check(name, ">= 0.9x NumPy GFLOP/s", g, (v) => v >= 0.9, times));
        break;
      }
      case "gram":
        checks.push(
          check(
            name,
            "at least as fast as NumPy (numpy/ours >= 1)",
            ratio(ms(r.numpy), ours),
            (v) => v >= 1,
            times,
          ),
        );
        break;
      case "waves":
        checks.push(
          check(
            name,
            "<= 12 µs per task",
            usPerTask(r, r.dsfabric),
            (v) => v <= 12,
            (v) => `${v.toFixed(1)} µs`,
          ),
          check(name, ">= 10x faster than dask (dask/ours)", ratio(ms(r.dask), ours), (v) => v >= 10, times),
        );
        break;
      case "load-csv":
        checks.push(
          check(
            name,
            "at least as fast as pandas.read_csv (dask column: pandas/ours >= 1)",
            ratio(ms(r.dask), ours),
            (v) => v >= 1,
            times,
          ),
        );
        break;
      case "load-npy":
        checks.push(
          check(
            name,
            "within 1.5x of numpy.load (ours/numpy <= 1.5)",
            ratio(ours, ms(r.numpy)),
            (v) => v <= 1.5,
            times,
          ),
        );
        break;
      case "kmeans":
      case "logistic-regression":
        checks.push(
          check(
            name,
            "at least as fast as scikit-learn (numpy/ours >= 1)",
            ratio(ms(r.numpy), ours),
            (v) => v >= 1,
            times,
          ),
        );
        break;
      case "linear-regression":
      case "pca":
        checks.push(
          check(
            name,
            "at least 5x faster than scikit-learn (numpy/ours >= 5)",
            ratio(ms(r.numpy), ours),
            (v) => v >= 5,
            times,
          ),
        );
        break;
      case "load-svmlight":
        checks.push(
          check(
            name,
            "faster than sklearn load_svmlight_file (numpy/ours > 1)",
            ratio(ms(r.numpy), ours),
            (v) => v > 1,
            times,
          ),
        );
        break;
      case "sparse-matmul":
        checks.push(
          check(
            name,
            "at least as fast as scipy.sparse (numpy/ours >= 1)",
            ratio(ms(r.numpy), ours),
            (v) => v >= 1,
            times,
          ),
        );
        break;
      case "gram-loop": {
        const loop = r.dsfabric.ok ? r.dsfabric.loop : undefined;
        checks.push(
          check(
            name,
            "RSS flat (last - median of rounds 10-20 < 10% of the input bytes)",
            loop === undefined ? null : loop.growthBytes,
            (v) => v < (loop?.limitBytes ?? 0) && loop?.stoppedAtRound === null,
            (v) =>
              `${v >= 0 ? "+" : ""}${fmtMiB(v)} (limit ${fmtMiB(loop?.limitBytes ?? 0)})` +
              (loop === undefined || loop.stoppedAtRound === null
                ? ""
                : `, stopped after round ${loop.stoppedAtRound} at the RSS safety limit`),
          ),
        );
        break;
      }
    }
  }
  return checks;
}

/** Extra lines: GFLOP/s, µs per task, small blocks against big ones, the elementwise speed-up. */
export function infoLines(results: readonly CaseResult[], workers: number): string[] {
  const lines: string[] = [];
  const byName = new Map(results.map((r) => [r.spec.name, r]));
  for (const r of results) {
    const ours = ms(r.dsfabric);
    const name = r.spec.name;
    const flops = r.spec.flops;
    if ((r.spec.kind === "matmul" || r.spec.kind === "gram") && flops !== undefined) {
      const f = (o: Outcome): string => {
        const g = gflops(flops, ms(o));
        return g === null ? "n/a" : g.toFixed(1);
      };
      const q = ratio(gflops(flops, ours), gflops(flops, ms(r.numpy)));
      lines.push(
        `${name} GFLOP/s: dsfabric ${f(r.dsfabric)}, numpy ${f(r.numpy)}, dask ${f(r.dask)}; ours/numpy ${fmtRatio(q)}`,
      );
    }
    if (r.spec.kind === "gram-loop" && flops !== undefined && ours !== null) {
      // Fewer rounds than planned when the loop stopped at the RSS safety limit.
      const planned = r.spec.rounds ?? 1;
      const done = (r.dsfabric.ok ? r.dsfabric.loop?.rssBytes.length : undefined) ?? planned;
      const g = gflops((flops / planned) * done, ours);
      lines.push(
        `${name}: ${done} rounds in ${fmtMs(ours)} ms (${g === null ? "n/a" : g.toFixed(1)} GFLOP/s)`,
      );
    }
    if (r.spec.kind === "waves") {
      const us = (o: Outcome): string => {
        const v = usPerTask(r, o);
        return v === null ? "n/a" : `${v.toFixed(1)} µs`;
      };
      lines.push(
        `${name}: per task (${r.spec.tasks ?? 0} tasks): dsfabric ${us(r.dsfabric)}, dask threaded ${us(r.dask)}; dask/ours ${fmtRatio(ratio(ms(r.dask), ours))}`,
      );
    }
    if (r.spec.kind === "load-csv" && r.spec.file !== undefined) {
      const mb = fileMB(r.spec.file);
      const rate = (o: Outcome): string => {
        const t = ms(o);
        return t === null || mb === null ? "n/a" : `${(mb / (t / 1e3)).toFixed(0)} MB/s`;
      };
      const perWorker =
        ours === null || mb === null ? "n/a" : `${(mb / (ours / 1e3) / workers).toFixed(0)} MB/s`;
      lines.push(
        `${name}: ${mb?.toFixed(0) ?? "?"} MB: dsfabric ${rate(r.dsfabric)} (${perWorker} per worker, ${workers} workers), numpy.loadtxt ${rate(r.numpy)}, pandas.read_csv ${rate(r.dask)}`,
      );
    }
    if (name === "small-blocks") {
      const big = byName.get("elementwise");
      const side = (o: Outcome | undefined, small: Outcome): string =>
        fmtRatio(ratio(ms(small), o ? ms(o) : null));
      lines.push(
        `${name}: ${r.spec.block.join("x")} blocks against ${big?.spec.block.join("x") ?? "big"} blocks (elementwise): ` +
          `dsfabric ${side(big?.dsfabric, r.dsfabric)}, dask ${side(big?.dask, r.dask)}`,
      );
    }
    if (name === "elementwise") {
      lines.push(
        `${name} speed-up over the peers (design expects ~2x from fusion): numpy/ours ${fmtRatio(ratio(ms(r.numpy), ours))}, dask/ours ${fmtRatio(ratio(ms(r.dask), ours))}`,
      );
    }
    if (r.dsfabric.ok && r.dsfabric.variant !== undefined)
      lines.push(`${name}: dsfabric ran ${r.dsfabric.variant}`);
    if (r.numpy.ok && r.numpy.variant !== undefined) lines.push(`${name}: numpy ran ${r.numpy.variant}`);
  }
  return lines;
}

/** Memory: the elementwise peak against its budget, every case's peak, the gram-loop's RSS over rounds. */
export function memoryLines(results: readonly CaseResult[]): string[] {
  const lines: string[] = [];
  const peak = (o: Outcome): string =>
    o.ok && o.peakRssBytes !== undefined ? fmtMiB(o.peakRssBytes) : "n/a";
  const el = results.find((r) => r.spec.name === "elementwise");
  if (el) {
    const start =
      el.dsfabric.ok && el.dsfabric.startRssBytes !== undefined
        ? ` (RSS before a run, inputs resident: ${fmtMiB(el.dsfabric.startRssBytes)})`
        : "";
    lines.push(
      `elementwise peak RSS (${peakMethod()}, whole process, max over the timed runs): dsfabric ${peak(el.dsfabric)}${start}, ` +
        `numpy ${peak(el.numpy)}, dask ${peak(el.dask)}; budget 3x (inputs + output ${fmtMiB(el.spec.ioBytes)}) = ${fmtMiB(3 * el.spec.ioBytes)}`,
    );
  }
  const peaks = results.filter((r) => r.dsfabric.ok).map((r) => `${r.spec.name} ${peak(r.dsfabric)}`);
  if (peaks.length > 0) lines.push(`dsfabric peak RSS per case: ${peaks.join(", ")}`);
  for (const r of results) {
    const loop = r.dsfabric.ok ? r.dsfabric.loop : undefined;
    if (loop === undefined) continue;
    lines.push(
      `${r.spec.name} RSS over ${loop.rssBytes.length} rounds: first ${fmtMiB(loop.firstBytes)}, max ${fmtMiB(loop.maxBytes)}, ` +
        `last ${fmtMiB(loop.lastBytes)}; median of rounds 10-20 ${fmtMiB(loop.baselineBytes)}, so last - that = ` +
        `${fmtMiB(loop.growthBytes)} against ${fmtMiB(loop.limitBytes)} (10% of the input): ${loop.flat ? "flat" : "NOT flat"}` +
        (loop.stoppedAtRound === null
          ? ""
          : `; STOPPED after round ${loop.stoppedAtRound}: RSS passed the safety limit of ${fmtMiB(loop.safetyLimitBytes)} (half the machine's memory)`) +
        (loop.afterGcBytes === null ? "" : `; after a forced main-thread GC ${fmtMiB(loop.afterGcBytes)}`),
    );
  }
  return lines;
}
