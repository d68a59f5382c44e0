import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ArgumentError } from "../../src/core/errors.ts";
import { buildResults, writeResults } from "../../src/cli/report/resultsJson.ts";
import type { HistoryPoint, NamedRun, PolicyStats, Results } from "../../src/cli/report/resultsJson.ts";
import { accuracySpec, PLOT_MARKS, renderSvg, svgToPng, writePlots } from "../../src/cli/report/plot.ts";
import { formatBytes, formatSummary, speedupText, summaryTable } from "../../src/cli/report/summary.ts";
import type { TrainConfig } from "../../src/cli/config.ts";

const config: TrainConfig = {
  dataset: { name: "blobs", nSamples: 2000 },
  model: { name: "softmax" },
  cluster: { workers: 4, shards: 2, replicas: 1 },
  delayBound: 8,
  target: { accuracy: 0.8, maxTimeS: 40 },
  seed: 7,
};

/** A run whose accuracy climbs linearly from 0.3 and reaches 0.8 at `ttt` seconds (or never, if null). */
function syntheticRun(ttt: number | null, endS: number, stats: Partial<PolicyStats> = {}): NamedRun["run"] {
  const slope = ttt === null ? 0.4 / endS : 0.5 / ttt;
  const history: HistoryPoint[] = [];
  for (let t = 0; t <= endS; t += endS / 8) {
    history.push({
      timeS: t,
      updates: Math.round(100 * t),
      loss: 2 / (1 + t),
      testAccuracy: 0.3 + slope * t,
    });
  }
  return {
    history,
    stats: {
      timeToTarget: ttt,
      finalAccuracy: history[history.length - 1].testAccuracy,
      updatesApplied: 1000,
      updatesDropped: 0,
      maxDelay: 4,
      meanDelay: 1.5,
      aggregatedUpdates: 0,
      replicaMaxLag: 0,
      lostUpdates: 0,
      bytesMoved: 1e6,
      ...stats,
    },
  };
}

const runs: NamedRun[] = [
  {
    policy: "mlfabric",
    run: syntheticRun(10, 10, {
      updatesApplied: 1200,
      updatesDropped: 3,
      maxDelay: 8,
      meanDelay: 2.5,
      aggregatedUpdates: 40,
      replicaMaxLag: 2,
      bytesMoved: 1_234_567,
    }),
    wallTimeS: 1.5,
  },
  { policy: "async", run: syntheticRun(30, 30, { maxDelay: 31, meanDelay: 12.25 }), wallTimeS: 2 },
  { policy: "bsp", run: syntheticRun(null, 40), wallTimeS: 3 },
  { policy: "allreduce", run: syntheticRun(12, 12, { bytesMoved: 4.5e9 }), wallTimeS: 1 },
];

const results: Results = buildResults({ clock: "virtual", seed: 7, target: 0.8, config, runs });

describe("results.json", () => {
  it("has the documented shape, one entry per policy in run order", () => {
    const dir = mkdtempSync(join(tmpdir(), "dsfabric-results-"));
    const path = writeResults(dir, results);
    assert.equal(path, join(dir, "results.json"));
    const read = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
    assert.deepEqual(Object.keys(read), ["clock", "seed", "target", "config", "policies"]);
    assert.equal(read.clock, "virtual");
    assert.equal(read.seed, 7);
    assert.equal(read.target, 0.8);
    assert.deepEqual(read.config, config);
    const policies = read.policies as Record<string, Record<string, unknown>>;
    assert.deepEqual(Object.keys(policies), ["mlfabric", "async", "bsp", "allreduce"]);
    const fields = [
      "timeToTarget",
      "finalAccuracy",
      "updatesApplied",
      "updatesDropped",
      "maxDelay",
      "meanDelay",
      "aggregatedUpdates",
      "replicaMaxLag",
      "lostUpdates",
      "bytesMoved",
      "history",
      "wallTimeS",
    ];
    for (const p of Object.values(policies)) assert.deepEqual(Object.keys(p).sort(), [...fields].sort());
    assert.equal(policies.bsp.timeToTarget, null);
    assert.equal(policies.mlfabric.bytesMoved, 1_234_567);
    const history = policies.async.history as Record<string, number>[];
    assert.equal(history.length, 9);
    assert.deepEqual(Object.keys(history[0]), ["timeS", "updates", "loss", "testAccuracy"]);
  });

  it("keeps the driver's durationS when it gives one", () => {
    const run = syntheticRun(2, 4);
    const r = buildResults({
      clock: "virtual",
      seed: 1,
      target: 0.8,
      config,
      runs: [{ policy: "bsp", run: { ...run, stats: { ...run.stats, durationS: 2.25 } }, wallTimeS: 0.5 }],
    });
    assert.equal(r.policies.bsp.durationS, 2.25);
  });

  it("refuses a run whose statistics miss a field, naming the policy and the field", () => {
    const bad = syntheticRun(1, 1);
    const { lostUpdates: _dropped, ...rest } = bad.stats;
    assert.throws(
      () =>
        buildResults({
          clock: "real",
          seed: 1,
          target: 0.5,
          config,
          runs: [{ policy: "ssp", run: { history: bad.history, stats: rest as PolicyStats }, wallTimeS: 1 }],
        }),
      (e: unknown) =>
        e instanceof ArgumentError &&
        e.message === "results.json: policy ssp: stats.lostUpdates must be a number but was undefined",
    );
  });
});

