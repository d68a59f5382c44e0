/**
 * Float32 payloads (gradients, model slices) to and from frame bytes. On the wire a float32 vector is its
 * IEEE-754 bytes in little-endian order, bit for bit (NaN payloads and -0 included). On a little-endian
 * machine (every machine Node runs on in practice) both directions are zero-copy views whenever the bytes
 * are 4-aligned in their buffer, which the frame layout guarantees for a frame decoded in place from an
 * 8-aligned chunk; otherwise they copy.
 */
import { FrameError } from "./frameError.ts";

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * The bytes of a float32 vector, to send as a frame payload: a view of the same memory (no copy) on a
 * little-endian machine, so do not change `values` until the frame is written.
 *
 * @example
 * ```ts
 * const values = new Float32Array([1, -0.5]);
 * const bytes = float32ToPayload(values);
 * bytes.length; // 8
 * bytes.buffer === values.buffer; // true: a view
 * ```
 */
export function float32ToPayload(values: Float32Array): Uint8Array {
  if (!(values instanceof Float32Array)) {
    throw new FrameError("badPayload", `float32ToPayload: expected a Float32Array but got ${typeof values}`);
  }
  if (littleEndian) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const out = new Uint8Array(values.byteLength);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) dv.setFloat32(4 * i, values[i], true);
  return out;
}

/**
 * A frame payload read as float32 values: a view of the payload's memory when it is 4-aligned (no copy;
 * it aliases the frame, so copy it before changing it if the frame is shared), else a copy. Throws a
 * {@link FrameError} (`badPayload`) if the length is not a multiple of 4. An empty payload gives an empty
 * array.
 *
 * @example
 * ```ts
 * const frame = decodedFrames[0];
 * const gradient = payloadToFloat32(frame.payload); // Float32Array [1, -0.5]
 * ```
 */
export function payloadToFloat32(payload: Uint8Array): Float32Array {
  if (!(payload instanceof Uint8Array)) {
    throw new FrameError("badPayload", `payloadToFloat32: expected a Uint8Array but got ${typeof payload}`);
  }
  if (payload.byteLength % 4 !== 0) {
    throw new FrameError(
      "badPayload",
      `payloadToFloat32: a payload of ${payload.byteLength} bytes is not a whole number of float32 values (4 bytes each)`,
    );
  }
  const n = payload.byteLength / 4;
  if (littleEndian && payload.byteOffset % 4 === 0)
    return new Float32Array(payload.buffer, payload.byteOffset, n);
  const out = new Float32Array(n);
  if (littleEndian) {
    new Uint8Array(out.buffer).set(payload);
  } else {
    const dv = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
    for (let i = 0; i < n; i++) out[i] = dv.getFloat32(4 * i, true);
  }
  return out;
}
