/**
 * Typed errors. Every error dsfabric throws on purpose is a `DsfabricError`; each subclass sets `name`
 * so that `err.name` and `instanceof` both work across worker threads (where only name and message travel).
 */

/** Base class of every error dsfabric raises on purpose. */
export class DsfabricError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "DsfabricError";
  }
}

/** An argument has the wrong value or type (block size <= 0, non-integer, unknown option). */
export class ArgumentError extends DsfabricError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ArgumentError";
  }
}

/** Shapes do not fit together (matmul inner dimensions, broadcasting, ragged input). */
export class ShapeError extends DsfabricError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ShapeError";
  }
}

/** An index or slice bound falls outside the array. */
export class IndexError extends DsfabricError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "IndexError";
  }
}

/** A task failed on a worker; `cause` is the worker's error. Every future depending on it rejects with this. */
export class TaskFailedError extends DsfabricError {
  readonly op: string;
  readonly blockIndex: readonly number[] | undefined;
  constructor(op: string, blockIndex: readonly number[] | undefined, cause: unknown) {
    const where = blockIndex === undefined ? "" : ` at block [${blockIndex.join(", ")}]`;
    const why = cause instanceof Error ? cause.message : String(cause);
    super(`${op} failed${where}: ${why}`, { cause });
    this.name = "TaskFailedError";
    this.op = op;
    this.blockIndex = blockIndex;
  }
}

/** The runtime was used after `shutdown()` or an array after `dispose()`. */
export class RuntimeStateError extends DsfabricError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "RuntimeStateError";
  }
}

/** A file could not be read or parsed; the message names path, line and column. */
export class FileFormatError extends DsfabricError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "FileFormatError";
  }
}

/** A linear-algebra routine could not complete (matrix not positive definite, singular, no convergence). */
export class LinalgError extends DsfabricError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "LinalgError";
  }
}

/**
 * A resource limit would be passed: more blocks than `maxBlocks`, more bytes than the memory limit, or a
 * block the system could not allocate. The message names the shape, block size and what was needed.
 */
export class ResourceError extends DsfabricError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ResourceError";
  }
}

/** An estimator was used (predict, transform, score, toJSON) before `fit`. */
export class NotFittedError extends DsfabricError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "NotFittedError";
  }
}
