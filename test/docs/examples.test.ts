/**
 * Docs by example, executed: every ```ts block of README.md and docs/*.md runs as a program against the
 * sources. A statement ending in `// => value` must produce exactly that value; `// ~> value` within 2%.
 */
import { it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const sources = [
  "README.md",
  ...readdirSync(join(root, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];

const checker = `
function __same(got, want, approx) {
  if (typeof want === "number") {
    if (Number.isNaN(want)) return Number.isNaN(got);
    if (approx) return Math.abs(got - want) <= 0.02 * Math.max(1, Math.abs(want));
    return Object.is(got, want) || Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want));
  }
  if (Array.isArray(want)) return Array.isArray(got) && got.length === want.length && want.every((w, k) => __same(got[k], w, approx));
  return JSON.stringify(got) === JSON.stringify(want);
}
function __check(got, want, approx, where) {
  if (!__same(got, want, approx)) throw new Error(where + ": got " + JSON.stringify(got) + ", the docs say " + JSON.stringify(want));
}
`;

/** Turns `expr; // => value` lines into checks; everything else is kept as written. */
export function instrument(block: string, where: string): string {
  return block
    .split("\n")
    .map((line, k) => {
      const m = /^(\s*)(?:const \w+ = )?(.+?);\s*\/\/ ([=~])> (.+)$/.exec(line);
      if (m === null) return line;
      const [, indent, expr, kind, expected] = m;
      const decl = /^(\s*)const (\w+) = /.exec(line);
      const value = decl === null ? `(${expr})` : decl[2];
      const keep = decl === null ? "" : `${indent}const ${decl[2]} = ${expr};\n`;
      return `${keep}${indent}__check(${value}, ${expected}, ${kind === "~"}, ${JSON.stringify(`${where}:${k + 1}`)});`;
    })
    .join("\n");
}

function blocksOf(markdown: string): { code: string; line: number }[] {
  const out: { code: string; line: number }[] = [];
  const re = /^```ts\n([\s\S]*?)^```/gm;
  for (let m = re.exec(markdown); m !== null; m = re.exec(markdown)) {
    out.push({ code: m[1], line: markdown.slice(0, m.index).split("\n").length + 1 });
  }
  return out;
}

const dir = mkdtempSync(join(tmpdir(), "dsfabric-docs-"));
const entry = (sub: string) => JSON.stringify(join(root, "src", sub));

for (const file of sources) {
  const markdown = readFileSync(join(root, file), "utf8");
  for (const { code, line } of blocksOf(markdown)) {
    it(`${file}:${line} runs and prints what it says`, () => {
      const program =
        checker +
        instrument(code, `${file}:${line}`)
          .replaceAll(`from "dsfabric/ml"`, `from ${entry("ml/index.ts")}`)
          .replaceAll(`from "dsfabric"`, `from ${entry("index.ts")}`);
      const path = join(dir, `example-${file.replace(/\W/g, "_")}-${line}.mts`);
      writeFileSync(path, program);
      const r = spawnSync(process.execPath, ["--import", "tsx", path], {
        cwd: root,
        encoding: "utf8",
        timeout: 120_000,
      });
      assert.equal(r.status, 0, `${file}:${line} failed:\n${r.stderr}`);
    });
  }
}