describe("summary.md", () => {
  it("has one table row per policy with hand-computed speedups against async", () => {
    const lines = summaryTable(results).split("\n");
    assert.equal(
      lines[0],
      "| policy | time to target (s) | speedup vs async | final accuracy | updates applied | updates dropped | max delay | mean delay | aggregated updates | replica max lag | lost updates | bytes moved |",
    );
    assert.equal(lines.length, 2 + 4);
    // mlfabric 30 / 10 = 3; allreduce 30 / 12 = 2.5; bsp never reached the target.
    assert.equal(
      lines[2],
      "| mlfabric | 10.00 | 3.00× | 0.8000 | 1200 | 3 | 8 | 2.50 | 40 | 2 | 0 | 1.23 MB |",
    );
    assert.equal(
      lines[3],
      "| async | 30.00 | 1.00× | 0.8000 | 1000 | 0 | 31 | 12.25 | 0 | 0 | 0 | 1.00 MB |",
    );
    assert.equal(lines[4], "| bsp | not reached | — | 0.7000 | 1000 | 0 | 4 | 1.50 | 0 | 0 | 0 | 1.00 MB |");
    assert.equal(
      lines[5],
      "| allreduce | 12.00 | 2.50× | 0.8000 | 1000 | 0 | 4 | 1.50 | 0 | 0 | 0 | 4.50 GB |",
    );
  });

  it("gives a lower bound when async never reached the target, and no speedup without async", () => {
    // async ran 25 s without reaching the target; the policy took 10 s: at least 2.5x.
    assert.equal(
      speedupText({ timeToTarget: 10 }, { timeToTarget: null, history: [{ timeS: 0 }, { timeS: 25 }] }),
      "≥ 2.50×",
    );
    assert.equal(speedupText({ timeToTarget: 40 }, { timeToTarget: null, history: [{ timeS: 25 }] }), "—");
    // The driver's durationS (the run's length) takes precedence over the last evaluation.
    assert.equal(
      speedupText({ timeToTarget: 10 }, { timeToTarget: null, durationS: 30, history: [{ timeS: 25 }] }),
      "≥ 3.00×",
    );
    assert.equal(speedupText({ timeToTarget: 10 }, undefined), "—");
    assert.equal(speedupText({ timeToTarget: 7 }, { timeToTarget: 21, history: [] }), "3.00×");
    const noAsync = buildResults({ clock: "real", seed: 3, target: 0.8, config, runs: [runs[0]] });
    assert.match(formatSummary(noAsync), /No async run, so no speedup is shown/);
  });

  it("states the target, the clock and the seed, and lists the key parameters", () => {
    const md = formatSummary(results);
    assert.ok(md.startsWith("# MLfabric comparison: mlfabric, async, bsp, allreduce\n"));
    assert.match(
      md,
      /^Target test accuracy: 0\.8\. Times are in virtual seconds \(simulated cluster\); every policy ran with seed 7\.$/m,
    );
    assert.match(md, /^- cluster: `\{"workers":4,"shards":2,"replicas":1\}`$/m);
    assert.match(md, /^- delayBound: `8`$/m);
    assert.doesNotMatch(md, /^- faults/m, "absent fields are left out");
    assert.match(
      md,
      /^Real time per run on this machine: mlfabric 1\.50 s, async 2\.00 s, bsp 3\.00 s, allreduce 1\.00 s\.$/m,
    );
    const named = buildResults({
      clock: "virtual",
      seed: 1,
      target: 0.8,
      config: { ...config, policy: "async" },
      runs,
    });
    assert.doesNotMatch(formatSummary(named), /^- policy/m, "a policy name says nothing in a comparison");
    const withOptions = { ...config, policy: { name: "mlfabric", aggregation: false } };
    const ablation = buildResults({ clock: "virtual", seed: 1, target: 0.8, config: withOptions, runs });
    assert.match(formatSummary(ablation), /^- policy: `\{"name":"mlfabric","aggregation":false\}`$/m);
  });

  it("formats bytes in SI units", () => {
    assert.deepEqual([0, 999, 1000, 1_234_567, 4.5e9, 2e15].map(formatBytes), [
      "0 B",
      "999 B",
      "1.00 kB",
      "1.23 MB",
      "4.50 GB",
      "2.00 PB",
    ]);
  });
});

