import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ArgumentError, ShapeError } from "../../src/core/errors.ts";
import type { TrainConfig } from "../../src/cli/config.ts";
import { datasetClasses, resolveDataset, resolveModel } from "../../src/cli/resolveConfig.ts";
import { parsePolicies, POLICIES, policySpec } from "../../src/cli/runPolicy.ts";

/** Asserts that `fn` throws an error of class `kind` with exactly `message`. */
function throwsExactly(fn: () => unknown, kind: new (...args: never[]) => Error, message: string) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof kind, `expected ${kind.name}, got ${String(e)}`);
    assert.equal(e.message, message);
    return true;
  });
}

describe("dataset and model by name", () => {
  it("splits a synthetic dataset into nSamples training rows and testSize test rows", () => {
    const d = resolveDataset({
      dataset: { name: "blobs", nSamples: 300, nFeatures: 3, centers: 4, testSize: 50 },
      seed: 2,
    });
    assert.deepEqual(
      [d.x.shape, d.y.shape, d.xTest.shape, d.yTest.shape],
      [
        [300, 3],
        [300, 1],
        [50, 3],
        [50, 1],
      ],
    );
    const c = resolveDataset({ dataset: { name: "classification", nSamples: 100, nFeatures: 6 } });
    assert.deepEqual(
      [c.x.shape, c.xTest.shape],
      [
        [100, 6],
        [20, 6],
      ],
      "testSize defaults to a fifth",
    );
  });

  it("builds an mlp or a softmax regression and checks it against the data", () => {
    assert.equal(
      resolveModel({ model: { name: "mlp", layers: [784, 64, 10] } }, { inputs: 784, classes: 10 })
        .paramCount,
      50890,
    );
    const soft = resolveModel({ model: { name: "softmax" } }, { inputs: 4, classes: 3 });
    assert.deepEqual([soft.inputs, soft.classes], [4, 3]);
    throwsExactly(
      () => resolveModel({ model: { name: "mlp", layers: [20, 10] } }, { inputs: 784, classes: 10 }),
      ShapeError,
      "config: model.layers[0] is 20 but the dataset has 784 features per sample",
    );
    throwsExactly(
      () => resolveModel({ model: { name: "mlp", layers: [784, 5] } }, { inputs: 784, classes: 10 }),
      ShapeError,
      "config: the last of model.layers is 5 but the dataset has 10 classes (labels 0..9)",
    );
  });

  it("refuses unknown dataset and model names and model options, listing the valid ones", () => {
    throwsExactly(
      () => resolveDataset({ dataset: { name: "cifar" } }),
      ArgumentError,
      'config: dataset.name must be one of mnist, blobs, classification but was "cifar"',
    );
    throwsExactly(
      () => resolveModel({ model: { name: "cnn" } }, { inputs: 1, classes: 2 }),
      ArgumentError,
      'config: model.name must be one of mlp, softmax but was "cnn"',
    );
    throwsExactly(
      () => resolveModel({ model: { name: "mlp", layers: [4, 2], hidden: [3] } }, { inputs: 4, classes: 2 }),
      ArgumentError,
      'config: model mlp has no option "hidden" (its options: name, layers, activation, l2)',
    );
    throwsExactly(
      () => resolveDataset({}),
      ArgumentError,
      'config: dataset must be an object with a name (one of mnist, blobs, classification), e.g. { "name": "mnist" }, but was undefined',
    );
  });
});

describe("policies", () => {
  it("--policies takes known names separated by commas", () => {
    assert.deepEqual(parsePolicies("mlfabric, async,bsp"), ["mlfabric", "async", "bsp"]);
    assert.deepEqual(POLICIES, ["mlfabric", "async", "bsp", "ssp", "allreduce"]);
    throwsExactly(
      () => parsePolicies("mlfabric,paxos"),
      ArgumentError,
      '--policies: unknown policy "paxos" (valid: mlfabric, async, bsp, ssp, allreduce)',
    );
    throwsExactly(
      () => parsePolicies("async,async"),
      ArgumentError,
      '--policies: policy "async" is listed twice',
    );
    throwsExactly(
      () => parsePolicies("mlfabric,,async"),
      ArgumentError,
      '--policies: expected names separated by commas, e.g. mlfabric,async, but was "mlfabric,,async"',
    );
  });

  it("a policy object in the config gives its options to the run of that policy only", () => {
    const config: TrainConfig = { policy: { name: "mlfabric", aggregation: false } };
    assert.deepEqual(policySpec(config, "mlfabric"), { name: "mlfabric", aggregation: false });
    assert.equal(policySpec(config, "async"), "async");
    assert.equal(policySpec({ policy: "bsp" }, "async"), "async");
  });

  it("counts the classes of a named dataset without generating it", () => {
    assert.equal(datasetClasses({ dataset: { name: "mnist" } }), 10);
    assert.equal(datasetClasses({ dataset: { name: "blobs" } }), 3);
    assert.equal(datasetClasses({ dataset: { name: "blobs", centers: [[0], [1]] } }), 2);
    assert.equal(datasetClasses({ dataset: { name: "classification", nClasses: 5 } }), 5);
  });
});
