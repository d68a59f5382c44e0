/**
 * The loader cases' input files, made once with NumPy (so that both sides read the same bytes, written by an
 * independent writer) and kept in the system's temporary folder between runs. A file is written under a
 * temporary name and renamed, so an interrupted run never leaves a short file behind to be reused.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { CaseSpec } from "./cases.ts";
import { PYTHON } from "./peers.ts";

const MAKE = `
import sys, os, numpy as np
kind, path, rows, cols, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
tmp = path + ".partial"
if kind in ("load-svmlight", "sparse-matmul"):
    import scipy.sparse as sp
    from sklearn.datasets import dump_svmlight_file
    x = sp.random(rows, cols, density=float(sys.argv[6]), random_state=seed, format="csr", dtype=np.float64)
    y = np.random.default_rng(seed).integers(0, 2, rows)
    dump_svmlight_file(x, y, tmp, zero_based=False)
    os.replace(tmp, path)
    sys.exit(0)
if kind == "logistic-regression":
    from sklearn.datasets import make_classification
    x, y = make_classification(n_samples=rows, n_features=cols, random_state=seed)
    # y first: x's name is the one checked for, so both exist once it does.
    ypath = path[: -len(".npy")] + ".y.npy"
    with open(ypath + ".partial", "wb") as f:
        np.save(f, y.reshape(-1, 1).astype(np.float64))
    os.replace(ypath + ".partial", ypath)
    with open(tmp, "wb") as f:
        np.save(f, x)
    os.replace(tmp, path)
    sys.exit(0)
a = np.random.default_rng(seed).random((rows, cols))
if kind == "load-csv":
    np.savetxt(tmp, a, delimiter=",", fmt="%.10f")
else:
    with open(tmp, "wb") as f:
        np.save(f, a)
os.replace(tmp, path)
`;

/** Makes every missing input file of `cases`; returns a line per file made. */
export function ensureFiles(cases: readonly CaseSpec[], log: (msg: string) => void): void {
  for (const c of cases) {
    if (c.file === undefined || existsSync(c.file)) continue;
    mkdirSync(dirname(c.file), { recursive: true });
    log(`making ${c.file} for ${c.name} ...`);
    execFileSync(
      PYTHON,
      [
        "-c",
        MAKE,
        c.kind,
        c.file,
        String(c.shape[0]),
        String(c.shape[1]),
        String(c.seed),
        String(c.density ?? 0),
      ],
      { stdio: ["ignore", "inherit", "inherit"] },
    );
  }
}
