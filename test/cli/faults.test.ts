/**
 * The fault suite: `dsfabric train` as a user runs it, with kills, partitions and a slow link, at the start
 * and mid-run, on both clocks. Each case asserts the exit status (0: the run went on; 3: it ended early
 * and says why; 1: refused before it started), one line on stderr naming the cause and no stack trace, a
 * time limit (a hang is killed and fails), the hosts the run lost with when they were found, and a report
 * that is whole (or absent, for a refused config), with nothing half written beside it.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Fault } from "../../src/sim/faults.ts";
import type { Results } from "../../src/cli/report/resultsJson.ts";
import { assertOneLineError, dsfabricAsync } from "../support/cli.ts";
import type { CliResult } from "../support/cli.ts";

const heartbeat = { intervalMs: 20, timeoutMs: 300 };
const latencyMs = 0.5;
const config = {
  dataset: { name: "blobs", nSamples: 1200, nFeatures: 8, centers: 4, clusterStd: 2.5 },
  model: { name: "softmax" },
  cluster: { workers: 4, shards: 2, replicas: 1 },
  replicaLag: 3,
  batchSize: 16,
  target: { maxTimeS: 1.2 },
  network: { hostBytesPerS: 2e6, latencyMs },
  compute: { msPerBatch: 5 },
  heartbeat,
  evalEveryS: 0.1,
  seed: 1,
};

interface FaultCase {
  name: string;
  policy: string;
  faults: Fault[];
  network?: Record<string, unknown>;
  status: 0 | 1 | 3;
  /** The one stderr line of status 1 and 3. */
  message?: RegExp;
  /** The hosts lost, with how they were found (status 0 and 3). */
  lost?: [string, "fault" | "heartbeat"][];
}

const partitionForGood = (host: string, atMs: number): Fault => ({
  atMs,
  kind: "partition",
  host,
  durationMs: 60_000,
});

const cases: FaultCase[] = [
  {
    name: "a worker killed at the start",
    policy: "mlfabric",
    faults: [{ atMs: 0, kind: "kill", role: "worker", id: 1 }],
    status: 0,
    lost: [["w1", "fault"]],
  },
  {
    name: "a shard's primary killed mid-run",
    policy: "mlfabric",
    faults: [{ atMs: 400, kind: "kill", role: "shard", id: 0 }],
    status: 0,
    lost: [["s0", "fault"]],
  },
  {
    name: "a worker partitioned briefly mid-run",
    policy: "mlfabric",
    faults: [{ atMs: 400, kind: "partition", host: "w2", durationMs: 100 }],
    status: 0,
    lost: [],
  },
  {
    name: "a shard's primary partitioned for good from the start",
    policy: "mlfabric",
    faults: [partitionForGood("s1", 0)],
    status: 0,
    lost: [["s1", "heartbeat"]],
  },
  {
    name: "a shard with no replica partitioned for good mid-run",
    policy: "async",
    faults: [partitionForGood("s0", 400)],
    status: 3,
    message:
      /^dsfabric: RunEndedEarlyError: policy async ended early at 0\.\d\d s: shard 0 has no live copy: its primary s0 silent since 0\.\d\d s, declared dead at 0\.\d\d s, and it has no replica to promote$/,
    lost: [["s0", "heartbeat"]],
  },
  {
    name: "every worker partitioned mid-run",
    policy: "mlfabric",
    faults: ["w0", "w1", "w2", "w3"].map((w) => partitionForGood(w, 300)),
    status: 3,
    message:
      /^dsfabric: RunEndedEarlyError: policy mlfabric ended early at 0\.\d\d s: no worker left: w\d silent since 0\.\d\d s, declared dead at 0\.\d\d s; .*; and 1 more$/,
    lost: [
      ["w0", "heartbeat"],
      ["w1", "heartbeat"],
      ["w2", "heartbeat"],
      ["w3", "heartbeat"],
    ],
  },
  {
    name: "a slow link (congestion is not death)",
    policy: "mlfabric",
    faults: [],
    network: { hosts: { s0: { upBytesPerS: 2e4, downBytesPerS: 2e4 } } },
    status: 0,
    lost: [],
  },
  {
    name: "a shard kill the policy cannot survive (refused before the run)",
    policy: "async",
    faults: [{ atMs: 100, kind: "kill", role: "shard", id: 0 }],
    status: 1,
    message:
      /^dsfabric: ArgumentError: fabric\.train: faults\[0\] kills shard 0, which needs replication \(policy "async" has none\)$/,
  },
];

