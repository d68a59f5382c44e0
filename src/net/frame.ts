/**
 * The wire codec of cluster mode, without I/O: a frame is a small JSON header (the message: who, what,
 * versions) plus a binary payload (a gradient, a model slice). The encoder returns bytes; the decoder takes
 * the bytes as they come off a socket, in chunks split anywhere, and calls back with each complete frame.
 *
 * Layout (lengths are unsigned 32-bit big-endian; padding bytes are zero):
 *
 * | offset              | bytes | content                                       |
 * | ------------------- | ----- | --------------------------------------------- |
 * | 0                   | 2     | magic `"DF"` (0x44 0x46)                      |
 * | 2                   | 1     | version (1)                                   |
 * | 3                   | 1     | reserved (0)                                  |
 * | 4                   | 4     | header length `h` (UTF-8 JSON of an object)   |
 * | 8                   | 4     | payload length `p`                            |
 * | 12                  | `h`   | header, then padding to a multiple of 8       |
 * | align8(12 + h)      | `p`   | payload, then padding to a multiple of 8      |
 *
 * Every frame's size and its payload's offset are multiples of 8, so a payload decoded in place from a chunk
 * that starts 8-aligned (a fresh socket buffer) can be viewed as a `Float32Array`/`Float64Array` without a
 * copy (see `float32Payload.ts`).
 */
import { ArgumentError } from "../core/errors.ts";
import { FrameError } from "./frameError.ts";
import { describeValue } from "../core/options.ts";

/** One decoded message. `payload` may be a view of the pushed chunk (see {@link FrameDecoderOptions}). */
export interface Frame {
  header: Record<string, unknown>;
  payload: Uint8Array;
}

/** Size limits, checked by the encoder and, before buffering anything, by the decoder. */
export interface FrameLimits {
  /** Largest whole frame, padding included (default 64 MiB). */
  maxFrameBytes?: number;
  /** Largest header (default 64 KiB). */
  maxHeaderBytes?: number;
}

/** Options of a {@link FrameDecoder}. */
export interface FrameDecoderOptions extends FrameLimits {
  /**
   * Copy each payload out of the pushed chunk (default false: a frame that lies whole inside one chunk
   * gets a zero-copy view of it, so the caller must not reuse a chunk's memory after pushing it).
   */
  copyPayloads?: boolean;
}

/** Bytes before the header: magic, version, reserved, header length, payload length. */
export const framePreludeBytes = 12;
/** The format version this codec writes and reads. */
export const frameVersion = 1;
export const defaultMaxFrameBytes = 64 * 1024 * 1024;
export const defaultMaxHeaderBytes = 64 * 1024;

const magic0 = 0x44; // "D"
const magic1 = 0x46; // "F"
const u32Max = 0xffff_ffff;
const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder("utf-8", { fatal: true });

const align8 = (n: number): number => Math.ceil(n / 8) * 8;

/** The size of a frame with an `h`-byte header and a `p`-byte payload, padding included. */
export function frameBytes(headerBytes: number, payloadBytes: number): number {
  return align8(align8(framePreludeBytes + headerBytes) + payloadBytes);
}

/** Validated limits (internal to the codec). */
export interface ResolvedFrameLimits {
  maxFrameBytes: number;
  maxHeaderBytes: number;
}

/** The lengths a prelude announces (internal to the codec). */
export interface FramePrelude {
  headerBytes: number;
  payloadBytes: number;
  frameBytes: number;
  payloadOffset: number;
}

/** Checks limits given by a caller; `op` names the caller in the error. */
export function limitsOf(op: string, limits: FrameLimits): ResolvedFrameLimits {
  const maxFrameBytes = limits.maxFrameBytes ?? defaultMaxFrameBytes;
  const maxHeaderBytes = limits.maxHeaderBytes ?? defaultMaxHeaderBytes;
  for (const [name, v] of [
    ["maxFrameBytes", maxFrameBytes],
    ["maxHeaderBytes", maxHeaderBytes],
  ] as const) {
    if (!Number.isInteger(v) || v < 16) {
      throw new ArgumentError(`${op}: ${name} must be an integer >= 16 but was ${String(v)}`);
    }
  }
  return { maxFrameBytes, maxHeaderBytes };
}

function readU32(b: Uint8Array, at: number): number {
  return b[at] * 0x100_0000 + ((b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]);
}

/**
 * Reads and checks the 12-byte prelude at `b[at..]` (internal to the codec): throws a FrameError for a bad
 * magic or version or a frame over the limits, before any of the frame is buffered. `offsetBytes` is the
 * frame's position in the stream, for the message.
 */
