import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ArgumentError, Matrix, ShapeError } from "../../src/index.ts";
import { Rng } from "../../src/sim/rng.ts";
import { datasets } from "../../src/io/datasets/index.ts";
import {
  mlp,
  modelFromJSON,
  paramSlice,
  sgd,
  softmaxCrossEntropy,
  softmaxRegression,
  type TrainableModel,
} from "../../src/fabric/model/index.ts";

const backends = ["auto", "js"] as const;

/** Runs `body` with `DSFABRIC_BACKEND` set for `linalg()` (read on every call), then restores it. */
function withBackend<T>(backend: (typeof backends)[number], body: () => T): T {
  const saved = process.env.DSFABRIC_BACKEND;
  if (backend === "js") process.env.DSFABRIC_BACKEND = "js";
  else delete process.env.DSFABRIC_BACKEND;
  try {
    return body();
  } finally {
    if (saved === undefined) delete process.env.DSFABRIC_BACKEND;
    else process.env.DSFABRIC_BACKEND = saved;
  }
}

function randomMatrix(rng: Rng, rows: number, cols: number, scale = 1): Matrix {
  const m = Matrix.zeros(rows, cols);
  for (let k = 0; k < m.data.length; k++) m.data[k] = scale * rng.normal();
  return m;
}

function randomParams(rng: Rng, n: number, scale: number): Float32Array {
  const p = new Float32Array(n);
  for (let k = 0; k < n; k++) p[k] = scale * rng.normal();
  return p;
}

/**
 * Compares the gradient with central differences on the float32 parameters. The step actually taken is
 * the difference of the two rounded float32 values, so rounding the parameters adds no error; the loss is
 * computed in float64.
 */
function gradientCheck(model: TrainableModel, params: Float32Array, x: Matrix, y: Int32Array): void {
  const grad = new Float32Array(model.paramCount);
  const scratch = new Float32Array(model.paramCount);
  model.lossAndGradient(params, x, y, grad);
  const h = 1e-5;
  for (let k = 0; k < params.length; k++) {
    const p = params[k];
    params[k] = p + h;
    const up = params[k];
    const lossUp = model.lossAndGradient(params, x, y, scratch);
    params[k] = p - h;
    const down = params[k];
    const lossDown = model.lossAndGradient(params, x, y, scratch);
    params[k] = p;
    const fd = (lossUp - lossDown) / (up - down);
    const tolerance = 1e-6 + 1e-4 * Math.abs(fd);
    if (!(Math.abs(grad[k] - fd) <= tolerance)) {
      const name = model.layout.slices.find((s) => k >= s.offset && k < s.offset + s.length)?.name;
      assert.fail(`d loss / d params[${k}] (${name}): analytic ${grad[k]}, finite difference ${fd}`);
    }
  }
}

const smallProblem = fc.record({
  rows: fc.integer({ min: 1, max: 6 }),
  inputs: fc.integer({ min: 1, max: 5 }),
  hidden: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 0, maxLength: 2 }),
  classes: fc.integer({ min: 2, max: 4 }),
  l2: fc.constantFrom(0, 0.1),
  seed: fc.nat(),
});

