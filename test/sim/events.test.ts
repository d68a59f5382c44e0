/** The trace: fixed text form, bounded window, fingerprint of everything. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ArgumentError } from "../../src/core/errors.ts";
import { EventLog, formatEvent } from "../../src/sim/events.ts";
import type { SimEvent } from "../../src/sim/events.ts";

describe("formatEvent", () => {
  it("prints every event type on one fixed line, numbers exactly", () => {
    const events: SimEvent[] = [
      { type: "flowStart", atMs: 0.1 + 0.2, flow: 3, from: "w0", to: "s1", bytes: 4096, tag: "grad" },
      { type: "flowStart", atMs: 1, flow: 4, from: "w2", to: "w5", bytes: null, tag: "background" },
      {
        type: "flowEnd",
        atMs: 2.5,
        flow: 3,
        from: "w0",
        to: "s1",
        bytes: 4096,
        tag: "grad",
        outcome: "done",
      },
      { type: "capacity", atMs: 3, host: "s1", upBytesPerS: 1.25e9, downBytesPerS: 1.25e8 },
      { type: "partition", atMs: 4, host: "w0", untilMs: Infinity },
      { type: "fault", atMs: 5, fault: { atMs: 5, kind: "kill", role: "shard", id: 2 } },
      { type: "fault", atMs: 6, fault: { atMs: 6, kind: "partition", host: "w1", durationMs: 300 } },
      { type: "note", atMs: 7, text: "two\nlines" },
    ];
    assert.deepEqual(events.map(formatEvent), [
      "0.30000000000000004 flowStart #3 w0->s1 bytes=4096 tag=grad",
      "1 flowStart #4 w2->w5 bytes=inf tag=background",
      "2.5 flowEnd #3 w0->s1 bytes=4096 tag=grad done",
      "3 capacity s1 up=1250000000 down=125000000",
      "4 partition w0 until=Infinity",
      "5 fault kill shard 2",
      "6 fault partition w1 for=300",
      "7 note two\\nlines",
    ]);
  });
});

describe("EventLog", () => {
  it("keeps a bounded window and fingerprints every event", () => {
    const small = new EventLog({ capacityEvents: 3 });
    const all = new EventLog({ capacityEvents: Infinity });
    const streamed: string[] = [];
    const none = new EventLog({ capacityEvents: 0, onEvent: (e) => streamed.push(formatEvent(e)) });
    for (let i = 0; i < 10; i++) {
      const e: SimEvent = { type: "note", atMs: i, text: `n${i}` };
      small.append(e);
      all.append(e);
      none.append(e);
    }
    assert.equal(small.count, 10);
    assert.equal(small.dropped, 7);
    assert.equal(small.text(), "7 note n7\n8 note n8\n9 note n9");
    assert.equal(all.events().length, 10);
    assert.equal(none.events().length, 0);
    assert.equal(streamed.length, 10);
    assert.equal(small.digest(), all.digest());
    assert.equal(none.digest(), all.digest());
    assert.match(all.digest(), /^[0-9a-f]{16}$/);
    const other = new EventLog();
    for (let i = 0; i < 10; i++) other.append({ type: "note", atMs: i, text: i === 9 ? "n9 " : `n${i}` });
    assert.notEqual(other.digest(), all.digest());
  });

  it("rejects a bad capacity", () => {
    assert.throws(() => new EventLog({ capacityEvents: -1 }), ArgumentError);
    assert.throws(() => new EventLog({ capacityEvents: 2.5 }), ArgumentError);
  });
});