export function readPrelude(
  b: Uint8Array,
  at: number,
  limits: ResolvedFrameLimits,
  offsetBytes: number,
): FramePrelude {
  const where = `at stream offset ${offsetBytes}`;
  if (b[at] !== magic0 || b[at + 1] !== magic1) {
    const got = `0x${b[at].toString(16).padStart(2, "0")}${b[at + 1].toString(16).padStart(2, "0")}`;
    throw new FrameError(
      "badMagic",
      `FrameDecoder: expected the frame magic 0x4446 ("DF") ${where} but got ${got}: not a dsfabric stream, or bytes were lost`,
      { offsetBytes },
    );
  }
  if (b[at + 2] !== frameVersion) {
    throw new FrameError(
      "badVersion",
      `FrameDecoder: frame version ${b[at + 2]} ${where}; this codec reads version ${frameVersion}`,
      { offsetBytes },
    );
  }
  const headerBytes = readU32(b, at + 4);
  const payloadBytes = readU32(b, at + 8);
  if (headerBytes > limits.maxHeaderBytes) {
    throw new FrameError(
      "tooLarge",
      `FrameDecoder: a header of ${headerBytes} bytes ${where}, over maxHeaderBytes=${limits.maxHeaderBytes}`,
      { offsetBytes },
    );
  }
  if (headerBytes < 2) {
    throw new FrameError(
      "badHeader",
      `FrameDecoder: a header of ${headerBytes} bytes ${where}; a JSON object takes at least 2`,
      { offsetBytes },
    );
  }
  const size = frameBytes(headerBytes, payloadBytes);
  if (size > limits.maxFrameBytes) {
    throw new FrameError(
      "tooLarge",
      `FrameDecoder: a frame of ${size} bytes (payload ${payloadBytes}) ${where}, over maxFrameBytes=${limits.maxFrameBytes}`,
      { offsetBytes },
    );
  }
  return {
    headerBytes,
    payloadBytes,
    frameBytes: size,
    payloadOffset: align8(framePreludeBytes + headerBytes),
  };
}

/** Parses the header of a whole frame at `b[at..]` (internal to the codec). */
export function readHeader(
  b: Uint8Array,
  at: number,
  prelude: FramePrelude,
  offsetBytes: number,
): Record<string, unknown> {
  const start = at + framePreludeBytes;
  let header: unknown;
  try {
    header = JSON.parse(utf8Decoder.decode(b.subarray(start, start + prelude.headerBytes)));
  } catch (cause) {
    throw new FrameError(
      "badHeader",
      `FrameDecoder: the header at stream offset ${offsetBytes} is not UTF-8 JSON`,
      { offsetBytes, cause },
    );
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) {
    throw new FrameError(
      "badHeader",
      `FrameDecoder: the header at stream offset ${offsetBytes} is ${describeValue(header)}, not a JSON object`,
      { offsetBytes },
    );
  }
  return header as Record<string, unknown>;
}

function writeU32(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 24;
  b[at + 1] = (v >>> 16) & 0xff;
  b[at + 2] = (v >>> 8) & 0xff;
  b[at + 3] = v & 0xff;
}

/**
 * A frame as parts to write one after another (e.g. with `socket.cork()` or `writev`) without copying the
 * payload: the prelude and header (padded), the payload itself, and its padding (omitted when empty).
 *
 * @example
 * ```ts
 * const parts = encodeFrameParts({ op: "grad", worker: 3 }, float32ToPayload(gradient));
 * socket.cork(); for (const p of parts) socket.write(p); socket.uncork();
 * ```
 */
export function encodeFrameParts(
  header: object,
  payload: Uint8Array,
  limits: FrameLimits = {},
): Uint8Array[] {
  const op = "encodeFrame";
  const { maxFrameBytes, maxHeaderBytes } = limitsOf(op, limits);
  if (typeof header !== "object" || header === null || Array.isArray(header)) {
    throw new FrameError(
      "badHeader",
      `${op}: the header must be a plain object but was ${describeValue(header)}`,
    );
  }
  if (!(payload instanceof Uint8Array)) {
    throw new FrameError(
      "badPayload",
      `${op}: the payload must be a Uint8Array but was ${describeValue(payload)}`,
    );
  }
  let json: string;
  try {
    json = JSON.stringify(header);
  } catch (cause) {
    throw new FrameError("badHeader", `${op}: the header cannot be written as JSON`, { cause });
  }
  const headerUtf8 = utf8Encoder.encode(json);
  const h = headerUtf8.length;
  const p = payload.length;
  if (h > maxHeaderBytes) {
    throw new FrameError(
      "tooLarge",
      `${op}: the header has ${h} bytes of JSON, over maxHeaderBytes=${maxHeaderBytes}`,
    );
  }
  const size = frameBytes(h, p);
  if (size > maxFrameBytes || p > u32Max) {
    throw new FrameError(
      "tooLarge",
      `${op}: the frame would have ${size} bytes (payload ${p}), over maxFrameBytes=${maxFrameBytes}; split the payload or raise the limit on both ends`,
    );
  }
  const payloadOffset = align8(framePreludeBytes + h);
  const head = new Uint8Array(payloadOffset);
  head[0] = magic0;
  head[1] = magic1;
  head[2] = frameVersion;
  writeU32(head, 4, h);
  writeU32(head, 8, p);
  head.set(headerUtf8, framePreludeBytes);
  const tail = size - payloadOffset - p;
  const parts: Uint8Array[] = [head];
  if (p > 0) parts.push(payload);
  if (tail > 0) parts.push(new Uint8Array(tail));
  return parts;
}

/**
 * Encodes one frame into a new buffer (the payload is copied once).
 *
 * @example
 * ```ts
 * const bytes = encodeFrame({ op: "grad", worker: 3 }, new Uint8Array([1, 2, 3]));
 * bytes.length; // 48: 12 prelude + 24 header bytes, payload at 40, 3 payload bytes padded to 48
 * ```
 */
export function encodeFrame(header: object, payload: Uint8Array, limits: FrameLimits = {}): Uint8Array {
  const parts = encodeFrameParts(header, payload, limits);
  let size = 0;
  for (const part of parts) size += part.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