/** Runs `jobs` at most `limit` at a time (two cores: more would starve the real-clock runs' timers). */
async function pooled<T>(jobs: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array<T>(jobs.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < jobs.length) {
      const k = next++;
      results[k] = await jobs[k]();
    }
  };
  await Promise.all(Array.from({ length: limit }, lane));
  return results;
}

function check(c: FaultCase, clock: string, base: string, r: CliResult): void {
  const what = `${c.name} (${clock} clock)`;
  const out = join(base, "report");
  if (c.status === 0) {
    assert.equal(r.signal, null, `${what}: killed (a hang?)`);
    assert.equal(r.status, 0, `${what}: status; stderr: ${r.stderr}`);
    assert.equal(r.stderr, "", `${what}: stderr`);
  } else {
    assertOneLineError(r, c.status, c.message ?? /./, what);
  }
  if (c.status === 1) {
    assert.deepEqual(readdirSync(base), [], `${what}: nothing written`);
    return;
  }
  assert.deepEqual(readdirSync(base), ["report"], `${what}: no temporary folder left beside the report`);
  assert.deepEqual(
    readdirSync(out).sort(),
    ["accuracy.png", "accuracy.svg", "results.json", "summary.md"],
    `${what}: the whole report`,
  );
  const results = JSON.parse(readFileSync(join(out, "results.json"), "utf8")) as Results;
  const run = results.policies[c.policy];
  const failures = run.failures ?? [];
  assert.deepEqual(
    failures.map((f) => [f.host, f.cause]).sort(),
    [...(c.lost ?? [])].sort(),
    `${what}: hosts lost`,
  );
  // A host found by its missed heartbeats is found within timeout + interval + latency of going silent
  // (real time: plus the timers' lateness on a loaded machine).
  const slackMs = clock === "real" ? 150 : 1e-6;
  for (const f of failures.filter((x) => x.cause === "heartbeat")) {
    const silentAt = c.faults.find((x) => x.kind === "partition" && x.host === f.host)?.atMs ?? 0;
    const afterMs = f.atMs - silentAt;
    const bound = heartbeat.timeoutMs + heartbeat.intervalMs + latencyMs;
    assert.ok(
      afterMs > heartbeat.timeoutMs - heartbeat.intervalMs - latencyMs,
      `${what}: ${f.host} after ${afterMs} ms`,
    );
    assert.ok(
      afterMs <= bound + slackMs,
      `${what}: ${f.host} found ${afterMs} ms after it went silent (bound ${bound})`,
    );
  }
  assert.equal(
    run.ended?.reason,
    c.status === 3 ? (c.policy === "async" ? "shardLost" : "noWorkers") : "maxTime",
    what,
  );
  const summary = readFileSync(join(out, "summary.md"), "utf8");
  if (c.status === 3) assert.match(summary, new RegExp(`\\*\\*${c.policy} ended early\\*\\*`), what);
  else if (failures.length > 0) assert.match(summary, new RegExp(`${c.policy} lost `), what);
  if (c.lost?.some(([host]) => host.startsWith("s")) && c.policy === "mlfabric") {
    assert.ok(run.lostUpdates <= config.replicaLag, `${what}: lost ${run.lostUpdates} updates`);
  }
}

describe("fault suite (dsfabric train, both clocks)", () => {
  it("kills, partitions and a slow link, at the start and mid-run: exit status, one-line cause, whole report", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dsfabric-faults-"));
    const jobs = cases.flatMap((c, k) =>
      ["virtual", "real"].map((clock) => async () => {
        const file = join(dir, `case-${k}-${clock}.json`);
        writeFileSync(
          file,
          JSON.stringify({
            ...config,
            policy: c.policy,
            faults: c.faults,
            clock,
            network: { ...config.network, ...c.network },
          }),
        );
        const base = mkdtempSync(join(dir, `out-${k}-${clock}-`));
        const r = await dsfabricAsync(["train", "--config", file, "--out", join(base, "report")], 60_000);
        return () => check(c, clock, base, r);
      }),
    );
    const checks = await pooled(jobs, 2);
    for (const run of checks) run();
  });
});
