/**
 * `npm run bench [-- options]`: dsfabric next to NumPy and dask.array, same sizes, same cores, one run.
 *
 * Order: environment -> copy bandwidth -> dsfabric cases (then its pool is shut down) -> Python peers in their
 * own process -> table, target checks, bench/results/latest.json. Target checks are reports: the process
 * exits 0 whether targets are met or not (it fails only on harness errors such as bad options).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { Command, InvalidArgumentError } from "commander";
import { positiveInt, positiveNumber } from "./cliArgs.ts";
import { measureBandwidth } from "./bandwidth.ts";
import type { Bandwidth } from "./bandwidth.ts";
import { buildCases, CASE_NAMES, dsfabricCase } from "./cases.ts";
import type { CaseSpec } from "./cases.ts";
import { errorText, loadDsfabric, resolveBarrier } from "./dsapi.ts";
import type { DsfabricApi } from "./dsapi.ts";
import { envLines, nodeEnv } from "./env.ts";
import { collectGarbage } from "./gc.ts";
import { ensurePeers, peerEnv, PYTHON, runPeers } from "./peers.ts";
import type { PeerName, PeerRun, PeerTiming } from "./peers.ts";
import { infoLines, median, missingNotes, resultTable, targetChecks } from "./table.ts";
import type { CaseResult, Outcome } from "./table.ts";

interface Options {
  quick: boolean;
  repeats: number;
  size?: number;
  matmulSize?: number;
  block?: [number, number];
  rechunk?: [number, number];
  workers: number;
  cases?: string[];
  peers: boolean;
  dsfabric: boolean;
  install: boolean;
  openblasCoretype?: string;
  timeout: number;
  bandwidthMib: number;
  floorGbs?: number;
  out: string;
}

const DEFAULT_OUT = fileURLToPath(new URL("./results/latest.json", import.meta.url));

function blockArg(v: string): [number, number] {
  const parts = v.split(/[x,]/).map((p) => positiveInt(p.trim()));
  if (parts.length === 1) return [parts[0], parts[0]];
  if (parts.length === 2) return [parts[0], parts[1]];
  throw new InvalidArgumentError("expected N or RxC, e.g. 2048 or 1024x4096");
}

function caseList(v: string): string[] {
  const names = v.split(",").map((s) => s.trim());
  const bad = names.filter((n) => !(CASE_NAMES as readonly string[]).includes(n));
  if (bad.length > 0)
    throw new InvalidArgumentError(`unknown case ${bad.join(", ")}; known: ${CASE_NAMES.join(", ")}`);
  return names;
}

function parseOptions(argv: string[]): Options {
  const program = new Command()
    .name("npm run bench --")
    .description("dsfabric vs NumPy and dask.array on the same sizes and cores")
    .option("--quick", "shrink every array ~16x (each side /4) for a smoke run", false)
    .option(
      "--repeats <n>",
      "timed repeats per case (after one warm-up); the median is reported",
      positiveInt,
      3,
    )
    .option(
      "--size <n>",
      "side of the square arrays of the streaming cases (default 8192, quick 2048)",
      positiveInt,
    )
    .option("--matmul-size <n>", "side of the square matmul operands (default 4096, quick 1024)", positiveInt)
    .option("--block <RxC>", "block size / dask chunks (default 2048x2048, quick 512x512)", blockArg)
    .option("--rechunk <RxC>", "block size the rechunk case converts to (default rows/2 x cols*2)", blockArg)
    .option("--workers <n>", "dsfabric workers and dask/BLAS threads", positiveInt, os.availableParallelism())
    .option("--cases <list>", `comma-separated subset of ${CASE_NAMES.join(",")}`, caseList)
    .option("--no-peers", "skip the NumPy / dask.array side")
    .option("--no-dsfabric", "skip the dsfabric side")
    .option("--no-install", "never run apt-get for missing peers")
    .option("--openblas-coretype <name>", "set OPENBLAS_CORETYPE for both sides (default: leave it as it is)")
    .option("--timeout <s>", "give up on one dsfabric operation after this many seconds", positiveInt, 600)
    .option("--bandwidth-mib <n>", "buffer size of the copy-bandwidth test", positiveInt, 512)
    .option("--floor-gbs <x>", "read+write GB/s for the floors instead of the measured rate", positiveNumber)
    .option("--out <path>", "where to write the JSON results", DEFAULT_OUT)
    .showHelpAfterError();
  program.parse(argv);
  return program.opts<Options>();
}

function log(msg: string): void {
  console.error(`[bench] ${msg}`);
}

class BenchTimeout extends Error {
  override name = "BenchTimeout";
}

function withTimeout<T>(p: Promise<T>, seconds: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    const fail = (): void => reject(new BenchTimeout(`${what} did not finish within ${seconds} s`));
    timer = setTimeout(fail, seconds * 1000);
    timer.unref();
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

function summarise(samplesMs: number[]): Outcome {
  return { ok: true, samplesMs, medianMs: median(samplesMs), minMs: Math.min(...samplesMs) };
}

/** One dsfabric case: inputs generated and awaited, one warm-up, then `repeats` timed runs. */
async function timeDsfabricCase(api: DsfabricApi, spec: CaseSpec, o: Options): Promise<Outcome> {
  const what = (step: string): string => `dsfabric ${spec.name} (${step})`;
  const c = dsfabricCase(api.ds, spec);
  for (const x of c.inputs) await withTimeout(api.barrier.wait(x), o.timeout, what("input generation"));
  const once = async (step: string): Promise<number> => {
    const t0 = performance.now();
    const r = await withTimeout(c.run(), o.timeout, what(step));
    if (typeof r !== "number") await withTimeout(api.barrier.wait(r), o.timeout, what(step));
    const t = performance.now() - t0;
    if (typeof r !== "number") await api.release(r);
    return t;
  };
  try {
    await once("warm-up");
    const samples: number[] = [];
    for (let i = 0; i < o.repeats; i++) {
      samples.push(await once(`repeat ${i + 1}`));
      collectGarbage();
    }
    return summarise(samples);
  } finally {
    for (const x of c.inputs) await api.release(x);
    collectGarbage();
  }
}

