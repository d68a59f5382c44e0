/**
 * The wire codec, byte by byte (STYLE habit 14, after nats.js `byByteTest`): every stream is fed split at
 * every byte boundary and one byte at a time, and must give the same frames as when fed whole.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ArgumentError } from "../../src/core/errors.ts";
import {
  encodeFrame,
  encodeFrameParts,
  float32ToPayload,
  FrameDecoder,
  FrameError,
  frameBytes,
  payloadToFloat32,
} from "../../src/net/index.ts";
import type { Frame, FrameDecoderOptions } from "../../src/net/index.ts";

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Decodes `chunks` in order; frames are copied out so that later pushes cannot change them. */
function decode(chunks: readonly Uint8Array[], options: FrameDecoderOptions = {}): Frame[] {
  const frames: Frame[] = [];
  const decoder = new FrameDecoder(
    (f) => frames.push({ header: f.header, payload: f.payload.slice() }),
    options,
  );
  for (const c of chunks) decoder.push(c);
  assert.equal(decoder.bufferedBytes, 0, "bytes left over after the last frame");
  assert.equal(decoder.frames, frames.length);
  return frames;
}

/** The same frames whatever the chunking: whole, split at every byte boundary, and byte by byte. */
function byByteTest(stream: Uint8Array, expected: readonly Frame[]): void {
  assert.deepEqual(decode([stream]), expected);
  for (let i = 0; i <= stream.length; i++) {
    assert.deepEqual(decode([stream.subarray(0, i), stream.subarray(i)]), expected, `split at ${i}`);
  }
  const bytes = Array.from({ length: stream.length }, (_, i) => stream.subarray(i, i + 1));
  assert.deepEqual(decode(bytes), expected, "byte by byte");
}

const messages: Frame[] = [
  { header: { op: "grad", worker: 3, shard: 1, baseVersion: 17 }, payload: new Uint8Array([1, 2, 3]) },
  { header: {}, payload: new Uint8Array(0) },
  {
    header: { note: "ünïcödé ✓ 𝄞", nested: { a: [1, null, true, "x"] } },
    payload: new Uint8Array(8).fill(255),
  },
  { header: { op: "model" }, payload: Uint8Array.from({ length: 61 }, (_, i) => (i * 37) & 255) },
];

const expectFrameError = (code: string) => (e: unknown) => e instanceof FrameError && e.code === code;

describe("frame layout", () => {
  it("pads the header and the payload to multiples of 8", () => {
    const bytes = encodeFrame({ op: "grad", worker: 3 }, new Uint8Array([1, 2, 3]));
    assert.equal(bytes.length, 48);
    assert.equal(frameBytes(24, 3), 48);
    assert.deepEqual([...bytes.subarray(0, 12)], [0x44, 0x46, 1, 0, 0, 0, 0, 24, 0, 0, 0, 3]);
    assert.deepEqual([...bytes.subarray(40, 48)], [1, 2, 3, 0, 0, 0, 0, 0]);
  });

  it("encodeFrameParts writes the payload itself, not a copy, and concatenates to encodeFrame", () => {
    const payload = new Uint8Array([9, 8, 7, 6, 5]);
    const parts = encodeFrameParts({ op: "x" }, payload);
    assert.equal(parts[1], payload);
    assert.deepEqual(concat(parts), encodeFrame({ op: "x" }, payload));
    assert.equal(encodeFrameParts({ op: "x" }, new Uint8Array(8)).length, 2, "no empty padding part");
  });
});

