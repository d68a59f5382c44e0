/**
 * The error of the wire codec (`frame.ts`): a frame that cannot be encoded, or a byte stream that is not a
 * valid sequence of frames.
 */
import { DsfabricError } from "../core/errors.ts";

/**
 * Why a frame was refused: `tooLarge` (over the size limit), `badMagic` / `badVersion` (the stream is not
 * ours, or lost sync), `badHeader` (not a JSON object in UTF-8), `badPayload` (a typed view of the wrong
 * length), `failed` (the decoder already failed or its callback threw: the stream cannot be resumed).
 */
export type FrameErrorCode = "tooLarge" | "badMagic" | "badVersion" | "badHeader" | "badPayload" | "failed";

/**
 * A frame was refused; `code` says why, `offsetBytes` where in the stream (bytes pushed before the frame).
 *
 * @example
 * ```ts
 * const decoder = new FrameDecoder(() => {}, { maxFrameBytes: 1024 });
 * try {
 *   decoder.push(encodeFrame({ op: "grad" }, new Uint8Array(4096)));
 * } catch (e) {
 *   if (e instanceof FrameError) e.code; // "tooLarge"
 * }
 * ```
 */
export class FrameError extends DsfabricError {
  readonly code: FrameErrorCode;
  readonly offsetBytes: number | undefined;
  constructor(
    code: FrameErrorCode,
    message: string,
    options: { offsetBytes?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "FrameError";
    this.code = code;
    this.offsetBytes = options.offsetBytes;
  }
}
