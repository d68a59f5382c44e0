/**
 * `npm run bench:fabric-scale [-- options]`: how the fabric simulator scales with workers. Runs the MLfabric
 * experiment's scenario (examples/dynamic-cluster.json) through `fabric.train` in virtual time for several
 * cluster sizes and policies, and prints wall time per simulated second and hour, events and transfers per
 * virtual second, the share of wall time in real gradient work, in evaluation and in the rest (simulator
 * and fabric protocol), and when the target accuracy was first reached.
 *
 * Not part of `npm run bench` (the full run takes minutes). Reports, never fails on a slow result.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { Command, InvalidArgumentError } from "commander";
import { positiveInt, positiveNumber } from "./cliArgs.ts";
import { loadConfig } from "../src/cli/config.ts";
import { prepareConfig } from "../src/cli/runPolicy.ts";
import { backendInfo, linalg } from "../src/core/linalg/selectBackend.ts";
import { shutdown } from "../src/index.ts";
import { scaleRun, type RunLength, type ScaleRun } from "./fabricScaleRun.ts";

interface Options {
  config: string;
  sizes: [number, number][];
  policies: string[];
  window: number;
  scenario: boolean;
  set: string[];
  blasThreads?: number;
  out: string;
}

const DEFAULT_CONFIG = fileURLToPath(new URL("../examples/dynamic-cluster.json", import.meta.url));
const DEFAULT_OUT = fileURLToPath(new URL("./results/fabric-scale.json", import.meta.url));

function sizeList(v: string): [number, number][] {
  return v.split(",").map((part) => {
    const m = /^\s*(\d+)x(\d+)\s*$/.exec(part);
    if (m === null) throw new InvalidArgumentError(`expected WORKERSxSHARDS, e.g. 256x16, but was "${part}"`);
    return [Number(m[1]), Number(m[2])];
  });
}

function parseOptions(argv: string[]): Options {
  const program = new Command()
    .name("npm run bench:fabric-scale --")
    .description(
      "wall time of the fabric simulator against cluster size, on the MLfabric experiment's scenario",
    )
    .option("--config <file>", "the scenario", DEFAULT_CONFIG)
    .option(
      "--sizes <list>",
      "cluster sizes, WORKERSxSHARDS (16 shards throughout: only the worker count changes)",
      sizeList,
      sizeList("32x16,64x16,128x16,256x16"),
    )
    .option("--policies <list>", "policies to run", (v: string) => v.split(",").map((s) => s.trim()), [
      "mlfabric",
      "async",
    ])
    .option("--window <s>", "virtual seconds per run (the target does not end it)", positiveNumber, 1)
    .option("--scenario", "run as `dsfabric compare` does: to the target or target.maxTimeS", false)
    .option(
      "--set <path=value>",
      "override a config field, as the CLI's --set (repeatable)",
      (v: string, acc: string[]) => [...acc, v],
      [],
    )
    .option(
      "--blas-threads <n>",
      "OpenBLAS threads of the main thread, where virtual-time gradients run (default: as the product leaves it)",
      positiveInt,
    )
    .option("--out <file>", "where to write the JSON results", DEFAULT_OUT)
    .showHelpAfterError();
  program.parse(argv);
  return program.opts<Options>();
}

const f = (x: number, digits: number): string => x.toFixed(digits);
const pct = (part: number, whole: number): string => (whole > 0 ? `${f((100 * part) / whole, 0)}%` : "-");
/** Large rates without a wall of digits: 12345 -> "12.3k". */
const k = (x: number): string => (x >= 1e4 ? `${f(x / 1000, 1)}k` : f(x, 0));

function environmentLines(): string[] {
  let blas: string;
  try {
    const b = backendInfo();
    blas = `${b.name} (${b.threads} threads${b.corename === undefined ? "" : `, kernels ${b.corename}`}${b.reason === undefined ? "" : `; ${b.reason}`})`;
  } catch (e) {
    blas = `unknown (${e instanceof Error ? e.message : String(e)})`;
  }
  const [l1, l5] = os.loadavg();
  const cores = os.availableParallelism();
  const lines = [
    `cores: ${cores} (os.availableParallelism)   node: ${process.version}   ${os.platform()} ${os.arch()}`,
    `cpu: ${os.cpus()[0]?.model ?? "unknown"}   load average: ${f(l1, 2)} (1 min), ${f(l5, 2)} (5 min)`,
    `dsfabric BLAS: ${blas}   OPENBLAS_CORETYPE: ${process.env["OPENBLAS_CORETYPE"] ?? "unset"}`,
  ];
  if (l1 > cores / 2) {
    lines.push(
      `WARNING: the machine is busy (load ${f(l1, 1)} on ${cores} cores): wall times will be inflated.`,
    );
  }
  return lines;
}

