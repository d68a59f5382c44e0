/**
 * Dense helpers for the distributed linear-algebra tests: seeded random matrices (continuous values, so that
 * random draws are full rank and reasonably conditioned), products and error measures on `number[][]`, and
 * NumPy references through `pythonJson`.
 */
import { execFileSync } from "node:child_process";
import fc from "fast-check";
import { blockingArb, type Blocking } from "./irregular.ts";
import type { Dense } from "./dense.ts";

/** m x n values uniform on [-1, 1) from a small LCG seeded by `seed` (reproducible without fast-check). */
export function seededMatrix(m: number, n: number, seed: number): Dense {
  let state = (seed * 2654435761 + 12345) >>> 0;
  const next = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  return Array.from({ length: m }, () => Array.from({ length: n }, () => 2 * next() - 1));
}

/** A shape within the bounds, a random blocking of it and a seed for its values. */
export function caseArb(
  rows: [number, number],
  cols: [number, number],
  constrain: (m: number, n: number) => boolean = () => true,
): fc.Arbitrary<{ m: number; n: number; blocking: Blocking; seed: number }> {
  return fc
    .tuple(fc.integer({ min: rows[0], max: rows[1] }), fc.integer({ min: cols[0], max: cols[1] }))
    .filter(([m, n]) => constrain(m, n))
    .chain(([m, n]) =>
      fc.record({
        m: fc.constant(m),
        n: fc.constant(n),
        blocking: blockingArb(m, n),
        seed: fc.integer({ min: 0, max: 2 ** 30 }),
      }),
    );
}

export function product(a: Dense, b: Dense): Dense {
  const k = b.length;
  return a.map((row) =>
    Array.from({ length: b[0].length }, (_, j) => {
      let s = 0;
      for (let t = 0; t < k; t++) s += row[t] * b[t][j];
      return s;
    }),
  );
}

export function transpose(a: Dense): Dense {
  return a[0].map((_, j) => a.map((row) => row[j]));
}

/** max |a - b| over all elements (shapes must agree). */
export function maxDiff(a: Dense, b: Dense): number {
  if (a.length !== b.length || a[0].length !== b[0].length) {
    throw new Error(`shapes differ: ${a.length}x${a[0].length} vs ${b.length}x${b[0].length}`);
  }
  let worst = 0;
  a.forEach((row, i) => row.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - b[i][j])))));
  return worst;
}

/** max |a| over all elements. */
export function maxAbs(a: Dense): number {
  return Math.max(...a.map((row) => Math.max(...row.map(Math.abs))));
}

/** max |QᵀQ - I|: how far the columns of q are from orthonormal. */
export function orthogonalityError(q: Dense): number {
  const g = product(transpose(q), q);
  return maxDiff(
    g,
    g.map((row, i) => row.map((_, j) => (i === j ? 1 : 0))),
  );
}

/** a · diag(s) · bᵀ. */
export function usvt(u: Dense, s: ArrayLike<number>, v: Dense): Dense {
  return product(
    u.map((row) => row.map((x, j) => x * s[j])),
    transpose(v),
  );
}

/**
 * Runs a NumPy script with /usr/bin/python3; the matrices arrive on its standard input (no argument-size
 * limit) as `args`, a list of float arrays; the script prints JSON.
 */
export function numpy<T>(script: string, ...matrices: Dense[]): T {
  const out = execFileSync(
    "/usr/bin/python3",
    [
      "-c",
      `import sys, json\nimport numpy as np\nargs = [np.array(m, dtype=float) for m in json.load(sys.stdin)]\n${script}`,
    ],
    { input: JSON.stringify(matrices), encoding: "utf8", maxBuffer: 1 << 28 },
  );
  return JSON.parse(out) as T;
}

/**
 * Python source defining `ill(m, n, decades, seed)`: a matrix with singular values logspace(0, -decades, n)
 * and random singular vectors (NumPy's seeded generator), returned with its singular values. Prepend it to
 * a `numpy` script to build the ill-conditioned case in the same Python run as its references.
 */
export const PY_ILL_CONDITIONED = `
def ill(m, n, decades, seed):
    rng = np.random.default_rng(seed)
    u, _ = np.linalg.qr(rng.standard_normal((m, n)))
    v, _ = np.linalg.qr(rng.standard_normal((n, n)))
    s = np.logspace(0, -decades, n)
    return (u * s) @ v.T, s
`;

/** A matrix with singular values logspace(0, -decades, n) and random singular vectors (NumPy, seeded). */
export function illConditioned(
  m: number,
  n: number,
  decades: number,
  seed: number,
): { a: Dense; s: number[] } {
  return numpy(
    `${PY_ILL_CONDITIONED}
a, s = ill(${m}, ${n}, ${decades}, ${seed})
print(json.dumps({"a": a.tolist(), "s": s.tolist()}))`,
  );
}

/** `make()` on first call, the same value after (a NumPy reference shared by every executor's suite). */
export function once<T>(make: () => T): () => T {
  let value: { v: T } | undefined;
  return () => (value ??= { v: make() }).v;
}
