/**
 * The layer map of docs/architecture.md, enforced: imports between src/ folders point down only, and no
 * file imports itself back through a chain (no cycles, including inside a folder).
 */
import { it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const src = fileURLToPath(new URL("../../src", import.meta.url));

/** What each top-level folder may import (besides itself). `index.ts`/`internal.ts` at the root may import all. */
const allowed: Record<string, string[]> = {
  core: [],
  sim: ["core"],
  net: ["core", "sim"],
  runtime: ["core"],
  array: ["runtime", "core"],
  io: ["array", "runtime", "core"],
  ml: ["array", "io", "runtime", "core"],
  fabric: ["array", "io", "net", "sim", "runtime", "core"],
  cli: ["fabric", "ml", "io", "array", "net", "sim", "runtime", "core", "."],
  ".": ["fabric", "ml", "io", "array", "net", "sim", "runtime", "core"],
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : name.endsWith(".ts") ? [path] : [];
  });
}

/** Value imports only: `import type` and `export type` vanish at run time and cannot form a cycle. */
function imports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const out: string[] = [];
  const re = /^(?:import|export)\s+(?!type\b)(?:[^;]*?\sfrom\s+)?["'](\.[^"']+)["']/gm;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) out.push(resolve(dirname(file), m[1]));
  return out;
}

const layerOf = (file: string) => {
  const rel = relative(src, file).split("/");
  return rel.length === 1 ? "." : rel[0];
};

const all = files(src);
const graph = new Map(all.map((f) => [f, imports(f)]));

it("imports between folders point down the layer map", () => {
  const bad: string[] = [];
  for (const [file, deps] of graph) {
    const from = layerOf(file);
    for (const dep of deps) {
      const to = layerOf(dep);
      if (to !== from && !(allowed[from] ?? []).includes(to))
        bad.push(`${relative(src, file)} -> ${relative(src, dep)}`);
    }
  }
  assert.deepEqual(bad, [], `imports against the layer map:\n${bad.join("\n")}`);
});

it("no import cycles", () => {
  const state = new Map<string, "visiting" | "done">();
  const cycles: string[] = [];
  const visit = (file: string, path: string[]) => {
    if (state.get(file) === "done") return;
    if (state.get(file) === "visiting") {
      cycles.push([...path.slice(path.indexOf(file)), file].map((f) => relative(src, f)).join(" -> "));
      return;
    }
    state.set(file, "visiting");
    for (const dep of graph.get(file) ?? []) visit(dep, [...path, file]);
    state.set(file, "done");
  };
  for (const file of all) visit(file, []);
  assert.deepEqual(cycles, [], `import cycles:\n${cycles.join("\n")}`);
});

it("every relative import names an existing .ts file", () => {
  const missing = [...graph].flatMap(([file, deps]) =>
    deps.filter((d) => !graph.has(d)).map((d) => `${relative(src, file)} -> ${relative(src, d)}`),
  );
  assert.deepEqual(missing, []);
});
