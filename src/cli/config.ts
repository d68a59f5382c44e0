/**
 * Training config files: JSON holding the options of `fabric.train`, with the dataset and the model given by
 * name, and `--set path=value` overrides addressed by dotted path (`cluster.workers`, `faults.0.atMs`).
 * Loading checks the top-level keys, so that a typo fails before anything runs; the fields inside are
 * checked by `resolveConfig` and by `fabric.train` itself.
 */
import { TRAIN_OPTION_KEYS } from "../fabric/config.ts";
import { readFileSync } from "node:fs";
import { ArgumentError, FileFormatError } from "../core/errors.ts";

/** A JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
/** A JSON object. */
export interface JsonObject {
  [key: string]: JsonValue;
}

/** A training config: a JSON object whose top-level keys are among {@link CONFIG_KEYS}. */
export type TrainConfig = JsonObject;

/**
 * The top-level keys a config may hold: the options of `fabric.train` (with `dataset` instead of `data`)
 * and a free-text `description`.
 */
export const CONFIG_KEYS: readonly string[] = [
  "description",
  "dataset",
  // The driver's own option names, less those a JSON file cannot hold (data comes from `dataset`).
  ...TRAIN_OPTION_KEYS.filter((k) => !["data", "transport", "onProgress", "inspector"].includes(k)),
];

const isObject = (v: JsonValue | undefined): v is JsonObject =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function describe(v: JsonValue): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return `a list (${JSON.stringify(v)})`;
  return `${typeof v === "object" ? "an object" : `a ${typeof v}`} (${JSON.stringify(v)})`;
}

function checkKeys(where: string, config: JsonObject): void {
  for (const key of Object.keys(config)) {
    if (!CONFIG_KEYS.includes(key)) {
      throw new ArgumentError(`${where}: unknown key "${key}" (known keys: ${CONFIG_KEYS.join(", ")})`);
    }
  }
}

/**
 * Parses the text of a config file; `source` names it in errors.
 *
 * @example
 * ```ts
 * parseConfig('{ "seed": 7, "policy": "mlfabric" }', "quick.json"); // { seed: 7, policy: "mlfabric" }
 * parseConfig('{ "seeds": 7 }', "quick.json");
 * // throws ArgumentError: config quick.json: unknown key "seeds" (known keys: description, dataset, ...)
 * parseConfig("[1]", "quick.json"); // throws FileFormatError: config quick.json: must be a JSON object but is a list ([1])
 * ```
 */
export function parseConfig(text: string, source: string): TrainConfig {
  let value: JsonValue;
  try {
    value = JSON.parse(text) as JsonValue;
  } catch (e) {
    throw new FileFormatError(`config ${source}: not valid JSON: ${(e as Error).message}`, { cause: e });
  }
  if (!isObject(value)) {
    throw new FileFormatError(`config ${source}: must be a JSON object but is ${describe(value)}`);
  }
  checkKeys(`config ${source}`, value);
  return value;
}

/**
 * The value of a `--set`: JSON when it parses (`7`, `false`, `null`, `[1,2]`, `"7"`), else the text as a string.
 *
 * @example
 * ```ts
 * parseSetValue("48"); // 48
 * parseSetValue("false"); // false
 * parseSetValue("mlfabric"); // "mlfabric"
 * parseSetValue('"7"'); // "7"
 * ```
 */
export function parseSetValue(text: string): { value: JsonValue; json: boolean } {
  try {
    return { value: JSON.parse(text) as JsonValue, json: true };
  } catch {
    return { value: text, json: false };
  }
}

/**
 * Returns a copy of `config` with one `path=value` assignment applied. The path is dotted; a part that
 * meets a list is an index (`faults.0.atMs`; the list's length appends). Missing objects on the way are
 * created. The value is parsed by {@link parseSetValue}; text that is not JSON is refused where the config
 * holds a non-string, since it is almost always a typo (`--set seed=seven`).
 *
 * @example
 * ```ts
 * applySet({ cluster: { workers: 8 } }, "cluster.workers=48"); // { cluster: { workers: 48 } }
 * applySet({}, "network.background.enabled=false"); // { network: { background: { enabled: false } } }
 * applySet({ faults: [{ atMs: 1 }] }, "faults.0.atMs=500"); // { faults: [{ atMs: 500 }] }
 * applySet({}, "workers=4"); // throws ArgumentError: --set workers=4: unknown key "workers" (known keys: ...)
 * ```
 */
