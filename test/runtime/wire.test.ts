import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { Matrix } from "../../src/core/matrix.ts";
import { SHARED_TABLE_SIZE, SharedValueSender, SharedValueTable } from "../../src/runtime/sharedValues.ts";
import { BatchWriter, readReply, ReplyWriter, SlabTable } from "../../src/runtime/batchCodec.ts";

describe("wire", () => {
  it("a batch travels flat and arrives as the same blocks, pooled memory by slab", () => {
    const slab = new SharedArrayBuffer(6 * 8);
    const pooled = new Matrix(2, 3, new Float64Array(slab));
    pooled.data.set([1, 2, 3, 4, 5, 6]);
    const view = new Matrix(1, 3, pooled.data.subarray(3, 6));
    const outside = Matrix.fromArray([[7, 8]]);
    const lookup = (m: Matrix) =>
      m.data.buffer === slab ? { slab: 5, offset: m.data.byteOffset / 8 } : undefined;
    const writer = new BatchWriter(lookup);
    writer.slabs.push([5, slab]);
    const sender = new SharedValueSender();
    writer.add("a", sender.encode({ rows: 1 }), [pooled, view], [outside], [true]);
    writer.add("b", sender.encode({ rows: 2 }), [outside], [], []);
    const request = structuredClone(writer.finish(9, [3], false));
    const table = new SlabTable();
    const [first, second] = table.read(request);
    assert.deepEqual(
      first.inputs.map((m) => m.toArray()),
      [pooled.toArray(), view.toArray()],
    );
    assert.deepEqual(first.supplied[0].toArray(), [[7, 8]]);
    assert.deepEqual(first.fresh, [true]);
    assert.equal(second.kernel, "b");
    assert.deepEqual(new SharedValueTable().decode(second.encoded), { rows: 2 });
    // The worker's views share the main thread's memory.
    first.inputs[1].data[0] = 40;
    assert.equal(pooled.get(1, 0), 40);
  });

  it("outputs in memory the main thread handed over come back as its own objects or views of them", () => {
    const input = Matrix.fromArray([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const supplied = Matrix.zeros(2, 3);
    // The worker's objects over the same memory (as structured clone makes them).
    const clone = (m: Matrix) => new Matrix(m.rows, m.cols, structuredClone(m.data));
    const workerInput = clone(input);
    const workerSupplied = clone(supplied);
    const reply = new ReplyWriter();
    reply.ok(
      [workerSupplied, new Matrix(1, 3, workerInput.data.subarray(3, 6)), Matrix.fromArray([[9]])],
      [workerInput],
      [workerSupplied],
    );
    reply.failed({ name: "ShapeError", message: "bad", stack: undefined });
    const [ok, failed] = readReply(structuredClone(reply.finish(1)), [[input], [input]], [[supplied], []]);
    assert.ok(ok.ok && !failed.ok);
    if (!ok.ok || failed.ok) return;
    assert.equal(ok.outputs[0], supplied);
    assert.equal(ok.outputs[1].data.buffer, input.data.buffer, "a view of the main thread's own buffer");
    assert.deepEqual(ok.outputs[1].toArray(), [[4, 5, 6]]);
    assert.deepEqual(ok.outputs[2].toArray(), [[9]]);
    assert.equal(failed.error.name, "ShapeError");
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
            const decoded = table.decode(structuredClone(wire));
            assert.deepEqual(decoded, attrs);
          }
        },
      ),
      { numRuns: 20 },
    );
  });

  it("arrays and typed arrays travel inline; an attributes object met again is shared whole", () => {
    const sender = new SharedValueSender();
    const attrs = { pieces: [1, 2], data: new Float64Array(2), spec: { a: 1 } };
    const first = sender.encode(attrs);
    assert.ok(typeof first.attrs === "object");
    assert.deepEqual(Object.keys(first.attrs).sort(), ["data", "pieces"]);
    assert.equal(first.definitions?.length, 1);
    const again = sender.encode(attrs);
    assert.equal(typeof again.attrs, "number");
    assert.equal(again.definitions?.length, 1, "the whole object, once");
    assert.equal(sender.encode(attrs).definitions, undefined, "sent once");
    const table = new SharedValueTable();
    for (const e of [first, again, sender.encode(attrs)])
      assert.deepEqual(table.decode(structuredClone(e)), attrs);
  });
});
