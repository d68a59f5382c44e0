import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ArgumentError, FileFormatError } from "../../src/core/errors.ts";
import {
  applySet,
  applySets,
  CONFIG_KEYS,
  loadConfig,
  parseConfig,
  parseSetValue,
} from "../../src/cli/config.ts";
import type { TrainConfig } from "../../src/cli/config.ts";
import { checkPolicies, POLICIES, prepareConfig } from "../../src/cli/runPolicy.ts";

const known = CONFIG_KEYS.join(", ");

const base: TrainConfig = {
  dataset: { name: "mnist", trainSize: 8000, testSize: 2000 },
  model: { name: "mlp", layers: [784, 64, 10] },
  cluster: { workers: 8, shards: 2, replicas: 1 },
  policy: "mlfabric",
  delayBound: 8,
  seed: 1,
  network: { hostBytesPerS: 1.25e9 },
  faults: [
    { atMs: 1000, kind: "kill", role: "shard", id: 0 },
    { atMs: 2000, kind: "partition", host: "w3", durationMs: 500 },
  ],
};

/** Asserts that `fn` throws an error of class `kind` with exactly `message`. */
function throwsExactly(fn: () => unknown, kind: new (...args: never[]) => Error, message: string) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof kind, `expected ${kind.name}, got ${String(e)}`);
    assert.equal(e.message, message);
    return true;
  });
}

describe("--set values", () => {
  it("parse as JSON when they can, else stay strings", () => {
    assert.deepEqual(parseSetValue("7"), { value: 7, json: true });
    assert.deepEqual(parseSetValue("-0.5e3"), { value: -500, json: true });
    assert.deepEqual(parseSetValue("false"), { value: false, json: true });
    assert.deepEqual(parseSetValue("null"), { value: null, json: true });
    assert.deepEqual(parseSetValue("[1,2]"), { value: [1, 2], json: true });
    assert.deepEqual(parseSetValue('{"name":"ssp"}'), { value: { name: "ssp" }, json: true });
    assert.deepEqual(parseSetValue('"7"'), { value: "7", json: true });
    assert.deepEqual(parseSetValue("mlfabric"), { value: "mlfabric", json: false });
    assert.deepEqual(parseSetValue(""), { value: "", json: false });
  });
});

describe("applySet", () => {
  it("sets top-level numbers, strings and booleans with their JSON types", () => {
    const c = applySets(base, ["seed=7", "delayBound=16", "policy=async", "clock=real"]);
    assert.equal(c.seed, 7);
    assert.equal(c.delayBound, 16);
    assert.equal(c.policy, "async");
    assert.equal(c.clock, "real");
    assert.equal(base.seed, 1, "the input config is not modified");
  });

  it("sets nested fields and creates missing objects on the way", () => {
    const c = applySets(base, ["cluster.workers=48", "network.background.enabled=false"]);
    assert.deepEqual(c.cluster, { workers: 48, shards: 2, replicas: 1 });
    assert.deepEqual(c.network, { hostBytesPerS: 1.25e9, background: { enabled: false } });
    assert.deepEqual(applySet({}, "target.accuracy=0.9"), { target: { accuracy: 0.9 } });
  });

  it("indexes lists, and appends at the list's length", () => {
    const c = applySets(base, ["faults.0.atMs=500", 'faults.1.host="w7"']);
    const faults = c.faults as { atMs: number; host?: string }[];
    assert.equal(faults[0].atMs, 500);
    assert.equal(faults[1].host, "w7");
    const appended = applySet(base, 'faults.2={"atMs":9,"kind":"kill","role":"worker","id":1}');
    assert.equal((appended.faults as unknown[]).length, 3);
    assert.deepEqual(applySet({ faults: [] }, "faults.0.atMs=1"), { faults: [{ atMs: 1 }] });
    assert.deepEqual(
      applySet({ model: { name: "mlp", layers: [784, 64, 10] } }, "model.layers.1=128").model,
      {
        name: "mlp",
        layers: [784, 128, 10],
      },
    );
  });

  it("replaces whole values with JSON objects and lists", () => {
    const c = applySets(base, ['policy={"name":"ssp","stalenessBoundSteps":2}', "faults=[]"]);
    assert.deepEqual(c.policy, { name: "ssp", stalenessBoundSteps: 2 });
    assert.deepEqual(c.faults, []);
    assert.equal(
      applySet({ description: "x" }, "description=a=b").description,
      "a=b",
      "splits at the first =",
    );
  });

  it("refuses an unknown top-level key, naming it and the known ones", () => {
    throwsExactly(
      () => applySet(base, "workers=4"),
      ArgumentError,
      `--set workers=4: unknown key "workers" (known keys: ${known})`,
    );
  });

  it("refuses assignments without =, and paths with empty parts", () => {
    throwsExactly(
      () => applySet(base, "seed"),
      ArgumentError,
      "--set seed: expected path=value, e.g. --set seed=7",
    );
    throwsExactly(
      () => applySet(base, "cluster..workers=4"),
      ArgumentError,
      '--set cluster..workers=4: the path "cluster..workers" has an empty part',
    );
    throwsExactly(() => applySet(base, "=4"), ArgumentError, '--set =4: the path "" has an empty part');
  });

  it("refuses to go inside a number or a string", () => {
    throwsExactly(
      () => applySet(base, "seed.x=1"),
      ArgumentError,
      "--set seed.x=1: seed is a number (1), not an object or a list",
    );
    throwsExactly(
      () => applySet(base, "policy.aggregation=false"),
      ArgumentError,
      '--set policy.aggregation=false: policy is a string ("mlfabric"), not an object or a list',
    );
  });

  it("refuses bad list indices with the valid range", () => {
    throwsExactly(
      () => applySet(base, "faults.5.atMs=1"),
      ArgumentError,
      "--set faults.5.atMs=1: faults has 2 entries; index 5 is out of range (use 0..1, or 2 to append)",
    );
    throwsExactly(
      () => applySet(base, "faults.first.atMs=1"),
      ArgumentError,
      '--set faults.first.atMs=1: faults is a list; "first" is not an index (use 0..1, or 2 to append)',
    );
    throwsExactly(
      () => applySet(base, "faults.-1.atMs=1"),
      ArgumentError,
      '--set faults.-1.atMs=1: faults is a list; "-1" is not an index (use 0..1, or 2 to append)',
    );
    throwsExactly(
      () => applySet({ faults: [] }, "faults.1.atMs=1"),
      ArgumentError,
      "--set faults.1.atMs=1: faults has 0 entries; index 1 is out of range (it is empty, or 0 to append)",
    );
  });

  it("refuses text that is not JSON where the config holds a non-string (no silent coercion)", () => {
    throwsExactly(
      () => applySet(base, "seed=seven"),
      ArgumentError,
      `--set seed=seven: seed holds a number (1) but "seven" is not a JSON value; write one (to set a string, quote it: seed='"seven"')`,
    );
    throwsExactly(
      () => applySet(base, "cluster.workers=4x"),
      ArgumentError,
      `--set cluster.workers=4x: cluster.workers holds a number (8) but "4x" is not a JSON value; write one (to set a string, quote it: cluster.workers='"4x"')`,
    );
    // A JSON value of another type is an explicit choice: fabric.train checks it.
    assert.equal(applySet(base, 'seed="7"').seed, "7");
  });
});

