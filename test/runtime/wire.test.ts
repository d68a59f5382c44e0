import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { Matrix } from "../../src/core/matrix.ts";
import { SHARED_TABLE_SIZE, SharedValueSender, SharedValueTable } from "../../src/runtime/sharedValues.ts";
import { outputFromWire, outputToWire, toWire } from "../../src/runtime/wire.ts";

describe("wire", () => {
  it("an output in memory the main thread handed over comes back as its own object or a view of it", () => {
    const input = Matrix.fromArray([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const supplied = Matrix.zeros(2, 3);
    // The worker's objects over the same memory (as structured clone makes them).
    const workerInput = new Matrix(
      2,
      3,
      new Float64Array(structuredClone(input.data.buffer) as SharedArrayBuffer),
    );
    const workerSupplied = new Matrix(
      2,
      3,
      new Float64Array(structuredClone(supplied.data.buffer) as SharedArrayBuffer),
    );
    const asIs = outputToWire(workerSupplied, [workerInput], [workerSupplied]);
    assert.deepEqual(asIs, { from: "output", index: 0, offset: 0, rows: 2, cols: 3 });
    assert.equal(outputFromWire(asIs, [input], [supplied]), supplied);
    const row = new Matrix(1, 3, workerInput.data.subarray(3, 6));
    const view = outputFromWire(outputToWire(row, [workerInput], [workerSupplied]), [input], [supplied]);
    assert.equal(view.data.buffer, input.data.buffer, "a view of the main thread's own buffer");
    assert.deepEqual(view.toArray(), [[4, 5, 6]]);
    const elsewhere = Matrix.fromArray([[9]]);
    const w = outputToWire(elsewhere, [workerInput], [workerSupplied]);
    assert.deepEqual(outputFromWire(w, [input], [supplied]).toArray(), [[9]]);
    assert.deepEqual(toWire(elsewhere).rows, 1);
  });

  it("a worker's table of shared values mirrors what the sender thinks it holds, through evictions", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3 * SHARED_TABLE_SIZE }), { maxLength: 5000 }),
        (picks) => {
          const values = new Map<number, { program: number }>();
          const sender = new SharedValueSender();
          const table = new SharedValueTable();
          for (const k of picks) {
            if (!values.has(k)) values.set(k, { program: k });
            const attrs = { program: values.get(k), rows: k };
            const wire = sender.encode(attrs);
            // Through structured clone, as postMessage does; the worker sees equal (not identical) values.
            const decoded = table.decode(
              structuredClone({ ...wire, kernel: "k", inputs: [], outputs: [], fresh: [] }),
            );
            assert.deepEqual(decoded, attrs);
          }
        },
      ),
      { numRuns: 20 },
    );
  });

  it("arrays and typed arrays travel inline with every task", () => {
    const sender = new SharedValueSender();
    const attrs = { pieces: [1, 2], data: new Float64Array(2), spec: { a: 1 } };
    const wire = sender.encode(attrs);
    assert.deepEqual(Object.keys(wire.attrs).sort(), ["data", "pieces"]);
    assert.equal(wire.definitions?.length, 1);
    assert.equal(sender.encode(attrs).definitions, undefined, "sent once");
  });
});