/** The opening tag's width and height attributes. */
function svgSize(svg: string): [number, number] {
  const m = /^<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg);
  assert.ok(m !== null, "an <svg> root with width and height");
  return [Number(m[1]), Number(m[2])];
}

/** The contents of the `<g>` whose class includes `cls` (up to its first nested group's end, enough here). */
function groupOf(svg: string, cls: string): string {
  const start = svg.search(new RegExp(`<g class="[^"]*\\b${cls}\\b`));
  assert.ok(start >= 0, `a group of class ${cls}`);
  return svg.slice(start, svg.indexOf("</g>", start));
}

describe("accuracy plot", () => {
  it("draws one line per policy and the target rule, with units on the axes and the clock in the title", async () => {
    const svg = await renderSvg(accuracySpec(results));
    const linePaths = [...svg.matchAll(/<g class="mark-line role-mark ([^"]*)"[^>]*>(<path[^>]*\/>)<\/g>/g)];
    assert.equal(linePaths.length, 4, "one line mark per policy");
    assert.ok(
      linePaths.every((m) => m[1] === `${PLOT_MARKS.lines}_marks`),
      "all in the named layer",
    );
    for (const [, , path] of linePaths)
      assert.match(path, /aria-roledescription="line mark" d="M[\d.,-]+(L[\d.,-]+)+"/);
    // In run order (the aria label names the policy).
    const policiesDrawn = linePaths.map(([, , path]) => /policy: (\w+)"/.exec(path)?.[1]);
    assert.deepEqual(policiesDrawn, ["mlfabric", "async", "bsp", "allreduce"]);

    const rule = groupOf(svg, `${PLOT_MARKS.target}_marks`);
    const lines = [...rule.matchAll(/<line [^>]*\/>/g)].map((m) => m[0]);
    assert.equal(lines.length, 1, "one target rule");
    assert.match(lines[0], /aria-label="target: 0.8"/);
    assert.match(lines[0], /stroke-dasharray="6,4"/);
    // Horizontal: no y extent. The y scale maps [0, 1] onto 360 px (0 at the bottom), so 0.8 sits at 72 px.
    assert.match(lines[0], / y2="0"/);
    const y = Number(/translate\([\d.]+,([\d.]+)\)/.exec(lines[0])?.[1]);
    assert.ok(Math.abs(y - 72) < 1e-6, `rule at y=${y}`);

    const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    assert.ok(texts.includes("time (s, virtual clock)"));
    assert.ok(texts.includes("test accuracy (%)"));
    assert.ok(texts.includes("Test accuracy vs time (virtual clock)"));
    assert.ok(texts.includes("seed 7; dashed line: target 0.8"));
  });

  it("rasterises to a real PNG of twice the SVG's size, and writes both files", async () => {
    const svg = await renderSvg(accuracySpec(results));
    const png = svgToPng(svg);
    assert.deepEqual(
      [...png.subarray(0, 8)],
      [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
      "PNG signature",
    );
    assert.equal(png.readUInt32BE(8), 13, "IHDR length");
    assert.equal(png.toString("latin1", 12, 16), "IHDR");
    const [w, h] = svgSize(svg);
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [Math.round(2 * w), Math.round(2 * h)]);

    const dir = mkdtempSync(join(tmpdir(), "dsfabric-plot-"));
    const paths = await writePlots(dir, results);
    assert.deepEqual(paths, { svg: join(dir, "accuracy.svg"), png: join(dir, "accuracy.png") });
    assert.equal(readFileSync(paths.svg, "utf8"), svg);
    assert.equal(readFileSync(paths.png).subarray(1, 4).toString(), "PNG");
  });

  it("leaves out points whose accuracy is not a number", () => {
    const withNaN = buildResults({
      clock: "real",
      seed: 1,
      target: 0.5,
      config,
      runs: [
        {
          policy: "async",
          run: { ...syntheticRun(1, 1), history: [{ timeS: 0, updates: 0, loss: 1, testAccuracy: NaN }] },
          wallTimeS: 0,
        },
      ],
    });
    const spec = accuracySpec(withNaN) as { layer: { data: { values: unknown[] } }[] };
    assert.deepEqual(spec.layer[0].data.values, []);
  });
});