describe("trainable models", () => {
  for (const backend of backends) {
    it(`mlp gradients match central differences [${backend}]`, () => {
      fc.assert(
        fc.property(smallProblem, ({ rows, inputs, hidden, classes, l2, seed }) => {
          const rng = new Rng(seed);
          const model = mlp({ layers: [inputs, ...hidden, classes], l2 });
          const params = model.init(rng);
          for (let k = 0; k < params.length; k++) params[k] += 0.1 * rng.normal(); // non-zero biases too
          const x = randomMatrix(rng, rows, inputs);
          const y = Int32Array.from({ length: rows }, () => rng.int(0, classes));
          withBackend(backend, () => gradientCheck(model, params, x, y));
        }),
        { numRuns: 60, seed: 11 },
      );
    });

    it(`softmaxRegression gradients match central differences [${backend}]`, () => {
      fc.assert(
        fc.property(smallProblem, ({ rows, inputs, classes, l2, seed }) => {
          const rng = new Rng(seed);
          const model = softmaxRegression({ inputs, classes, l2 });
          const params = randomParams(rng, model.paramCount, 0.5);
          const x = randomMatrix(rng, rows, inputs);
          const y = Int32Array.from({ length: rows }, () => rng.int(0, classes));
          withBackend(backend, () => gradientCheck(model, params, x, y));
        }),
        { numRuns: 60, seed: 12 },
      );
    });
  }

  it("native and js backends give the same loss and gradient", () => {
    const rng = new Rng(3);
    const model = mlp({ layers: [20, 16, 8, 5], l2: 0.01 });
    const params = model.init(rng);
    const x = randomMatrix(rng, 33, 20);
    const y = Int32Array.from({ length: 33 }, () => rng.int(0, 5));
    const [ga, gb] = [new Float32Array(model.paramCount), new Float32Array(model.paramCount)];
    const la = withBackend("auto", () => model.lossAndGradient(params, x, y, ga));
    const lb = withBackend("js", () => model.lossAndGradient(params, x, y, gb));
    assert.ok(Math.abs(la - lb) < 1e-12 * Math.abs(la));
    ga.forEach((g, k) => assert.ok(Math.abs(g - gb[k]) <= 1e-6 * Math.max(1e-3, Math.abs(g))));
  });

  it("learns separable blobs past 90% accuracy with plain SGD in a few hundred steps", async () => {
    const { x, y } = datasets.makeBlobs({
      nSamples: 1000,
      nFeatures: 4,
      centers: 4,
      clusterStd: 1,
      seed: 21,
    });
    const [mx, my] = await Promise.all([x.collect(), y.collect()]);
    const labels = Int32Array.from(my.data);
    const batch = 32;
    const xb = Matrix.zeros(batch, 4);
    const yb = new Int32Array(batch);
    for (const model of [softmaxRegression({ inputs: 4, classes: 4 }), mlp({ layers: [4, 16, 4] })]) {
      const params = model.init(new Rng(5));
      const grad = new Float32Array(model.paramCount);
      const opt = sgd({ learningRate: 0.02 });
      const losses: number[] = [];
      for (let step = 0; step < 300; step++) {
        for (let i = 0; i < batch; i++) {
          const row = (step * batch + i) % mx.rows;
          xb.data.set(mx.data.subarray(row * 4, row * 4 + 4), i * 4);
          yb[i] = labels[row];
        }
        losses.push(model.lossAndGradient(params, xb, yb, grad));
        opt.apply(params, grad, 0, model.paramCount, 0);
      }
      const tail = losses.slice(-30).reduce((a, b) => a + b, 0) / 30;
      assert.ok(tail < losses[0] / 4, `${model.kind}: loss went from ${losses[0]} to ${tail}`);
      const accuracy = model.accuracy(params, mx, labels);
      assert.ok(accuracy > 0.9, `${model.kind}: accuracy ${accuracy}`);
    }
  });

  it("softmax cross-entropy is stable for huge logits", () => {
    const logits = Matrix.fromArray([
      [1e300, -1e300, 0],
      [800, 799, -800],
      [-1e300, -1e300, -1e300],
    ]);
    const delta = Matrix.zeros(3, 3);
    const loss = softmaxCrossEntropy(logits, new Int32Array([2, 0, 2]), delta);
    assert.ok(Number.isFinite(loss), `loss ${loss}`);
    const expected = (1e300 + Math.log1p(Math.exp(-1)) + Math.log(3)) / 3;
    assert.ok(Math.abs(loss - expected) <= 1e-12 * expected);
    assert.ok(delta.data.every((v) => Number.isFinite(v)));
    for (let i = 0; i < 3; i++) {
      const rowSum = delta.data[i * 3] + delta.data[i * 3 + 1] + delta.data[i * 3 + 2];
      assert.ok(Math.abs(rowSum) < 1e-15, "each row of (p - onehot) / n sums to 0");
    }
    const model = softmaxRegression({ inputs: 2, classes: 3 });
    const params = new Float32Array(model.paramCount);
    params[paramSlice(model.layout, "layer0.weight").offset] = 1e30;
    const grad = new Float32Array(model.paramCount);
    const l = model.lossAndGradient(
      params,
      Matrix.fromArray([
        [1e8, 1],
        [-1e8, 2],
      ]),
      new Int32Array([0, 0]),
      grad,
    );
    assert.ok(Number.isFinite(l) && grad.every((g) => Number.isFinite(g)));
  });

  it("checks shapes and labels before computing anything", () => {
    const model = mlp({ layers: [3, 4, 2] });
    const params = model.init(new Rng(1));
    const grad = new Float32Array(model.paramCount).fill(7);
    const x = Matrix.zeros(2, 3);
    const call = (p: unknown, xx: unknown, yy: unknown, g: unknown) => () =>
      model.lossAndGradient(p as Float32Array, xx as Matrix, yy as Int32Array, g as Float32Array);
    assert.throws(call(params, Matrix.zeros(2, 4), new Int32Array(2), grad), {
      name: "ShapeError",
      message: "mlp.lossAndGradient: x has 4 columns but the model takes 3 inputs (x is 2x4)",
    });
    assert.throws(call(params, x, new Int32Array([0, 2]), grad), {
      name: "ArgumentError",
      message: "mlp.lossAndGradient: y[1] = 2 is not a class label 0..1",
    });
    assert.throws(call(params, x, new Float64Array([0, 0.5]), grad), /y\[1\] = 0.5 is not a class label/);
    assert.throws(call(params, x, new Int32Array(3), grad), /y has 3 labels but x has 2 rows/);
    assert.throws(call(params.subarray(1), x, new Int32Array(2), grad), ShapeError);
    assert.throws(
      call(params, x, new Int32Array(2), new Float64Array(model.paramCount)),
      /grad must be a Float32Array of 26 values but was a Float64Array/,
    );
    assert.throws(call(params, Matrix.zeros(0, 3), new Int32Array(0), grad), /x has no rows/);
    assert.throws(
      call(params, [[1, 2, 3]], new Int32Array(1), grad),
      /x must be a Matrix but was \[\[1,2,3\]\]/,
    );
    assert.ok(
      grad.every((g) => g === 7),
      "grad was written before the arguments were checked",
    );
    assert.throws(() => model.predict(params, Matrix.zeros(1, 2)), /mlp.predict: x has 2 columns/);
    assert.throws(() => model.accuracy(params, x, new Int32Array([0, -1])), /mlp.accuracy: y\[1\] = -1/);
  });

  it("rejects bad architectures", () => {
    assert.throws(() => mlp({ layers: [784] }), /layers must list at least the inputs and the classes/);
    assert.throws(() => mlp({ layers: [784, 0, 10] }), /layers\[1\] must be an integer >= 1 but was 0/);
    assert.throws(() => mlp({ layers: [784, 1] }), /at least 2 classes/);
    assert.throws(() => mlp({ layers: [4, 2], activation: "tanh" as never }), /activation must be "relu"/);
    assert.throws(() => mlp({ layers: [4, 2], l2: -1 }), /l2 must be a finite number >= 0 but was -1/);
    assert.throws(
      () => softmaxRegression({ inputs: 0, classes: 3 }),
      /inputs must be an integer >= 1 but was 0/,
    );
    assert.throws(
      () => softmaxRegression({ inputs: 3, classes: 1 }),
      /classes must be an integer >= 2 but was 1/,
    );
    assert.throws(() => modelFromJSON({ kind: "cnn" } as never), ArgumentError);
  });

  it("lays out parameters contiguously and He-initialises the MLP reproducibly", () => {
    const model = mlp({ layers: [784, 128, 10] });
    assert.equal(model.paramCount, 784 * 128 + 128 + 128 * 10 + 10);
    assert.deepEqual(
      model.layout.slices.map((s) => [s.name, s.offset, s.length]),
      [
        ["layer0.weight", 0, 100352],
        ["layer0.bias", 100352, 128],
        ["layer1.weight", 100480, 1280],
        ["layer1.bias", 101760, 10],
      ],
    );
    const a = model.init(new Rng(4));
    assert.deepEqual(a, model.init(new Rng(4)));
    const w = a.subarray(0, 100352);
    const sd = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
    assert.ok(Math.abs(sd - Math.sqrt(2 / 784)) < 0.02 * Math.sqrt(2 / 784), `weight sd ${sd}`);
    assert.ok(
      a.subarray(100352, 100480).every((v) => v === 0),
      "biases start at 0",
    );
    assert.ok(
      softmaxRegression({ inputs: 3, classes: 2 })
        .init(new Rng(1))
        .every((v) => v === 0),
    );
  });

  it("round-trips through JSON", () => {
    for (const model of [
      mlp({ layers: [5, 7, 3], l2: 0.5 }),
      softmaxRegression({ inputs: 5, classes: 3, l2: 0.1 }),
    ]) {
      const copy = modelFromJSON(JSON.parse(JSON.stringify(model)) as ReturnType<TrainableModel["toJSON"]>);
      assert.deepEqual(copy.toJSON(), model.toJSON());
      assert.deepEqual(copy.layout, model.layout);
      const rng = new Rng(2);
      const params = randomParams(rng, model.paramCount, 0.5);
      const x = randomMatrix(rng, 4, 5);
      const y = new Int32Array([0, 1, 2, 1]);
      const g = new Float32Array(model.paramCount);
      assert.equal(copy.lossAndGradient(params, x, y, g), model.lossAndGradient(params, x, y, g));
    }
  });

  it("reuses its buffers: repeated steps allocate no array buffers", () => {
    const model = mlp({ layers: [784, 128, 10] });
    const rng = new Rng(8);
    const params = model.init(rng);
    const grad = new Float32Array(model.paramCount);
    const x = randomMatrix(rng, 64, 784, 0.3);
    const y = Int32Array.from({ length: 64 }, () => rng.int(0, 10));
    model.lossAndGradient(params, x, y, grad);
    const before = process.memoryUsage().arrayBuffers;
    for (let k = 0; k < 100; k++) model.lossAndGradient(params, x, y, grad);
    const grown = process.memoryUsage().arrayBuffers - before;
    assert.ok(grown < 1 << 20, `array buffers grew by ${grown} bytes over 100 steps`);
  });
});