/** The table, as Markdown (so that it can go into docs/benchmarks.md as printed). */
function table(runs: readonly ScaleRun[]): string[] {
  const lines = [
    "| workers x shards | policy | virtual s | wall s | CPU s | wall per simulated h (extrapolated) | events / virtual s | transfers / virtual s | re-sharings / virtual s (mean flows) | gradients / virtual s | gradients | evaluation | simulator + fabric | target reached |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
  ];
  for (const r of runs) {
    const perV = (n: number): string => (r.virtualS > 0 ? k(n / r.virtualS) : "-");
    const rest = r.wallS - r.gradientS - r.evaluationS;
    const ratio = r.virtualS > 0 ? r.wallS / r.virtualS : NaN;
    const target =
      r.target === null
        ? "no target"
        : r.reachedS === null
          ? `no (${f(r.finalAccuracy, 3)} at ${f(r.virtualS, 2)} s)`
          : `${f(100 * r.target, 0)}% at ${f(r.reachedS, 2)} s`;
    lines.push(
      `| ${r.workers} x ${r.shards} | ${r.policy} | ${f(r.virtualS, 2)} | ${f(r.wallS, 1)} | ${f(r.cpuS, 1)} | ${f(ratio, 1)} h | ${perV(r.events)} | ${perV(r.transfers)} | ${perV(r.recomputations)} (${r.recomputations > 0 ? f(r.recomputedFlows / r.recomputations, 0) : "-"}) | ${perV(r.gradients)} | ${pct(r.gradientS, r.wallS)} | ${pct(r.evaluationS, r.wallS)} | ${pct(rest, r.wallS)} | ${target} |`,
    );
  }
  return lines;
}

/** Per policy: how wall time per virtual second, and its simulator + fabric part, grow with workers. */
function growth(runs: readonly ScaleRun[]): string[] {
  const lines: string[] = [];
  for (const policy of new Set(runs.map((r) => r.policy))) {
    const rs = runs
      .filter((r) => r.policy === policy && r.virtualS > 0)
      .sort((a, b) => a.workers - b.workers);
    if (rs.length < 2) continue;
    const perV = (r: ScaleRun, part: number): number => part / r.virtualS;
    const rest = (r: ScaleRun): number => r.wallS - r.gradientS - r.evaluationS;
    const steps = rs.slice(1).map((r, i) => {
      const p = rs[i];
      return `${p.workers}->${r.workers}: x${f(perV(r, r.wallS) / perV(p, p.wallS), 2)} (simulator + fabric x${f(perV(r, rest(r)) / perV(p, rest(p)), 2)})`;
    });
    const a = rs[0];
    const b = rs[rs.length - 1];
    // The exponent e of wall ~ workers^e between the smallest and largest cluster (1 = linear).
    const slope = (x: (r: ScaleRun) => number): string =>
      f(Math.log(x(b) / x(a)) / Math.log(b.workers / a.workers), 2);
    lines.push(
      `${policy}: wall per virtual s ${steps.join("; ")}. ` +
        `Exponent ${a.workers}->${b.workers}: total ${slope((r) => perV(r, r.wallS))}, ` +
        `gradients ${slope((r) => perV(r, r.gradientS))}, simulator + fabric ${slope((r) => perV(r, rest(r)))}; ` +
        `wall per gradient: ${rs.map((r) => `${f((r.wallS / r.gradients) * 1000, 2)} ms`).join(", ")}; ` +
        `simulator + fabric per event: ${rs.map((r) => `${f((rest(r) / r.events) * 1e6, 1)} us`).join(", ")}.`,
    );
  }
  return lines;
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv);
  const length: RunLength = o.scenario ? { kind: "scenario" } : { kind: "window", seconds: o.window };
  // OpenBLAS's thread count is process-wide; the gradients of a virtual-time run are small GEMMs on the main
  // thread, where a second BLAS thread costs more than it brings on a busy 2-core machine (same results).
  if (o.blasThreads !== undefined) linalg().setBlasThreads(o.blasThreads);
  console.log("Fabric simulator scale benchmark");
  for (const line of environmentLines()) console.log(line);
  console.log(
    `scenario: ${o.config}${o.set.length > 0 ? ` with ${o.set.join(", ")}` : ""}; ` +
      (length.kind === "window"
        ? `a window of ${o.window} virtual s per run (wall per simulated hour is extrapolated linearly from it)`
        : "each run to the target or target.maxTimeS, as `dsfabric compare` runs it"),
  );
  const runs: ScaleRun[] = [];
  const started = performance.now();
  for (const [workers, shards] of o.sizes) {
    const config = loadConfig(o.config, [...o.set, `cluster.workers=${workers}`, `cluster.shards=${shards}`]);
    const prepared = prepareConfig(config);
    for (const policy of o.policies) {
      console.error(`[fabric-scale] ${workers} x ${shards} ${policy} ...`);
      const run = await scaleRun(prepared, policy, length);
      console.error(
        `[fabric-scale] ${workers} x ${shards} ${policy}: ${f(run.virtualS, 2)} virtual s in ${f(run.wallS, 1)} wall s`,
      );
      runs.push(run);
    }
  }
  const totalS = (performance.now() - started) / 1000;
  console.log("");
  for (const line of table(runs)) console.log(line);
  console.log("");
  console.log(
    "wall per simulated hour = wall s per virtual s x 1 h, extrapolated linearly from the window; " +
      "gradients / evaluation / simulator + fabric are shares of " +
      "the wall time (simulator + fabric = the rest: event loop, network, scheduler, shards' SGD, aggregation).",
  );
  for (const line of growth(runs)) console.log(line);
  console.log(`total wall time: ${f(totalS, 1)} s`);
  for (const line of environmentLines().slice(1, 2)) console.log(`at the end: ${line}`);
  mkdirSync(dirname(o.out), { recursive: true });
  writeFileSync(
    o.out,
    JSON.stringify({ environment: environmentLines(), options: o, length, runs, totalS }, null, 2),
  );
  console.log(`results: ${o.out}`);
  await shutdown();
}

await main();
