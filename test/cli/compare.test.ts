/**
 * The CLI end to end: `dsfabric compare` and `dsfabric train` on examples/quick.json, spawned as a user runs
 * them (through tsx, on the sources), into a temporary folder.
 */
import { it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dsfabric } from "../support/cli.ts";

const policies = ["mlfabric", "async", "bsp", "ssp", "allreduce"];

it("compare runs every policy on examples/quick.json and writes the report", () => {
  const out = mkdtempSync(join(tmpdir(), "dsfabric-compare-"));
  const r = dsfabric(
    "compare",
    "--config",
    "examples/quick.json",
    "--policies",
    policies.join(","),
    "--out",
    out,
    "--set",
    "seed=3",
  );
  assert.equal(r.status, 0, r.stderr);
  for (const file of ["results.json", "accuracy.svg", "accuracy.png", "summary.md"]) {
    assert.ok(existsSync(join(out, file)), `${file} written`);
  }
  const results = JSON.parse(readFileSync(join(out, "results.json"), "utf8")) as {
    clock: string;
    seed: number;
    target: number;
    config: { seed: number };
    policies: Record<string, { timeToTarget: number | null; finalAccuracy: number; history: unknown[] }>;
  };
  assert.equal(results.clock, "virtual");
  assert.equal(results.seed, 3);
  assert.equal(results.config.seed, 3, "the effective config, --set applied");
  assert.equal(results.target, 0.85);
  assert.deepEqual(Object.keys(results.policies), policies);
  for (const [name, p] of Object.entries(results.policies)) {
    assert.ok(p.history.length > 0, `${name} has a history`);
    assert.ok(p.finalAccuracy > 0.5, `${name} learned something (final accuracy ${p.finalAccuracy})`);
  }
  const svg = readFileSync(join(out, "accuracy.svg"), "utf8");
  assert.equal([...svg.matchAll(/aria-roledescription="line mark"/g)].length, policies.length);
  const summary = readFileSync(join(out, "summary.md"), "utf8");
  for (const name of policies) assert.match(summary, new RegExp(`^\\| ${name} \\|`, "m"));
  assert.ok(r.stdout.includes(summary.trim()), "the summary is printed");
});

it("train runs one policy and prints its statistics", () => {
  const r = dsfabric(
    "train",
    "--config",
    "examples/quick.json",
    "--policy",
    "async",
    "--set",
    "target.maxTimeS=2",
  );
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^policy {15}async$/m);
  assert.match(r.stdout, /^final accuracy {7}0\.\d{4}$/m);
});

it("an unknown policy fails before anything runs, listing the valid ones", () => {
  const out = mkdtempSync(join(tmpdir(), "dsfabric-compare-"));
  const r = dsfabric(
    "compare",
    "--config",
    "examples/quick.json",
    "--policies",
    "mlfabric,paxos",
    "--out",
    out,
  );
  assert.equal(r.status, 1);
  assert.equal(
    r.stderr,
    'dsfabric: ArgumentError: --policies: unknown policy "paxos" (valid: mlfabric, async, bsp, ssp, allreduce)\n',
  );
  assert.equal(r.stdout, "");
  assert.ok(!existsSync(join(out, "results.json")));
});

it("a bad --set fails with the key and the known keys", () => {
  const r = dsfabric("train", "--config", "examples/quick.json", "--set", "workers=48");
  assert.equal(r.status, 1);
  assert.match(
    r.stderr,
    /^dsfabric: ArgumentError: --set workers=48: unknown key "workers" \(known keys: description, dataset, /,
  );
});
