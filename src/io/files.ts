/**
 * What every loader and writer does with paths: open errors in one line, output locations checked before any
 * work, and saves that never leave a partial file under the target's name (everything is written under a
 * temporary name in the target's folder, then renamed).
 */
import {
  mkdirSync,
  mkdtempSync,
  openSync,
  closeSync,
  renameSync,
  rmSync,
  statSync,
  type Stats,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { FileFormatError, TaskFailedError } from "../core/errors.ts";
import { describeValue } from "../core/options.ts";

const FS_CAUSES: Readonly<Record<string, string>> = {
  ENOENT: "no such file or folder",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EISDIR: "is a folder, not a file",
  ENOTDIR: "a part of the path is not a folder",
  ENOSPC: "no space left on the device",
  EROFS: "the file system is read-only",
  EMFILE: "too many open files",
  EEXIST: "a file is in the way",
};

/**
 * A file-system error in a few words (`permission denied`), from its code.
 *
 * @example
 * ```ts
 * describeFsError(Object.assign(new Error("x"), { code: "ENOENT" })); // "no such file or folder"
 * ```
 */
export function describeFsError(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === "string") return FS_CAUSES[code] ?? code;
  return e instanceof Error ? e.message : String(e);
}

/** `stat` of a file to read, or a one-line `FileFormatError` naming the path and the cause. */
export function statInput(op: string, path: string): Stats {
  let stats: Stats;
  try {
    stats = statSync(path);
    closeSync(openSync(path, "r"));
  } catch (e) {
    throw new FileFormatError(`${op}: cannot read ${path}: ${describeFsError(e)}`, { cause: e });
  }
  return stats;
}

/**
 * The error a load or save throws for a failed file task: the worker's own words (path, line and column, or
 * the system's cause) under the operation's name, in one line.
 */
export function fileTaskError(op: string, e: unknown): Error {
  const cause = e instanceof TaskFailedError ? e.cause : e;
  const why = cause instanceof Error ? cause.message : String(cause);
  return new FileFormatError(`${op}: ${why}`, { cause: e });
}

/** Folders whose files are not data: writing there hangs or fails in confusing ways. */
const SPECIAL_FOLDERS = ["/proc", "/sys", "/dev"];

/**
 * A save's output, checked before any work: the folder exists and is a folder, the target is not a folder
 * (unless `folder` is true: a block directory or a report) and not under /proc, /sys or /dev (with
 * `makeParents`, the folders above it are made first). `temporary` is a new,
 * empty folder beside the target that holds everything until `commit` renames it into place.
 *
 * @example
 * ```ts
 * const out = OutputTarget.create("ds.saveNpy", "x.npy", false);
 * try {
 *   writeFileSync(out.file("x.npy"), bytes);
 *   out.commit(out.file("x.npy"));
 * } finally {
 *   out.cleanUp();
 * }
 * ```
 */
export class OutputTarget {
  readonly path: string;
  readonly temporary: string;
  private readonly op: string;

  private constructor(op: string, path: string, temporary: string) {
    this.op = op;
    this.path = path;
    this.temporary = temporary;
  }

  static create(
    op: string,
    path: string,
    folder: boolean,
    options: { makeParents?: boolean } = {},
  ): OutputTarget {
    if (typeof path !== "string" || path.length === 0) {
      throw new FileFormatError(`${op}: path must be a non-empty string but was ${describeValue(path)}`);
    }
    const target = resolve(path);
    const special = SPECIAL_FOLDERS.find((f) => target === f || target.startsWith(`${f}/`));
    if (special !== undefined)
      throw new FileFormatError(`${op}: cannot write ${path}: ${special} holds no data files`);
    const parent = dirname(target);
    if (options.makeParents === true) {
      try {
        mkdirSync(parent, { recursive: true });
      } catch (e) {
        throw new FileFormatError(`${op}: cannot write ${path}: folder ${parent}: ${describeFsError(e)}`, {
          cause: e,
        });
      }
    }
    let parentStats: Stats;
    try {
      parentStats = statSync(parent);
    } catch (e) {
      throw new FileFormatError(`${op}: cannot write ${path}: folder ${parent}: ${describeFsError(e)}`, {
        cause: e,
      });
    }
    if (!parentStats.isDirectory())
      throw new FileFormatError(`${op}: cannot write ${path}: ${parent} is not a folder`);
    const existing = statOrUndefined(target);
    if (existing?.isDirectory() === true && !folder) {
      throw new FileFormatError(`${op}: cannot write ${path}: it is a folder`);
    }
    if (existing !== undefined && !existing.isDirectory() && folder) {
      throw new FileFormatError(`${op}: cannot write the folder ${path}: a file is there`);
    }
    let temporary: string;
    try {
      temporary = mkdtempSync(join(parent, `.${basename(target)}.tmp-`));
    } catch (e) {
      throw new FileFormatError(`${op}: cannot write in folder ${parent}: ${describeFsError(e)}`, {
        cause: e,
      });
    }
    return new OutputTarget(op, target, temporary);
  }

  /** A path inside the temporary folder. */
  file(name: string): string {
    return join(this.temporary, name);
  }

  /**
   * Renames `finished` (a file or folder inside the temporary folder) to the target. A folder replaces an
   * existing folder there only after the new one is complete.
   */
  commit(finished: string): void {
    try {
      const existing = statOrUndefined(this.path);
      if (existing?.isDirectory() === true) {
        const old = this.file(".replaced");
        renameSync(this.path, old);
        renameSync(finished, this.path);
      } else {
        renameSync(finished, this.path);
      }
    } catch (e) {
      throw new FileFormatError(`${this.op}: cannot write ${this.path}: ${describeFsError(e)}`, { cause: e });
    }
  }

  /** Removes the temporary folder and whatever is left in it (call in `finally`). */
  cleanUp(): void {
    rmSync(this.temporary, { recursive: true, force: true });
  }
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}