describe("FrameDecoder", () => {
  it("decodes each message split at every byte boundary", () => {
    for (const m of messages) byByteTest(encodeFrame(m.header, m.payload), [m]);
  });

  it("decodes a stream of several messages split at every byte boundary", () => {
    byByteTest(concat(messages.map((m) => encodeFrame(m.header, m.payload))), messages);
  });

  it("decodes many frames pushed in one chunk, zero-copy", () => {
    const sent = Array.from({ length: 1000 }, (_, i) => ({
      header: { seq: i },
      payload: Uint8Array.from({ length: i % 19 }, (_, k) => (i + k) & 255),
    }));
    const stream = concat(sent.map((m) => encodeFrame(m.header, m.payload)));
    const frames: Frame[] = [];
    new FrameDecoder((f) => frames.push(f)).push(stream);
    assert.deepEqual(frames, sent);
    assert.ok(frames.every((f) => f.payload.buffer === stream.buffer && f.payload.byteOffset % 8 === 0));
    const copied: Frame[] = [];
    new FrameDecoder((f) => copied.push(f), { copyPayloads: true }).push(stream);
    assert.deepEqual(copied, sent);
    assert.ok(copied.every((f) => f.payload.buffer !== stream.buffer));
  });

  it("ignores empty chunks", () => {
    const bytes = encodeFrame({ a: 1 }, new Uint8Array([5]));
    assert.deepEqual(
      decode([new Uint8Array(0), bytes.subarray(0, 3), new Uint8Array(0), bytes.subarray(3)]),
      [{ header: { a: 1 }, payload: new Uint8Array([5]) }],
    );
  });

  it("refuses an oversized frame at every split with FrameError and emits nothing of it", () => {
    const limits = { maxFrameBytes: 256, maxHeaderBytes: 64 };
    const big = encodeFrame({ op: "grad" }, new Uint8Array(1000));
    const bigHeader = encodeFrame({ pad: "x".repeat(100) }, new Uint8Array(0));
    for (const stream of [big, bigHeader]) {
      for (let i = 0; i <= stream.length; i++) {
        let emitted = 0;
        const decoder = new FrameDecoder(() => emitted++, limits);
        assert.throws(() => {
          decoder.push(stream.subarray(0, i));
          decoder.push(stream.subarray(i));
        }, expectFrameError("tooLarge"));
        assert.equal(emitted, 0, `split at ${i}`);
        assert.ok(decoder.bufferedBytes <= 12, "the oversized frame was buffered");
        assert.throws(() => decoder.push(new Uint8Array(1)), expectFrameError("failed"));
      }
    }
    // The encoder refuses it too, by the same limits.
    assert.throws(
      () => encodeFrame({ op: "grad" }, new Uint8Array(1000), limits),
      expectFrameError("tooLarge"),
    );
  });

  it("emits the frames before a bad one, then fails for good", () => {
    const good = encodeFrame({ ok: true }, new Uint8Array([1]));
    const big = encodeFrame({ op: "grad" }, new Uint8Array(1000));
    const seen: Frame[] = [];
    const decoder = new FrameDecoder((f) => seen.push(f), { maxFrameBytes: 256 });
    assert.throws(
      () => decoder.push(concat([good, big, good])),
      (e: unknown) => e instanceof FrameError && e.code === "tooLarge" && e.offsetBytes === good.length,
    );
    assert.equal(seen.length, 1);
  });

  it("rejects a stream that is not ours, a bad version and a header that is not a JSON object", () => {
    const bytes = encodeFrame({ a: 1 }, new Uint8Array(0));
    const badMagic = bytes.slice();
    badMagic[0] = 0x47;
    assert.throws(() => decode([badMagic]), expectFrameError("badMagic"));
    const badVersion = bytes.slice();
    badVersion[2] = 9;
    assert.throws(() => decode([badVersion]), expectFrameError("badVersion"));
    const notJson = bytes.slice();
    notJson[12] = 0x5b; // "[" for "{"
    assert.throws(() => decode([notJson]), expectFrameError("badHeader"));
    const array = encodeFrame({ a: 1 }, new Uint8Array(0));
    array.set(new TextEncoder().encode("[1,2,3]"), 12); // {"a":1} and [1,2,3] are both 7 bytes
    assert.throws(() => decode([array]), expectFrameError("badHeader"));
    const badUtf8 = bytes.slice();
    badUtf8[13] = 0xff;
    assert.throws(() => decode([badUtf8]), expectFrameError("badHeader"));
  });

  it("propagates an error thrown by the callback and fails the stream", () => {
    const boom = new Error("boom");
    const decoder = new FrameDecoder(() => {
      throw boom;
    });
    assert.throws(
      () => decoder.push(encodeFrame({}, new Uint8Array(0))),
      (e) => e === boom,
    );
    assert.throws(
      () => decoder.push(new Uint8Array(0)),
      (e: unknown) => e instanceof FrameError && e.code === "failed" && e.cause === boom,
    );
  });
});