describe("config files", () => {
  const dir = mkdtempSync(join(tmpdir(), "dsfabric-config-"));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it("load and apply --set in order", () => {
    const path = file("ok.json", JSON.stringify(base));
    const c = loadConfig(path, ["seed=7", "seed=8", "cluster.workers=48"]);
    assert.equal(c.seed, 8);
    assert.equal((c.cluster as { workers: number }).workers, 48);
    assert.deepEqual(loadConfig(path), base);
  });

  it("refuse unknown top-level keys, naming the file, the key and the known keys", () => {
    const path = file("typo.json", JSON.stringify({ ...base, seeds: 3 }));
    throwsExactly(
      () => loadConfig(path),
      ArgumentError,
      `config ${path}: unknown key "seeds" (known keys: ${known})`,
    );
  });

  it("refuse text that is not a JSON object, and missing files", () => {
    throwsExactly(
      () => parseConfig("[1]", "a.json"),
      FileFormatError,
      "config a.json: must be a JSON object but is a list ([1])",
    );
    throwsExactly(
      () => parseConfig("7", "a.json"),
      FileFormatError,
      "config a.json: must be a JSON object but is a number (7)",
    );
    assert.throws(
      () => parseConfig("{ seed: 1 }", "a.json"),
      (e: unknown) => {
        assert.ok(e instanceof FileFormatError);
        assert.match(e.message, /^config a\.json: not valid JSON: /);
        return true;
      },
    );
    assert.throws(
      () => loadConfig(join(dir, "missing.json")),
      (e: unknown) => {
        assert.ok(e instanceof FileFormatError);
        assert.match(e.message, /^config .*missing\.json: cannot read it \(ENOENT/);
        return true;
      },
    );
  });

  it("examples/quick.json loads, resolves, and passes the driver's checks for every policy", () => {
    const prepared = prepareConfig(
      loadConfig(new URL("../../examples/quick.json", import.meta.url).pathname),
    );
    assert.deepEqual(prepared.data.x.shape, [2000, 784]);
    assert.deepEqual([prepared.model.inputs, prepared.model.classes], [784, 10]);
    assert.deepEqual(
      [prepared.clock, prepared.seed, prepared.target, prepared.maxTimeS],
      ["virtual", 1, 0.85, 5],
    );
    checkPolicies(prepared, POLICIES);
  });

  it("a field the driver refuses fails before any run, with the driver's message", () => {
    const prepared = prepareConfig(applySet(base, "cluster.workers=0"));
    throwsExactly(
      () => checkPolicies(prepared, ["mlfabric"]),
      ArgumentError,
      "fabric.train: cluster.workers must be an integer >= 1 but was 0",
    );
  });
});
