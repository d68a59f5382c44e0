import { it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { LineReader } from "../../src/core/kernels/io/lineReader.ts";

const dir = mkdtempSync(join(tmpdir(), "dsfabric-lines-"));
let n = 0;

/** The lines that start in [start, end) of `text`, as LineReader should give them. */
function expected(text: string, start: number, end: number): string[] {
  const out: string[] = [];
  let at = 0;
  for (const raw of text.split("\n")) {
    if (at >= start && at < end && !(raw === "" && at === text.length)) out.push(raw.replace(/\r$/, ""));
    at += raw.length + 1;
  }
  return out;
}

function read(file: string, start: number, end: number): { lines: string[]; offsets: number[] } {
  const r = new LineReader(file, start, end);
  const lines: string[] = [];
  const offsets: number[] = [];
  try {
    while (r.next()) {
      lines.push(Buffer.from(r.bytes.subarray(r.lineStart, r.lineEnd)).toString("latin1"));
      offsets.push(r.lineOffset);
    }
  } finally {
    r.close();
  }
  return { lines, offsets };
}

it("LineReader gives the lines starting in its range, CRLF and a last line without newline included", () => {
  fc.assert(
    fc.property(
      fc.array(fc.stringMatching(/^[a-c ,\r]{0,12}$/), { maxLength: 40 }),
      fc.boolean(),
      fc.nat(),
      fc.nat(),
      (lines, trailing, a, b) => {
        const text = lines.join("\n") + (trailing && lines.length > 0 ? "\n" : "");
        const file = join(dir, `${n++}.txt`);
        writeFileSync(file, text, "latin1");
        // Ranges start at line starts, as the text loader cuts them.
        const starts = [0];
        for (let k = 0; k < text.length; k++) if (text[k] === "\n" && k + 1 < text.length) starts.push(k + 1);
        const start = starts[a % starts.length];
        const end = Math.max(start, Math.min(text.length, start + (b % (text.length + 1))));
        const got = read(file, start, end);
        assert.deepEqual(got.lines, expected(text, start, end));
        for (let k = 0; k < got.offsets.length; k++)
          assert.ok(got.offsets[k] >= start && got.offsets[k] < end);
      },
    ),
    { numRuns: 300 },
  );
});

it("LineReader grows its buffer for a line longer than a chunk", () => {
  const long = "x".repeat(700_000);
  const file = join(dir, "long.txt");
  writeFileSync(file, `a\n${long}\r\nb`);
  const got = read(file, 0, long.length + 6);
  assert.deepEqual(
    got.lines.map((l) => l.length),
    [1, 700_000, 1],
  );
  assert.deepEqual(got.offsets, [0, 2, long.length + 4]);
});