describe("sgd", () => {
  it("steps, accumulates momentum and scales stale updates by 1 / delay", () => {
    const plain = sgd({ learningRate: 0.5 });
    const p = new Float32Array([1, 2, 3]);
    plain.apply(p, new Float32Array([1, 1, 1]), 0, 3, 0);
    assert.deepEqual(p, new Float32Array([0.5, 1.5, 2.5]));

    const heavy = sgd({ learningRate: 1, momentum: 0.5 });
    const q = new Float32Array([0, 0]);
    heavy.apply(q, new Float32Array([1, 1]), 0, 2, 0); // v = 1
    heavy.apply(q, new Float32Array([1, 1]), 0, 2, 0); // v = 0.5 + 1
    assert.deepEqual(q, new Float32Array([-2.5, -2.5]));
    heavy.reset();
    heavy.apply(q, new Float32Array([1, 1]), 0, 2, 0);
    assert.deepEqual(q, new Float32Array([-3.5, -3.5]));

    const stale = sgd({ learningRate: 0.8, staleness: true });
    assert.deepEqual(
      [0, 1, 2, 4].map((d) => stale.learningRateFor(d)),
      [0.8, 0.8, 0.4, 0.2],
    );
    assert.equal(sgd({ learningRate: 0.8 }).learningRateFor(4), 0.8);
  });

  it("updates only the given slice, with the gradient sliced or indexed like params", () => {
    const opt = sgd({ learningRate: 1, momentum: 0.9 });
    const p = new Float32Array([0, 0, 0, 0, 0]);
    opt.apply(p, new Float32Array([1, 2]), 1, 2, 0);
    assert.deepEqual(p, new Float32Array([0, -1, -2, 0, 0]));
    opt.apply(p, new Float32Array([9, 9, 9, 1, 9]), 3, 1, 0);
    assert.deepEqual(p, new Float32Array([0, -1, -2, -1, 0]));
    assert.deepEqual(opt.toJSON(), { kind: "sgd", learningRate: 1, momentum: 0.9, staleness: false });
  });

  it("rejects bad options and arguments", () => {
    assert.throws(() => sgd({ learningRate: 0 }), /learningRate must be a finite number > 0 but was 0/);
    assert.throws(
      () => sgd({ learningRate: 0.1, momentum: 1 }),
      /momentum must be a number in \[0, 1\) but was 1/,
    );
    const opt = sgd({ learningRate: 0.1, momentum: 0.5 });
    const p = new Float32Array(4);
    assert.throws(
      () => opt.apply(p, new Float32Array(2), 3, 2, 0),
      /slice \[3, 5\) is not inside params \(4 values\)/,
    );
    assert.throws(() => opt.apply(p, new Float32Array(3), 0, 2, 0), {
      name: "ShapeError",
      message: /grad has 3 values but must have the slice's 2 or, indexed like params, 4/,
    });
    assert.throws(
      () => opt.apply(p, new Float32Array(2), 0, 2, -1),
      /delay must be an integer >= 0 but was -1/,
    );
    opt.apply(p, new Float32Array(2), 0, 2, 0);
    assert.throws(
      () => opt.apply(new Float32Array(6), new Float32Array(2), 0, 2, 0),
      /one optimizer per parameter store/,
    );
  });
});
