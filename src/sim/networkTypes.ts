/**
 * The simulated network's public vocabulary: host specs, transfer requests and results, flow handles and
 * statistics, and the error of an aborted transfer.
 */
import { DsfabricError } from "../core/errors.ts";

/** A host and its access-link capacities. */
export interface HostSpec {
  id: string;
  upBytesPerS: number;
  downBytesPerS: number;
}

/** Options of a {@link Network}. */
export interface NetworkOptions {
  hosts?: readonly HostSpec[];
  /** One-way latency between any two hosts, and of a same-host transfer (default 0). */
  latencyMs?: number;
}

/** What to send: `bytes` from host `from` to host `to`, optionally rate-capped, tagged for statistics. */
export interface TransferRequest {
  from: string;
  to: string;
  bytes: number;
  maxRateBytesPerS?: number;
  /** Statistics key (default "transfer"). */
  tag?: string;
}

/** When a transfer was requested and when its last byte arrived. */
export interface TransferResult {
  startMs: number;
  endMs: number;
  bytes: number;
}

/** A background flow with unbounded demand (an iperf pair), running until `stop()`. */
export interface FlowHandle {
  readonly id: number;
  readonly from: string;
  readonly to: string;
  /** Takes the flow off the network (idempotent). */
  stop(): void;
  /** Its current max-min share. */
  rateBytesPerS(): number;
  /** Bytes it has moved so far. */
  sentBytes(): number;
}

/** A snapshot of one flow on the network. */
export interface FlowInfo {
  id: number;
  from: string;
  to: string;
  tag: string;
  background: boolean;
  rateBytesPerS: number;
  /** Infinity for a background flow. */
  remainingBytes: number;
}

/** Bytes moved so far, per host and per tag, and the cost of keeping the rates max-min fair. */
export interface NetworkStats {
  hosts: Record<string, { sentBytes: number; receivedBytes: number; localBytes: number }>;
  tags: Record<string, number>;
  transfersCompleted: number;
  /** Rate recomputations, and the flows they covered in total and at most (the cost of max-min sharing). */
  recomputations: number;
  recomputedFlows: number;
  recomputedFlowsMax: number;
}

/**
 * A transfer was aborted with `Network.abortTransfers` (its host was killed).
 *
 * @example
 * ```ts
 * try { await net.transfer({ from: "w0", to: "s2", bytes: 1e6 }); }
 * catch (e) { if (e instanceof TransferAbortedError) { // re-route to the promoted replica
 * } }
 * ```
 */
export class TransferAbortedError extends DsfabricError {
  constructor(message: string) {
    super(message);
    this.name = "TransferAbortedError";
  }
}
