/**
 * Runs the dsfabric side: `init({ workers })`, each case (inputs awaited, one warm-up, then `repeats` timed
 * runs, each under a peak-RSS watch), then `shutdown()`. A failing case is reported and the run goes on;
 * after a timeout the pool may be stuck, so the remaining cases are skipped.
 */
import type { CaseSpec } from "./cases.ts";
import { dsfabricCase } from "./dsCases.ts";
import { errorText, loadDsfabric, resolveBarrier } from "./dsapi.ts";
import type { DsfabricApi } from "./dsapi.ts";
import { collectGarbage } from "./gc.ts";
import { loopMemory, rssBytes, watchPeakRss } from "./memory.ts";
import { median } from "./table.ts";
import type { Outcome } from "./table.ts";

export interface RunnerOptions {
  readonly workers: number;
  readonly repeats: number;
  /** Seconds one dsfabric operation (one timed run of a case) may take. */
  readonly timeout: number;
  readonly enabled: boolean;
}

export class BenchTimeout extends Error {
  override name = "BenchTimeout";
}

export function withTimeout<T>(p: Promise<T>, seconds: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    const fail = (): void => reject(new BenchTimeout(`${what} did not finish within ${seconds} s`));
    timer = setTimeout(fail, seconds * 1000);
    timer.unref();
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

function log(msg: string): void {
  console.error(`[bench] ${msg}`);
}

/** One dsfabric case: inputs generated and awaited, one warm-up, then `repeats` timed runs. */
async function timeCase(api: DsfabricApi, spec: CaseSpec, o: RunnerOptions): Promise<Outcome> {
  const what = (step: string): string => `dsfabric ${spec.name} (${step})`;
  const c = dsfabricCase(api, spec);
  for (const x of c.inputs) await withTimeout(api.barrier.wait(x), o.timeout, what("input generation"));
  if (c.prepare !== undefined) await withTimeout(c.prepare(), o.timeout, what("preparation"));
  const once = async (step: string): Promise<{ ms: number; peak: number; start: number }> => {
    collectGarbage();
    const start = rssBytes();
    const watch = watchPeakRss();
    const t0 = performance.now();
    const r = await withTimeout(c.run(), o.timeout, what(step));
    if (r !== null) await withTimeout(api.barrier.wait(r), o.timeout, what(step));
    const ms = performance.now() - t0;
    const peak = watch.stop();
    if (r !== null) await api.release(r);
    return { ms, peak, start };
  };
  try {
    const runs: { ms: number; peak: number; start: number }[] = [];
    if (spec.once === true) runs.push(await once("single run"));
    else {
      await once("warm-up");
      for (let i = 0; i < o.repeats; i++) runs.push(await once(`repeat ${i + 1}`));
    }
    const samplesMs = runs.map((r) => r.ms);
    return {
      ok: true,
      samplesMs,
      medianMs: median(samplesMs),
      minMs: Math.min(...samplesMs),
      peakRssBytes: Math.max(...runs.map((r) => r.peak)),
      startRssBytes: Math.min(...runs.map((r) => r.start)),
      loop: c.loopRss === undefined ? undefined : loopMemory(c.loopRss, spec.inputBytes),
      variant: c.variant,
    };
  } finally {
    for (const x of c.inputs) await api.release(x);
    collectGarbage();
  }
}

export interface DsfabricRun {
  readonly outcomes: Map<string, Outcome>;
  /** The barrier the timings wait with, or null when the library did not run. */
  readonly barrier: string | null;
}

export async function runDsfabric(cases: readonly CaseSpec[], o: RunnerOptions): Promise<DsfabricRun> {
  const outcomes = new Map<string, Outcome>();
  const notAll = (reason: string): DsfabricRun => {
    for (const c of cases) outcomes.set(c.name, { ok: false, reason });
    return { outcomes, barrier: null };
  };
  if (!o.enabled) return notAll("skipped (--no-dsfabric)");
  if (cases.length === 0) return { outcomes, barrier: null };
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
      const out = await timeCase(api, spec, o);
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
