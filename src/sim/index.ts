/**
 * The discrete-event simulator: virtual clock, seeded randomness, the max-min fair network model, traffic
 * and compute traces, fault injection and the event trace. The fabric and the simulated transport import
 * from here.
 */
export type { Clock } from "./clock.ts";
export { realClock } from "./clock.ts";
export type { EventScheduler } from "./eventScheduler.ts";
export { Rng } from "./rng.ts";
export type { RunOptions, SimulatorOptions, TimerId } from "./simulator.ts";
export { SimulationError, Simulator } from "./simulator.ts";
export type { MaxMinFlow } from "./maxMinFair.ts";
export { maxMinFair } from "./maxMinFair.ts";
export type {
  FlowHandle,
  FlowInfo,
  HostSpec,
  NetworkOptions,
  NetworkStats,
  TransferRequest,
  TransferResult,
} from "./network.ts";
export { Network, TransferAbortedError } from "./network.ts";
export type {
  BackgroundTraffic,
  BackgroundTrafficOptions,
  ComputeModel,
  ComputeModelOptions,
  SlowHosts,
  SlowHostsOptions,
} from "./traces.ts";
export { backgroundTraffic, computeModel, slowHosts } from "./traces.ts";
export type { Fault, FaultHandlers, FaultRole, KillFault, PartitionFault } from "./faults.ts";
export { scheduleFaults, validateFaults } from "./faults.ts";
export type {
  CapacityEvent,
  EventLogOptions,
  FaultEvent,
  FlowEndEvent,
  FlowStartEvent,
  NoteEvent,
  PartitionEvent,
  SimEvent,
} from "./events.ts";
export { EventLog, formatEvent } from "./events.ts";
