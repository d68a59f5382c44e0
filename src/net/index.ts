/**
 * Transports behind one interface (`Transport`): simulated on the discrete-event engine's virtual clock,
 * emulated in real time over the same link model, and the wire codec for the socket transport of cluster
 * mode. The fabric imports from here.
 */
export type { Delivery, HostId, TransferSpec, Transport } from "./transport.ts";
export type { SimTransport, SimTransportOptions } from "./simTransport.ts";
export { createSimTransport } from "./simTransport.ts";
export type { RealTimeSchedulerOptions } from "./realTimeScheduler.ts";
export { RealTimeScheduler, realTimeEarlyMs } from "./realTimeScheduler.ts";
export type { EmulatedTransport, EmulatedTransportOptions } from "./emulatedTransport.ts";
export { createEmulatedTransport } from "./emulatedTransport.ts";
export type { Frame, FrameDecoderOptions, FrameLimits } from "./frame.ts";
export {
  defaultMaxFrameBytes,
  defaultMaxHeaderBytes,
  encodeFrame,
  encodeFrameParts,
  frameBytes,
  framePreludeBytes,
  frameVersion,
} from "./frame.ts";
export { FrameDecoder } from "./frameDecoder.ts";
export type { FrameErrorCode } from "./frameError.ts";
export { FrameError } from "./frameError.ts";
export { float32ToPayload, payloadToFloat32 } from "./float32Payload.ts";