describe("encodeFrame", () => {
  it("checks its limits", () => {
    assert.throws(() => new FrameDecoder(() => {}, { maxFrameBytes: 8 }), ArgumentError);
    assert.throws(() => encodeFrame({}, new Uint8Array(0), { maxHeaderBytes: 1.5 }), ArgumentError);
  });

  it("rejects headers that are not JSON objects", () => {
    for (const header of [[1, 2], null, { n: 1n }]) {
      assert.throws(() => encodeFrame(header as object, new Uint8Array(0)), expectFrameError("badHeader"));
    }
  });
});

describe("round trip (property)", () => {
  const header = fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 });
  const message = fc.record({ header, payload: fc.uint8Array({ maxLength: 200 }) });

  it("random headers and payloads, cut into random chunks, come back bit-exact", () => {
    fc.assert(
      fc.property(
        fc.array(message, { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (sent, cutSeeds) => {
          const stream = concat(sent.map((m) => encodeFrame(m.header, m.payload)));
          const cuts = [...new Set(cutSeeds.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
          const chunks = [0, ...cuts].map((start, i) => stream.subarray(start, [...cuts, stream.length][i]));
          const frames = decode(chunks);
          // JSON is the header's contract: what comes back is what JSON.parse(JSON.stringify(header)) gives.
          assert.deepEqual(
            frames.map((f) => f.header),
            sent.map((m) => JSON.parse(JSON.stringify(m.header)) as unknown),
          );
          frames.forEach((f, i) => assert.deepEqual(f.payload, sent[i].payload));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("float32 payloads keep every bit (NaNs, -0, subnormals), as views where aligned", () => {
    fc.assert(
      fc.property(fc.float32Array({ maxLength: 64 }), fc.nat({ max: 40 }), (values, cut) => {
        const bytes = encodeFrame({ op: "grad" }, float32ToPayload(values));
        const frames: Frame[] = [];
        const decoder = new FrameDecoder((f) => frames.push(f));
        const at = Math.min(cut, bytes.length);
        decoder.push(bytes.subarray(0, at));
        decoder.push(bytes.subarray(at));
        const back = payloadToFloat32(frames[0].payload);
        assert.deepEqual(
          new Uint32Array(back.buffer, back.byteOffset, back.length),
          new Uint32Array(values.buffer),
        );
        assert.equal(back.buffer, frames[0].payload.buffer, "an aligned payload is viewed, not copied");
      }),
      { numRuns: 200 },
    );
  });
});

describe("float32 payload helpers", () => {
  it("view without copying when aligned, copy when not", () => {
    const values = new Float32Array([1, -0.5, NaN, -0]);
    const bytes = float32ToPayload(values);
    assert.equal(bytes.buffer, values.buffer);
    assert.equal(payloadToFloat32(bytes).buffer, values.buffer);
    const misaligned = new Uint8Array(bytes.length + 1).subarray(1);
    misaligned.set(bytes);
    const copy = payloadToFloat32(misaligned);
    assert.notEqual(copy.buffer, misaligned.buffer);
    assert.deepEqual(new Uint32Array(copy.buffer), new Uint32Array(values.buffer));
    assert.deepEqual(payloadToFloat32(new Uint8Array(0)), new Float32Array(0));
    assert.throws(() => payloadToFloat32(new Uint8Array(6)), expectFrameError("badPayload"));
  });
});
