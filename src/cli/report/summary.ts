/**
 * `summary.md`: the comparison as a Markdown table (one row per policy), the config's key parameters, and
 * a line saying which clock the times are on and which seed the runs used.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describeFailures } from "../../fabric/records.ts";
import type { JsonValue } from "../config.ts";
import type { PolicyResult, Results } from "./resultsJson.ts";

/** The baseline the speedup column divides by. */
export const SPEEDUP_BASELINE = "async";

/**
 * The config fields the summary lists, in this order (those absent from the config are left out; `policy`
 * only when it is an object, whose options then applied to that policy's run).
 */
const KEY_PARAMETERS = [
  "dataset",
  "model",
  "cluster",
  "policy",
  "delayBound",
  "replicaLag",
  "batchSize",
  "optimizer",
  "target",
  "network",
  "compute",
  "faults",
];

/**
 * Bytes in SI units with three significant digits.
 *
 * @example
 * ```ts
 * formatBytes(999); // "999 B"
 * formatBytes(1_234_567); // "1.23 MB"
 * formatBytes(4.5e9); // "4.50 GB"
 * ```
 */
export function formatBytes(bytes: number): string {
  const units = ["B", "kB", "MB", "GB", "TB", "PB"];
  let k = 0;
  let v = bytes;
  while (Math.abs(v) >= 1000 && k < units.length - 1) {
    v /= 1000;
    k++;
  }
  return k === 0 ? `${v} B` : `${v.toPrecision(3)} ${units[k]}`;
}

/**
 * The speedup of `policy` over the async baseline in time to target, as table text: `"3.00×"`; `"≥ 2.50×"`
 * when async never reached the target (the length of its run, `durationS` or else its last evaluation, over
 * the policy's time to target is then a lower bound); `"—"` when the policy did not reach it or there is no
 * async run.
 *
 * @example
 * ```ts
 * speedupText({ timeToTarget: 10 }, { timeToTarget: 30, history: [] }); // "3.00×"
 * speedupText({ timeToTarget: 10 }, { timeToTarget: null, durationS: 25, history: [] }); // "≥ 2.50×"
 * speedupText({ timeToTarget: null }, { timeToTarget: 30, history: [] }); // "—"
 * ```
 */
export function speedupText(
  policy: Pick<PolicyResult, "timeToTarget">,
  baseline:
    { timeToTarget: number | null; durationS?: number; history: readonly { timeS: number }[] } | undefined,
): string {
  if (baseline === undefined || policy.timeToTarget === null || !(policy.timeToTarget > 0)) return "—";
  if (baseline.timeToTarget !== null) return `${(baseline.timeToTarget / policy.timeToTarget).toFixed(2)}×`;
  const lastEval = baseline.history.length === 0 ? 0 : baseline.history[baseline.history.length - 1].timeS;
  const end = baseline.durationS ?? lastEval;
  return end > policy.timeToTarget ? `≥ ${(end / policy.timeToTarget).toFixed(2)}×` : "—";
}

const fixed = (digits: number) => (v: number) => (Number.isFinite(v) ? v.toFixed(digits) : String(v));

/** The table's columns: header and cell text. */
const COLUMNS: readonly {
  header: string;
  cell: (p: PolicyResult, baseline: PolicyResult | undefined) => string;
}[] = [
  {
    header: "time to target (s)",
    cell: (p) => (p.timeToTarget === null ? "not reached" : fixed(2)(p.timeToTarget)),
  },
  { header: `speedup vs ${SPEEDUP_BASELINE}`, cell: (p, b) => speedupText(p, b) },
  { header: "final accuracy", cell: (p) => fixed(4)(p.finalAccuracy) },
  { header: "updates applied", cell: (p) => String(p.updatesApplied) },
  { header: "updates dropped", cell: (p) => String(p.updatesDropped) },
  { header: "max delay", cell: (p) => String(p.maxDelay) },
  { header: "mean delay", cell: (p) => fixed(2)(p.meanDelay) },
  { header: "aggregated updates", cell: (p) => String(p.aggregatedUpdates) },
  { header: "replica max lag", cell: (p) => String(p.replicaMaxLag) },
  { header: "lost updates", cell: (p) => String(p.lostUpdates) },
  { header: "bytes moved", cell: (p) => formatBytes(p.bytesMoved) },
];