async function runDsfabric(
  cases: readonly CaseSpec[],
  o: Options,
): Promise<{ outcomes: Map<string, Outcome>; barrier: string | null }> {
  const outcomes = new Map<string, Outcome>();
  const notAll = (reason: string): { outcomes: Map<string, Outcome>; barrier: null } => {
    for (const c of cases) outcomes.set(c.name, { ok: false, reason });
    return { outcomes, barrier: null };
  };
  if (!o.dsfabric) return notAll("skipped (--no-dsfabric)");
  const loaded = await loadDsfabric();
  if (!loaded.ok) {
    log(`dsfabric: not available: ${loaded.reason}`);
    return notAll(loaded.reason);
  }
  const api = loaded.value;
  try {
    await withTimeout(api.init({ workers: o.workers }), o.timeout, "dsfabric init");
    await withTimeout(resolveBarrier(api), o.timeout, "dsfabric first task");
  } catch (e) {
    log(`dsfabric: init failed: ${errorText(e)}`);
    return notAll(`init failed: ${errorText(e)}`);
  }
  log(`dsfabric: ${o.workers} workers; barrier ${api.barrier.name}`);
  let stuck: string | null = null;
  for (const spec of cases) {
    if (stuck !== null) {
      outcomes.set(spec.name, { ok: false, reason: `skipped: an earlier case timed out (${stuck})` });
      continue;
    }
    log(`${spec.name}: dsfabric ...`);
    try {
      const out = await timeDsfabricCase(api, spec, o);
      outcomes.set(spec.name, out);
      if (out.ok) log(`${spec.name}: dsfabric median ${out.medianMs.toFixed(1)} ms`);
    } catch (e) {
      const reason = errorText(e);
      log(`${spec.name}: dsfabric failed: ${reason}`);
      outcomes.set(spec.name, { ok: false, reason });
      if (e instanceof BenchTimeout) stuck = spec.name;
    }
  }
  try {
    await withTimeout(api.shutdown(), 60, "dsfabric shutdown");
  } catch (e) {
    log(`dsfabric: shutdown failed: ${errorText(e)}`);
  }
  return { outcomes, barrier: api.barrier.name };
}