export function applySet(config: TrainConfig, assignment: string): TrainConfig {
  const where = `--set ${assignment}`;
  const eq = assignment.indexOf("=");
  if (eq < 0) throw new ArgumentError(`${where}: expected path=value, e.g. --set seed=7`);
  const parts = assignment.slice(0, eq).split(".");
  if (parts.some((p) => p.trim() === "")) {
    throw new ArgumentError(`${where}: the path "${assignment.slice(0, eq)}" has an empty part`);
  }
  if (!CONFIG_KEYS.includes(parts[0])) {
    throw new ArgumentError(`${where}: unknown key "${parts[0]}" (known keys: ${CONFIG_KEYS.join(", ")})`);
  }
  const text = assignment.slice(eq + 1);
  const { value, json } = parseSetValue(text);
  const out = structuredClone(config);
  let container: JsonObject | JsonValue[] = out;
  for (let k = 0; k < parts.length; k++) {
    const name = parts.slice(0, k + 1).join(".");
    const last = k === parts.length - 1;
    const key: string | number = Array.isArray(container)
      ? listIndex(where, parts.slice(0, k).join("."), container, parts[k])
      : parts[k];
    const current: JsonValue | undefined = Array.isArray(container)
      ? container[key as number]
      : container[key];
    if (last) {
      if (!json && current !== undefined && typeof current !== "string" && current !== null) {
        throw new ArgumentError(
          `${where}: ${name} holds ${describe(current)} but ${JSON.stringify(text)} is not a JSON value; write one (to set a string, quote it: ${parts.join(".")}='"${text}"')`,
        );
      }
      setEntry(container, key, value);
      break;
    }
    if (current === undefined) {
      const created: JsonObject = {};
      setEntry(container, key, created);
      container = created;
    } else if (typeof current === "object" && current !== null) {
      container = current;
    } else {
      throw new ArgumentError(`${where}: ${name} is ${describe(current)}, not an object or a list`);
    }
  }
  return out;
}

function listIndex(where: string, listName: string, list: JsonValue[], part: string): number {
  const range = list.length === 0 ? "it is empty" : `use 0..${list.length - 1}`;
  if (!/^\d+$/.test(part)) {
    throw new ArgumentError(
      `${where}: ${listName} is a list; "${part}" is not an index (${range}, or ${list.length} to append)`,
    );
  }
  const index = Number(part);
  if (index > list.length) {
    throw new ArgumentError(
      `${where}: ${listName} has ${list.length} entries; index ${index} is out of range (${range}, or ${list.length} to append)`,
    );
  }
  return index;
}

function setEntry(container: JsonObject | JsonValue[], key: string | number, value: JsonValue): void {
  if (Array.isArray(container)) container[key as number] = value;
  else container[key as string] = value;
}

/**
 * Applies `--set` assignments in order and checks the top-level keys again.
 *
 * @example
 * ```ts
 * applySets({ seed: 1 }, ["seed=7", "cluster.workers=48"]); // { seed: 7, cluster: { workers: 48 } }
 * ```
 */
export function applySets(config: TrainConfig, assignments: readonly string[]): TrainConfig {
  return assignments.reduce(applySet, config);
}

/**
 * Reads a config file and applies `--set` assignments.
 *
 * @example
 * ```ts
 * const config = loadConfig("examples/quick.json", ["seed=7", "delayBound=16"]);
 * config.seed; // 7
 * ```
 */
export function loadConfig(path: string, assignments: readonly string[] = []): TrainConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new FileFormatError(`config ${path}: cannot read it (${(e as Error).message})`, { cause: e });
  }
  return applySets(parseConfig(text, path), assignments);
}