const row = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;

/**
 * The comparison table alone: a header, a separator and one row per policy, in the order of `results`.
 *
 * @example
 * ```ts
 * summaryTable(results).split("\n")[0];
 * // "| policy | time to target (s) | speedup vs async | final accuracy | ... | bytes moved |"
 * ```
 */
export function summaryTable(results: Results): string {
  const baseline = results.policies[SPEEDUP_BASELINE];
  const lines = [
    row(["policy", ...COLUMNS.map((c) => c.header)]),
    row(["---", ...COLUMNS.map(() => "---:")]),
    ...Object.entries(results.policies).map(([name, p]) =>
      row([name, ...COLUMNS.map((c) => c.cell(p, baseline))]),
    ),
  ];
  return lines.join("\n");
}

/** Compact one-line JSON as inline code. */
const inline = (v: JsonValue) => `\`${JSON.stringify(v)}\``;

/**
 * The clock-and-seed line.
 *
 * @example
 * ```ts
 * clockLine({ clock: "virtual", seed: 7 }); // "Times are in virtual seconds (simulated cluster); every policy ran with seed 7."
 * ```
 */
export function clockLine(r: Pick<Results, "clock" | "seed">): string {
  const clock =
    r.clock === "virtual"
      ? "virtual seconds (simulated cluster)"
      : "real seconds (wall clock, worker threads on this machine)";
  return `Times are in ${clock}; every policy ran with seed ${r.seed}.`;
}

/**
 * The whole `summary.md`.
 *
 * @example
 * ```ts
 * const md = formatSummary(results);
 * md.startsWith("# MLfabric comparison"); // true
 * ```
 */
export function formatSummary(results: Results): string {
  const names = Object.keys(results.policies);
  const shown = (k: string) =>
    results.config[k] !== undefined && (k !== "policy" || typeof results.config[k] === "object");
  const parameters = KEY_PARAMETERS.filter(shown).map((k) => `- ${k}: ${inline(results.config[k])}`);
  const notes: string[] = [];
  if (results.partial !== undefined) {
    notes.push(
      `**Partial report**: ${results.partial.reason}; not finished: ${results.partial.unfinished.join(", ")}.`,
    );
  }
  for (const [name, p] of Object.entries(results.policies)) {
    if (p.ended !== undefined && (p.ended.reason === "noWorkers" || p.ended.reason === "shardLost")) {
      notes.push(`**${name} ended early** at ${p.ended.atS.toFixed(2)} s: ${p.ended.message}.`);
    } else if (p.failures !== undefined && p.failures.length > 0) {
      notes.push(
        `${name} lost ${p.failures.length === 1 ? "a host" : `${p.failures.length} hosts`} and went on: ${describeFailures(p.failures)}.`,
      );
    }
  }
  if (!names.includes(SPEEDUP_BASELINE)) {
    notes.push(`No ${SPEEDUP_BASELINE} run, so no speedup is shown; add ${SPEEDUP_BASELINE} to --policies.`);
  } else if (results.policies[SPEEDUP_BASELINE].timeToTarget === null) {
    notes.push(
      `${SPEEDUP_BASELINE} never reached the target: a speedup marked ≥ divides its whole run time by the policy's time to target, a lower bound.`,
    );
  }
  return [
    `# MLfabric comparison: ${names.join(", ")}`,
    "",
    `${results.target === null ? "No target accuracy (runs went to maxTimeS)" : `Target test accuracy: ${results.target}`}. ${clockLine(results)}`,
    "",
    summaryTable(results),
    "",
    `Real time per run on this machine: ${names.map((n) => `${n} ${results.policies[n].wallTimeS.toFixed(2)} s`).join(", ")}.`,
    "",
    ...(notes.length > 0 ? [...notes, ""] : []),
    "## Key parameters",
    "",
    ...parameters,
    "",
  ].join("\n");
}

/**
 * Writes `dir/summary.md` (creating `dir`); returns its path.
 *
 * @example
 * ```ts
 * writeSummary("out", formatSummary(results)); // "out/summary.md"
 * ```
 */
export function writeSummary(dir: string, text: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, "summary.md");
  writeFileSync(path, text);
  return path;
}
