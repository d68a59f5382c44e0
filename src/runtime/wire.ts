/**
 * Blocks and errors as they cross a thread boundary (the batch messages themselves are in batchCodec.ts).
 */
import { CsrMatrix } from "../core/csrMatrix.ts";
import { Matrix } from "../core/matrix.ts";

/** An error as it crosses a thread boundary (Error subclasses do not survive structured clone). */
export interface WireError {
  name: string;
  message: string;
  stack: string | undefined;
}

/** Moves a block into shared memory if a kernel produced it elsewhere, so that later hand-offs stay copy-free. */
export function shared(m: Matrix): Matrix {
  if (m.data.buffer instanceof SharedArrayBuffer) return m;
  const copy = Matrix.zeros(m.rows, m.cols);
  copy.data.set(m.data);
  return copy;
}

/** The same for a sparse block: its one buffer moves to shared memory. */
export function sharedSparse(s: CsrMatrix): CsrMatrix {
  if (s.raw.buffer instanceof SharedArrayBuffer) return s;
  const raw = new Int32Array(new SharedArrayBuffer(s.raw.byteLength));
  raw.set(s.raw);
  return CsrMatrix.fromRaw(s.rows, s.cols, raw);
}

export function errorToWire(e: unknown): WireError {
  if (e instanceof Error) return { name: e.name, message: e.message, stack: e.stack };
  return { name: "Error", message: String(e), stack: undefined };
}

export function errorFromWire(w: WireError): Error {
  const e = new Error(w.message);
  e.name = w.name;
  if (w.stack !== undefined) e.stack = w.stack;
  return e;
}