function peerOutcome(t: PeerTiming | undefined, fallback: string): Outcome {
  if (t === undefined) return { ok: false, reason: fallback };
  if ("error" in t) return { ok: false, reason: t.error };
  return { ok: true, samplesMs: t.samples_ms, medianMs: t.median_ms, minMs: t.min_ms };
}

function defaults(o: Options): {
  size: number;
  matmulSize: number;
  block: [number, number];
  rechunk: [number, number];
  bandwidthBytes: number;
} {
  const q = o.quick ? 4 : 1;
  const size = o.size ?? 8192 / q;
  const block = o.block ?? [2048 / q, 2048 / q];
  const rechunk = o.rechunk ?? [Math.max(1, Math.floor(block[0] / 2)), Math.min(size, block[1] * 2)];
  return {
    size,
    matmulSize: o.matmulSize ?? 4096 / q,
    block,
    rechunk,
    bandwidthBytes: o.bandwidthMib * 2 ** 20,
  };
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv);
  const d = defaults(o);
  if (o.openblasCoretype !== undefined) {
    // Before anything loads OpenBLAS; the Python peers inherit it. Printed below, never silent.
    process.env["OPENBLAS_CORETYPE"] = o.openblasCoretype;
  }
  const cores = o.workers;

  // Environment (dsfabric's BLAS, NumPy's BLAS and versions).
  const env = await nodeEnv();
  let peersReason: string | null = o.peers ? null : "skipped (--no-peers)";
  let pyEnv: Record<string, unknown> | null = null;
  if (peersReason === null) {
    const ready = ensurePeers(o.install);
    if (!ready.ok) peersReason = ready.reason;
    else {
      try {
        pyEnv = await peerEnv(cores);
      } catch (e) {
        peersReason = `${PYTHON} bench/peers.py failed: ${errorText(e)}`;
      }
    }
  }
  console.log("== environment");
  for (const line of envLines(env, pyEnv)) console.log(line);
  if (peersReason !== null) console.log(`peers: ${peersReason}`);

  // Copy bandwidth: the denominator of every floor.
  log(`measuring copy bandwidth (${d.bandwidthBytes / 2 ** 20} MiB, ${cores} threads) ...`);
  const bw: Bandwidth = await measureBandwidth(d.bandwidthBytes, cores);
  const floorGBs = o.floorGbs ?? bw.floorGBs;
  console.log(
    `copy bandwidth (read+write, best of ${bw.repeats}, ${bw.bytes / 2 ** 20} MiB): 1 thread ${bw.singleThreadGBs.toFixed(1)} GB/s, ` +
      `${bw.threads} threads ${bw.parallelGBs.toFixed(1)} GB/s; set() between SharedArrayBuffers ${bw.sharedSetGBs.toFixed(1)} GB/s`,
  );
  console.log(
    `floors use ${floorGBs.toFixed(1)} GB/s (${o.floorGbs === undefined ? "the 1-thread rate" : "--floor-gbs"})`,
  );

  // Cases.
  const all = buildCases({ size: d.size, matmulSize: d.matmulSize, block: d.block, rechunkTo: d.rechunk });
  const cases = o.cases ? all.filter((c) => o.cases?.includes(c.name)) : all;
  const floorMs = (c: CaseSpec): number | null =>
    c.floorBytes === null ? null : (c.floorBytes / (floorGBs * 1e9)) * 1e3;
  console.log(`\n== cases (block ${d.block.join("x")}, ${cores} cores, warm-up + median of ${o.repeats})`);
  for (const c of cases) {
    const f = floorMs(c);
    const floor =
      f === null ? "floor: BLAS peak" : `floor ${(c.floorBytes ?? 0) / 2 ** 20} MiB -> ${f.toFixed(1)} ms`;
    console.log(`${c.name}: ${c.description} (${floor})`);
  }

  const ours = await runDsfabric(cases, o);

  let peerRun: PeerRun | null = null;
  if (peersReason === null) {
    const peers: PeerName[] = ["numpy", "dask"];
    try {
      peerRun = await runPeers(cases, {
        repeats: o.repeats,
        cores,
        peers,
        timeoutMs: o.timeout * 1000 * cases.length * 4,
      });
    } catch (e) {
      peersReason = errorText(e);
      log(`peers failed: ${peersReason}`);
    }
  }

  const results: CaseResult[] = cases.map((spec) => {
    const peer = peerRun?.results.find((r) => r.name === spec.name);
    const fallback = peersReason ?? "no result from peers.py";
    return {
      spec,
      floorMs: floorMs(spec),
      dsfabric: ours.outcomes.get(spec.name) ?? { ok: false, reason: "not run" },
      numpy: peerOutcome(peer?.numpy, fallback),
      dask: peerOutcome(peer?.dask, fallback),
    };
  });

  console.log(
    `\n== results (ms, median of ${o.repeats}; numpy/ours and dask/ours > 1 mean dsfabric is faster)`,
  );
  for (const line of resultTable(results)) console.log(line);
  const notes = missingNotes(results);
  if (ours.barrier !== null) notes.unshift(`dsfabric timings wait with ${ours.barrier}`);
  if (results.some((r) => r.spec.kind === "rechunk")) {
    notes.push(
      "rechunk: NumPy has no blocks; its column is a full copy (x.copy()); the target compares with NumPy's transposed copy",
    );
  }
  if (peerRun?.env["numpy_copy_gbs"] !== undefined) {
    notes.push(
      `NumPy np.copyto bandwidth (1 thread, read+write): ${Number(peerRun.env["numpy_copy_gbs"]).toFixed(1)} GB/s`,
    );
  }
  for (const n of notes) console.log(`note: ${n}`);

  console.log("\n== targets (reports, not failures)");
  const checks = targetChecks(results);
  for (const c of checks) console.log(c.text);
  const info = infoLines(results);
  for (const line of info) console.log(line);

  const loadEnd = os.loadavg()[0];
  const maxRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
  const pyRss = peerRun?.env["max_rss_mib"];
  console.log(`\nload average (1 min): ${env.loadAvg1.toFixed(2)} at start, ${loadEnd.toFixed(2)} at end`);
  console.log(
    `peak memory (max RSS): node ${maxRssMiB} MiB` +
      (typeof pyRss === "number" ? `, python ${pyRss} MiB` : ""),
  );
  const doc = {
    date: new Date().toISOString(),
    command: `npm run bench -- ${process.argv.slice(2).join(" ")}`.trim(),
    config: { quick: o.quick, repeats: o.repeats, cores, ...d, cases: cases.map((c) => c.name) },
    env: {
      loadAvgAtEnd: loadEnd,
      node: env,
      python: pyEnv ?? peerRun?.env ?? null,
      peers: peersReason ?? "ok",
    },
    bandwidth: { ...bw, floorGBsUsed: floorGBs },
    dsfabricBarrier: ours.barrier,
    results,
    targets: checks,
    notes,
    info,
  };
  mkdirSync(dirname(o.out), { recursive: true });
  writeFileSync(o.out, `${JSON.stringify(doc, null, 2)}\n`);
  console.log(`\nwrote ${o.out}`);
}

main().then(
  // Exit explicitly: a stuck dsfabric pool after a timeout must not keep the process alive.
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
