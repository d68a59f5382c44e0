/**
 * The streaming half of the wire codec: bytes in, in chunks cut anywhere; whole frames out, to a callback.
 * No I/O: a socket's `data` handler pushes into it, and a test pushes every split of a message (STYLE
 * habit 14). A frame that lies whole inside one chunk is emitted without copying (its payload is a view of
 * the chunk); a frame that spans chunks is assembled once into a buffer of exactly its size, allocated when
 * its 12-byte prelude is complete and checked against the limits, so an oversized frame is refused before
 * a byte of it is buffered.
 */
import { assert } from "../core/assert.ts";
import type { Frame, FrameDecoderOptions, FramePrelude, ResolvedFrameLimits } from "./frame.ts";
import { framePreludeBytes, limitsOf, readHeader, readPrelude } from "./frame.ts";
import { FrameError } from "./frameError.ts";

/**
 * Decodes a stream of frames. `push` throws a {@link FrameError} on a malformed or oversized frame; the
 * frames before it in the stream have been emitted, none after. After an error, or if `onFrame` throws
 * (its error propagates unchanged), the decoder is failed: the stream cannot be resynchronised, and every
 * later `push` throws a FrameError with code `"failed"` whose `cause` is the first error.
 *
 * @example
 * ```ts
 * const frames: Frame[] = [];
 * const decoder = new FrameDecoder((f) => frames.push(f));
 * const bytes = encodeFrame({ op: "grad", worker: 3 }, new Uint8Array([1, 2, 3]));
 * decoder.push(bytes.subarray(0, 5)); // nothing yet
 * decoder.push(bytes.subarray(5));
 * frames[0].header; // { op: "grad", worker: 3 }
 * frames[0].payload; // Uint8Array [1, 2, 3]
 * decoder.bufferedBytes; // 0: nothing left over
 * ```
 */
export class FrameDecoder {
  private readonly limits: ResolvedFrameLimits;
  private readonly copyPayloads: boolean;
  // A prelude split across chunks is gathered here first.
  private readonly prelude = new Uint8Array(framePreludeBytes);
  private preludeFill = 0;
  // A frame split across chunks is assembled here, once its prelude has been checked.
  private partial: { bytes: Uint8Array; fill: number; prelude: FramePrelude } | undefined;
  private streamOffset = 0; // bytes of the stream before the frame being decoded
  private framesDecoded = 0;
  private failure: unknown;
  private failed = false;

  constructor(
    private readonly onFrame: (frame: Frame) => void,
    options: FrameDecoderOptions = {},
  ) {
    this.limits = limitsOf("FrameDecoder", options);
    this.copyPayloads = options.copyPayloads ?? false;
  }

  /** Frames emitted so far. */
  get frames(): number {
    return this.framesDecoded;
  }

  /** Bytes of an incomplete frame held between pushes. */
  get bufferedBytes(): number {
    return this.preludeFill + (this.partial?.fill ?? 0);
  }

  /** Feeds the next bytes of the stream (any length, including 0); emits every frame they complete. */
  push(chunk: Uint8Array): void {
    if (this.failed) {
      throw new FrameError("failed", "FrameDecoder: the stream already failed; open a new one", {
        offsetBytes: this.streamOffset,
        cause: this.failure,
      });
    }
    if (!(chunk instanceof Uint8Array)) {
      throw new FrameError(
        "badPayload",
        `FrameDecoder.push: expected a Uint8Array chunk but got ${typeof chunk}`,
      );
    }
    try {
      this.consume(chunk);
    } catch (error) {
      this.failed = true;
      this.failure = error;
      this.partial = undefined;
      this.preludeFill = 0;
      throw error;
    }
  }

  private consume(chunk: Uint8Array): void {
    const n = chunk.length;
    let pos = 0;
    while (pos < n) {
      const partial = this.partial;
      if (partial !== undefined) {
        const take = Math.min(partial.bytes.length - partial.fill, n - pos);
        partial.bytes.set(chunk.subarray(pos, pos + take), partial.fill);
        partial.fill += take;
        pos += take;
        if (partial.fill === partial.bytes.length) {
          this.partial = undefined;
          this.emit(partial.bytes, 0, partial.prelude, false);
        }
      } else if (this.preludeFill > 0 || n - pos < framePreludeBytes) {
        const take = Math.min(framePreludeBytes - this.preludeFill, n - pos);
        this.prelude.set(chunk.subarray(pos, pos + take), this.preludeFill);
        this.preludeFill += take;
        pos += take;
        if (this.preludeFill === framePreludeBytes) {
          const prelude = readPrelude(this.prelude, 0, this.limits, this.streamOffset);
          this.preludeFill = 0;
          this.startPartial(prelude, this.prelude);
        }
      } else {
        const prelude = readPrelude(chunk, pos, this.limits, this.streamOffset);
        if (n - pos >= prelude.frameBytes) {
          this.emit(chunk, pos, prelude, true);
          pos += prelude.frameBytes;
        } else {
          this.startPartial(prelude, chunk.subarray(pos, pos + framePreludeBytes));
          pos += framePreludeBytes;
        }
      }
    }
  }

  private startPartial(prelude: FramePrelude, preludeBytes: Uint8Array): void {
    // A header takes at least 2 bytes (readPrelude checks), so the frame is never complete with its prelude.
    assert(prelude.frameBytes > framePreludeBytes, () => "FrameDecoder: a frame no longer than its prelude");
    const bytes = new Uint8Array(prelude.frameBytes);
    bytes.set(preludeBytes);
    this.partial = { bytes, fill: framePreludeBytes, prelude };
  }

  private emit(b: Uint8Array, at: number, prelude: FramePrelude, borrowed: boolean): void {
    const header = readHeader(b, at, prelude, this.streamOffset);
    const start = at + prelude.payloadOffset;
    const view = b.subarray(start, start + prelude.payloadBytes);
    const payload = borrowed && this.copyPayloads ? view.slice() : view;
    this.streamOffset += prelude.frameBytes;
    this.framesDecoded++;
    this.onFrame({ header, payload });
  }
}
