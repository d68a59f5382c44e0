/** Fault schedules: validation errors that name the entry and field, and firing at the right virtual times. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ArgumentError } from "../../src/core/errors.ts";
import { EventLog } from "../../src/sim/events.ts";
import { scheduleFaults, validateFaults } from "../../src/sim/faults.ts";
import type { KillFault } from "../../src/sim/faults.ts";
import { Network } from "../../src/sim/network.ts";
import { Simulator } from "../../src/sim/simulator.ts";

function rejects(faults: unknown, message: RegExp): void {
  assert.throws(
    () => validateFaults(faults),
    (e: unknown) => e instanceof ArgumentError && message.test(e.message),
  );
}

describe("validateFaults", () => {
  it("accepts both kinds and sorts them by time, stably", () => {
    const faults = validateFaults([
      { atMs: 50, kind: "partition", host: "w3", durationMs: 200 },
      { atMs: 10, kind: "kill", role: "shard", id: 0 },
      { atMs: 50, kind: "kill", role: "aggregator", id: "w7" },
    ]);
    assert.deepEqual(
      faults.map((f) => `${f.atMs} ${f.kind}`),
      ["10 kill", "50 partition", "50 kill"],
    );
    assert.deepEqual(validateFaults([]), []);
  });

  it("names the entry and the field of a bad fault", () => {
    rejects({}, /faults must be an array/);
    rejects([null], /faults\[0\]: a fault must be an object but was null/);
    rejects([{ atMs: 1, kind: "crash" }], /faults\[0\]: kind must be "kill" or "partition" but was "crash"/);
    rejects(
      [{ atMs: 1, kind: "kill", role: "server", id: 0 }],
      /faults\[0\]: role must be "shard", "worker" or "aggregator" but was "server"/,
    );
    rejects(
      [
        { atMs: 1, kind: "kill", role: "shard", id: 0 },
        { atMs: -5, kind: "kill", role: "shard", id: 0 },
      ],
      /faults\[1\]: atMs must be a finite number >= 0 but was -5/,
    );
    rejects(
      [{ atMs: 1, kind: "kill", role: "worker", id: -1 }],
      /faults\[0\]: id must be a non-negative integer/,
    );
    rejects([{ atMs: 1, kind: "kill", role: "worker", id: 1.5 }], /id must be/);
    rejects(
      [{ atMs: 1, kind: "partition", host: "", durationMs: 5 }],
      /faults\[0\]: host must be a non-empty string/,
    );
    rejects(
      [{ atMs: 1, kind: "partition", host: "w1", durationMs: 0 }],
      /durationMs must be a finite number > 0 but was 0/,
    );
    rejects(
      [{ atMs: 1, kind: "partition", host: "w1", duration: 5 }],
      /faults\[0\]: unknown field "duration" \(a partition fault has atMs, kind, host, durationMs\)/,
    );
    rejects([{ atMs: "10", kind: "kill", role: "shard", id: 0 }], /atMs must be a finite number/);
  });
});

describe("scheduleFaults", () => {
  it("fires kills through the handler and partitions on the network, and records them", async () => {
    const log = new EventLog();
    const sim = new Simulator({ log });
    const net = new Network(sim, {
      hosts: ["w0", "s0"].map((id) => ({ id, upBytesPerS: 1e6, downBytesPerS: 1e6 })),
    });
    const kills: string[] = [];
    scheduleFaults(
      sim,
      [
        { atMs: 20, kind: "kill", role: "shard", id: 0 },
        { atMs: 5, kind: "partition", host: "w0", durationMs: 10 },
      ],
      { kill: (f: KillFault) => kills.push(`${f.role} ${f.id} at ${sim.now()}`) },
      { network: net },
    );
    const partitioned: boolean[] = [];
    for (const t of [4, 5, 14, 15]) sim.schedule(t, () => partitioned.push(net.isPartitioned("w0")));
    await sim.run();
    assert.deepEqual(kills, ["shard 0 at 20"]);
    assert.deepEqual(partitioned, [false, true, true, false]);
    assert.deepEqual(log.text().split("\n"), [
      "5 fault partition w0 for=10",
      "5 partition w0 until=15",
      "20 fault kill shard 0",
    ]);
  });

  it("uses a partition handler when given, and cancels what has not fired", async () => {
    const sim = new Simulator();
    const seen: string[] = [];
    const handle = scheduleFaults(
      sim,
      [
        { atMs: 1, kind: "partition", host: "w0", durationMs: 3 },
        { atMs: 9, kind: "kill", role: "worker", id: 4 },
      ],
      { kill: () => seen.push("kill"), partition: (f) => seen.push(`partition ${f.host}`) },
    );
    sim.schedule(2, () => handle.cancel());
    await sim.run();
    assert.deepEqual(seen, ["partition w0"]);
  });

  it("fires faults due at or before the start at the start, as a real-time run needs", async () => {
    const sim = new Simulator({ startMs: 100 });
    const fired: [number, number][] = [];
    scheduleFaults(
      sim,
      [
        { atMs: 150, kind: "kill", role: "worker", id: 2 },
        { atMs: 50, kind: "kill", role: "shard", id: 1 },
        { atMs: 100, kind: "kill", role: "worker", id: 0 },
      ],
      { kill: (f) => fired.push([sim.now(), f.atMs]) },
    );
    await sim.run();
    assert.deepEqual(fired, [
      [100, 50],
      [100, 100],
      [150, 150],
    ]);
  });

  it("rejects a partition it cannot carry out", () => {
    const sim = new Simulator({ startMs: 100 });
    assert.throws(
      () =>
        scheduleFaults(sim, [{ atMs: 200, kind: "partition", host: "w0", durationMs: 1 }], {
          kill: () => {},
        }),
      /needs handlers.partition or options.network/,
    );
  });
});
