/**
 * `npm run bench [-- options]`: dsfabric next to NumPy and dask.array, same sizes, same cores, one run,
 * every case against its physical floor.
 *
 * Order: environment -> memory bandwidth (read and copy rates, one thread per core; the floors' rates) ->
 * dsfabric cases (then its pool is shut down) -> Python peers in their own process -> table, extra lines,
 * memory, target checks, bench/results/latest.json. Target checks are reports: the process exits 0 whether
 * targets are met or not (it fails only on harness errors such as bad options).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname } from "node:path";
import { measureBandwidth } from "./bandwidth.ts";
import { buildCases } from "./cases.ts";
import type { CaseSpec } from "./cases.ts";
import { errorText } from "./dsapi.ts";
import { runDsfabric } from "./dsRunner.ts";
import { envLines, nodeEnv } from "./env.ts";
import { ensureFiles } from "./files.ts";
import { bandwidthLines, describeFloor, floorMs, floorRates } from "./floors.ts";
import { peakMethod } from "./memory.ts";
import { parseOptions, sizes } from "./options.ts";
import { ensurePeers, peerEnv, PYTHON, runPeers } from "./peers.ts";
import type { PeerName, PeerRun, PeerTiming } from "./peers.ts";
import { missingNotes, resultTable } from "./table.ts";
import type { CaseResult, Outcome } from "./table.ts";
import { infoLines, memoryLines, targetChecks } from "./targets.ts";

function log(msg: string): void {
  console.error(`[bench] ${msg}`);
}

function peerOutcome(t: PeerTiming | undefined, fallback: string): Outcome {
  if (t === undefined) return { ok: false, reason: fallback };
  if ("error" in t) return { ok: false, reason: t.error };
  return {
    ok: true,
    samplesMs: t.samples_ms,
    medianMs: t.median_ms,
    minMs: t.min_ms,
    peakRssBytes: t.peak_rss_bytes,
    variant: t.note,
  };
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv);
  const d = sizes(o);
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

  // Memory bandwidth, one thread per core on pre-touched memory: the denominators of the floors.
  log(`measuring read and copy bandwidth (${d.bandwidthBytes / 2 ** 20} MiB, ${cores} threads) ...`);
  const bw = await measureBandwidth(d.bandwidthBytes, cores, o.bandwidthTrials);
  const rates = floorRates(bw, { readGbs: o.floorReadGbs, copyGbs: o.floorGbs });

  console.log("== environment");
  for (const line of envLines(env, pyEnv)) console.log(line);
  for (const line of bandwidthLines(bw, rates)) console.log(line);
  console.log(`peak RSS measured by: ${peakMethod()}`);
  if (peersReason !== null) console.log(`peers: ${peersReason}`);

  // Cases.
  const all = buildCases(d);
  const cases = all.filter(
    (c) => (o.cases === undefined || o.cases.includes(c.name)) && !(o.skip ?? []).includes(c.name),
  );
  const caseFloorMs = (c: CaseSpec): number | null => floorMs(c.floor, rates);
  const single = cases.filter((c) => c.once === true).map((c) => c.name);
  console.log(
    `\n== cases (block ${d.block.join("x")}, ${cores} cores, warm-up + median of ${o.repeats}` +
      (single.length > 0 ? `; ${single.join(", ")} run once)` : ")"),
  );
  for (const c of cases) {
    console.log(`${c.name}: ${c.description} (${describeFloor(c.floor, rates, c.noFloor ?? "none")})`);
  }

  ensureFiles(cases, log);
  const ours = await runDsfabric(cases, {
    workers: cores,
    repeats: o.repeats,
    timeout: o.timeout,
    enabled: o.dsfabric,
  });

  let peerRun: PeerRun | null = null;
  const peerCases = cases.filter((c) => c.peers);
  if (peersReason === null && peerCases.length > 0) {
    const peers: PeerName[] = ["numpy", "dask"];
    try {
      peerRun = await runPeers(peerCases, {
        repeats: o.repeats,
        cores,
        peers,
        timeoutMs: o.timeout * 1000 * peerCases.length * 4,
      });
    } catch (e) {
      peersReason = errorText(e);
      log(`peers failed: ${peersReason}`);
    }
  }

  const results: CaseResult[] = cases.map((spec) => {
    const peer = peerRun?.results.find((r) => r.name === spec.name);
    const fallback = spec.peers
      ? (peersReason ?? "no result from peers.py")
      : "dsfabric-only check (not run by the peers)";
    return {
      spec,
      floorMs: caseFloorMs(spec),
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
  if (ours.barrier !== null) notes.unshift(`dsfabric timings of array results wait with ${ours.barrier}`);
  if (results.some((r) => r.spec.kind === "rechunk")) {
    notes.push(
      "rechunk: NumPy has no blocks; its column is a full copy (x.copy()); the target compares with NumPy's transposed copy",
    );
  }
  if (results.some((r) => r.spec.kind === "gram" || r.spec.kind === "waves")) {
    notes.push("gram and waves times are whole runs (all rounds / waves); per-round figures are below");
  }
  if (peerRun?.env["numpy_copy_gbs"] !== undefined) {
    notes.push(
      `NumPy np.copyto bandwidth (1 thread, read+write): ${Number(peerRun.env["numpy_copy_gbs"]).toFixed(1)} GB/s`,
    );
  }
  for (const n of notes) console.log(`note: ${n}`);
  const info = infoLines(results, cores);
  for (const line of info) console.log(line);

  console.log("\n== memory");
  const memory = memoryLines(results);
  for (const line of memory) console.log(line);

  console.log("\n== targets (reports, not failures)");
  const checks = targetChecks(results);
  for (const c of checks) console.log(c.text);
  const missed = checks.filter((c) => c.status === "MISSED").length;
  const na = checks.filter((c) => c.status === "n/a").length;
  console.log(`${checks.length - missed - na} met, ${missed} missed, ${na} n/a`);

  const loadEnd = os.loadavg()[0];
  const maxRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
  const pyRss = peerRun?.env["max_rss_mib"];
  console.log(`\nload average (1 min): ${env.loadAvg1.toFixed(2)} at start, ${loadEnd.toFixed(2)} at end`);
  console.log(
    `peak memory of the whole run (max RSS): node ${maxRssMiB} MiB` +
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
      peakRssMethod: peakMethod(),
    },
    bandwidth: { ...bw, floorRates: rates },
    dsfabricBarrier: ours.barrier,
    results,
    targets: checks,
    notes,
    info,
    memory,
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
