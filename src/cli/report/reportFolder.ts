/**
 * The folder a report goes to (`--out` of train, compare and demo), checked before any loading or training
 * and written all at once. `prepareReport` refuses a location that cannot hold it (under /proc, /sys or
 * /dev, a file in the way, a folder that cannot be made or written, a folder that holds other files than a
 * report's) with a one-line error. `write` fills a temporary folder beside the target and renames it into
 * place, so that an interrupted run leaves the old report or the new one, never a mix of both.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { FileFormatError } from "../../core/errors.ts";
import { OutputTarget } from "../../io/files.ts";
import { writePlots } from "./plot.ts";
import { writeResults, type Results } from "./resultsJson.ts";
import { formatSummary, writeSummary } from "./summary.ts";

/** The files of a report. */
export interface ReportFiles {
  results: string;
  svg: string;
  png: string;
  summary: string;
}

/** What a report folder may hold already: the files of an earlier report, which the new one replaces. */
const REPORT_FILES = new Set(["results.json", "accuracy.svg", "accuracy.png", "summary.md"]);

/** A checked report location (see the file's comment); `discard` it in `finally`. */
export interface ReportTarget {
  /** Writes results.json, accuracy.svg/png and summary.md, and renames them into place together. */
  write(results: Results): Promise<ReportFiles>;
  /** Removes the temporary folder (after `write`, or when the run failed). */
  discard(): void;
}

/**
 * Checks `dir` as a report's folder and makes the folders above it; throws a one-line `FileFormatError`.
 *
 * @example
 * ```ts
 * const report = prepareReport("dsfabric compare", "out/compare"); // before training
 * try {
 *   await report.write(results);
 * } finally {
 *   report.discard();
 * }
 * ```
 */
export function prepareReport(op: string, dir: string): ReportTarget {
  const out = OutputTarget.create(op, dir, true, { makeParents: true });
  try {
    const others = existingEntries(out.path).filter((name) => !REPORT_FILES.has(name));
    if (others.length > 0) {
      throw new FileFormatError(
        `${op}: --out ${dir} holds other files than a report (${others.slice(0, 3).join(", ")}${others.length > 3 ? ", ..." : ""}), which the report would replace; choose a new folder or an earlier report's`,
      );
    }
  } catch (e) {
    out.cleanUp();
    throw e;
  }
  return {
    async write(results) {
      const staging = out.file("report");
      writeResults(staging, results);
      await writePlots(staging, results);
      writeSummary(staging, formatSummary(results));
      out.commit(staging);
      const at = (name: string) => join(dir, name);
      return {
        results: at("results.json"),
        svg: at("accuracy.svg"),
        png: at("accuracy.png"),
        summary: at("summary.md"),
      };
    },
    discard: () => out.cleanUp(),
  };
}

/** The names in folder `path`, none when it does not exist yet. */
function existingEntries(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}
