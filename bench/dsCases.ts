/**
 * The dsfabric side of each case (bench/cases.ts): its inputs, generated and awaited before the clock
 * starts, and the timed operation on them. Throws at build time if the library lacks a method a case needs,
 * so the case reports "dsfabric not available (...)" instead of failing mid-run.
 */
import type { CaseSpec } from "./cases.ts";
import type { BenchArray, BenchMatrix, DsfabricApi } from "./dsapi.ts";
import { collectGarbage } from "./gc.ts";
import { LOOP_RSS_LIMIT_BYTES, rssBytes } from "./memory.ts";
import type { LoopRecord } from "./memory.ts";

export interface DsfabricCase {
  readonly inputs: BenchArray[];
  /**
   * Runs the operation. An array result still has to be waited for (the harness's barrier); null means the
   * result was already awaited (a number, a gathered Matrix, or waves that persist as they go).
   */
  run(): Promise<BenchArray | null>;
  /** gram-loop: RSS after each round of the last run, and after a forced main-thread GC at its end. */
  readonly loopRss?: LoopRecord;
  /** Work before the clock starts that is not an array to wait for (loading a file). */
  prepare?(): Promise<void>;
  /** How the case was expressed when the library offered a choice (reported as a note). */
  readonly variant?: string;
}

function need(x: BenchArray, methods: readonly string[]): void {
  const rec = x as unknown as Record<string, unknown>;
  const missing = methods.filter((m) => !(m in rec) || (m !== "T" && typeof rec[m] !== "function"));
  if (missing.length > 0) throw new Error(`DsArray lacks ${missing.map((m) => `.${m}`).join(", ")}`);
}

function checkMatrix(m: BenchMatrix, rows: number, cols: number, what: string): void {
  if (m.rows !== rows || m.cols !== cols || m.data.length !== rows * cols) {
    throw new Error(
      `${what} gathered a ${m.rows}x${m.cols} Matrix (${m.data.length} values), expected ${rows}x${cols}`,
    );
  }
}

function checkNumber(v: number, what: string): void {
  if (typeof v !== "number" || !Number.isFinite(v))
    throw new Error(`${what} returned ${String(v)}, not a finite number`);
}

/** (x * c)ᵀ x, by `ds.matmul(..., { transposeA: true })` when present, else `x.mul(c).T.matmul(x)`. */
function gramOf(api: DsfabricApi, x: BenchArray, c: number): { variant: string; run(): Promise<void> } {
  const dsMatmul = api.ds.matmul;
  const cols = x.shape[1];
  const round = async (make: () => { scaled: BenchArray; g: BenchArray }): Promise<void> => {
    const { scaled, g } = make();
    checkMatrix(await g.collect(), cols, cols, "gram");
    await api.release(g);
    await api.release(scaled);
  };
  if (typeof dsMatmul === "function") {
    return {
      variant: "ds.matmul(x.mul(c), x, { transposeA: true }).collect()",
      run: () =>
        round(() => {
          const scaled = x.mul(c);
          return { scaled, g: dsMatmul.call(api.ds, scaled, x, { transposeA: true }) };
        }),
    };
  }
  return {
    variant: "x.mul(c).T.matmul(x).collect() (no ds.matmul)",
    run: () =>
      round(() => {
        const scaled = x.mul(c);
        return { scaled, g: scaled.T.matmul(x) };
      }),
  };
}

/** Builds the dsfabric side of a case; throws if the library lacks a method the case needs. */
export function dsfabricCase(api: DsfabricApi, c: CaseSpec): DsfabricCase {
  const { ds } = api;
  const rand = (shape: [number, number], seed: number): BenchArray =>
    ds.random(shape, { blockSize: c.block, seed });
  const [n, m] = c.shape;
  switch (c.kind) {
    case "elementwise": {
      const x = rand([n, m], c.seed);
      const y = rand([n, m], c.seed + 1);
      need(x, ["add", "mul", "sqrt"]);
      return { inputs: [x, y], run: () => Promise.resolve(x.add(y).mul(2).sqrt()) };
    }
    case "chain-sum": {
      const x = rand([n, m], c.seed);
      const y = rand([n, m], c.seed + 1);
      need(x, ["add", "mul", "sqrt", "sum"]);
      return {
        inputs: [x, y],
        run: async () => {
          checkNumber(await x.add(y).mul(2).sqrt().sum(), "chain-sum");
          return null;
        },
      };
    }
    case "sum": {
      const x = rand([n, m], c.seed);
      need(x, ["sum"]);
      const axis = c.axis ?? null;
      if (axis !== null) return { inputs: [x], run: () => Promise.resolve(x.sum(axis)) };
      return {
        inputs: [x],
        run: async () => {
          checkNumber(await x.sum(), "sum-all");
          return null;
        },
      };
    }
    case "collect": {
      const x = rand([n, m], c.seed);
      need(x, ["collect"]);
      return {
        inputs: [x],
        run: async () => {
          checkMatrix(await x.collect(), n, m, "x.collect()");
          return null;
        },
      };
    }
    case "transpose": {
      const x = rand([n, m], c.seed);
      need(x, ["T"]);
      return { inputs: [x], run: () => Promise.resolve(x.T) };
    }
    case "transpose-collect": {
      const x = rand([n, m], c.seed);
      need(x, ["T", "collect"]);
      return {
        inputs: [x],
        run: async () => {
          checkMatrix(await x.T.collect(), m, n, "x.T.collect()");
          return null;
        },
      };
    }
    case "rechunk": {
      const x = rand([n, m], c.seed);
      need(x, ["rechunk"]);
      const to = c.rechunkTo ?? c.block;
      return { inputs: [x], run: () => Promise.resolve(x.rechunk(to)) };
    }
    case "matmul": {
      const inner = c.inner ?? n;
      const a = rand([n, inner], c.seed);
      const b = rand([inner, m], c.seed + 1);
      need(a, ["matmul"]);
      return { inputs: [a, b], run: () => Promise.resolve(a.matmul(b)) };
    }
    case "gram":
    case "gram-loop": {
      const x = rand([n, m], c.seed);
      need(x, ["mul", "collect", ...(typeof ds.matmul === "function" ? [] : ["T", "matmul"])]);
      const gram = gramOf(api, x, c.scalar ?? 1);
      const rounds = c.rounds ?? 1;
      const loopRss: LoopRecord = { rounds: [], afterGcBytes: null, stoppedAtRound: null };
      const loop = c.kind === "gram-loop";
      return {
        inputs: [x],
        variant: gram.variant,
        loopRss: loop ? loopRss : undefined,
        run: async () => {
          loopRss.rounds.length = 0;
          loopRss.stoppedAtRound = null;
          for (let r = 0; r < rounds; r++) {
            await gram.run();
            if (!loop) continue;
            const rss = rssBytes();
            loopRss.rounds.push(rss);
            if (rss > LOOP_RSS_LIMIT_BYTES) {
              loopRss.stoppedAtRound = r + 1;
              break;
            }
          }
          if (loop) {
            // Diagnostic, not part of the check: does a GC of the main thread give the memory back?
            collectGarbage();
            await new Promise((resolve) => setTimeout(resolve, 100));
            loopRss.afterGcBytes = rssBytes();
          }
          return null;
        },
      };
    }
    case "load-csv":
    case "load-npy": {
      const file = c.file ?? "";
      const load = c.kind === "load-csv" ? ds.loadTxt : ds.loadNpy;
      if (typeof load !== "function")
        throw new Error(`ds lacks .${c.kind === "load-csv" ? "loadTxt" : "loadNpy"}`);
      const options = c.kind === "load-csv" ? { blockSize: c.block, delimiter: "," } : { blockSize: c.block };
      return {
        inputs: [],
        run: async () => {
          const x = await load.call(ds, file, options);
          if (x.shape[0] !== n || x.shape[1] !== m)
            throw new Error(`loaded ${x.shape.join("x")}, expected ${n}x${m}`);
          return x;
        },
      };
    }
    case "load-svmlight": {
      const load = ds.loadSvmlight;
      if (typeof load !== "function") throw new Error("ds lacks .loadSvmlight");
      const file = c.file ?? "";
      return {
        inputs: [],
        run: async () => {
          const [x] = await load.call(ds, file, { blockSize: c.block });
          if (x.shape[0] !== n) throw new Error(`loaded ${x.shape.join("x")}, expected ${n} rows`);
          return x;
        },
      };
    }
    case "sparse-matmul": {
      const load = ds.loadSvmlight;
      if (typeof load !== "function") throw new Error("ds lacks .loadSvmlight");
      const file = c.file ?? "";
      const k = c.denseCols ?? 1;
      let x: BenchArray | undefined;
      const w = ds.random([m, k], { blockSize: [m, k], seed: c.seed });
      return {
        inputs: [w],
        prepare: async () => {
          x = (await load.call(ds, file, { blockSize: c.block }))[0];
        },
        run: () => {
          if (x === undefined) throw new Error("sparse-matmul: x was not loaded");
          return Promise.resolve(x.matmul(w));
        },
      };
    }
    case "linear-regression": {
      const Model = api.ml.LinearRegression;
      if (Model === undefined) throw new Error("dsfabric/ml lacks LinearRegression");
      const x = rand([n, m], c.seed);
      const y = ds.random([n, 1], { blockSize: [c.block[0], 1], seed: c.seed + 1 });
      return {
        inputs: [x, y],
        run: async () => {
          await new Model().fit(x, y);
          return null;
        },
      };
    }
    case "logistic-regression": {
      const Model = api.ml.LogisticRegression;
      if (Model === undefined) throw new Error("dsfabric/ml lacks LogisticRegression");
      const load = ds.loadNpy;
      if (typeof load !== "function") throw new Error("ds lacks .loadNpy");
      const file = c.file ?? "";
      let xy: [BenchArray, BenchArray] | undefined;
      let ran = "";
      return {
        inputs: [],
        prepare: async () => {
          const x = await load.call(ds, file, { blockSize: c.block });
          const y = await load.call(ds, `${file.slice(0, -".npy".length)}.y.npy`, {
            blockSize: [c.block[0], 1],
          });
          await api.barrier.wait(x);
          await api.barrier.wait(y);
          xy = [x, y];
        },
        run: async () => {
          if (xy === undefined) throw new Error("logistic-regression: x and y were not loaded");
          const model = new Model();
          const fitted = await model.fit(xy[0], xy[1]);
          // Both sides stop on the same rules (max |g| <= tol or f's relative decrease); maxIter means not converged.
          if (fitted.nIter >= model.maxIter)
            throw new Error(`LogisticRegression did not converge in ${model.maxIter} iterations`);
          ran = `LogisticRegression() ${model.solver}, nIter ${fitted.nIter}`;
          return null;
        },
        get variant() {
          return ran;
        },
      };
    }
    case "kmeans": {
      const Model = api.ml.KMeans;
      if (Model === undefined) throw new Error("dsfabric/ml lacks KMeans");
      const k = c.clusters ?? 8;
      const iterations = c.rounds ?? 20;
      const x = rand([n, m], c.seed);
      // The same initial centres on both sides: row i, column j is ((i * 7 + j * 3) % 10) / 10.
      const init = Array.from({ length: k }, (_, i) =>
        Array.from({ length: m }, (_, j) => ((i * 7 + j * 3) % 10) / 10),
      );
      return {
        inputs: [x],
        run: async () => {
          const model = await new Model({ nClusters: k, init, maxIter: iterations, tol: 0 }).fit(x);
          if (model.nIter !== iterations)
            throw new Error(`kmeans ran ${model.nIter} iterations, not ${iterations}`);
          return null;
        },
      };
    }
    case "pca": {
      const Model = api.ml.PCA;
      if (Model === undefined) throw new Error("dsfabric/ml lacks PCA");
      const k = c.components ?? 10;
      const x = rand([n, m], c.seed);
      return {
        inputs: [x],
        run: async () => {
          const model = await new Model({ nComponents: k }).fit(x);
          if (model.nComponents !== k) throw new Error(`pca kept ${model.nComponents} components, not ${k}`);
          return null;
        },
      };
    }
    case "waves": {
      const y0 = rand([n, m], c.seed);
      need(y0, ["add"]);
      const waves = c.rounds ?? 1;
      return {
        inputs: [y0],
        variant: `y = y.add(1); await ${api.barrier.name.split(" ")[0]} per wave`,
        run: async () => {
          let y = y0;
          for (let w = 0; w < waves; w++) {
            const next = y.add(1);
            await api.barrier.wait(next);
            if (y !== y0) await api.release(y);
            y = next;
          }
          if (y !== y0) await api.release(y);
          return null;
        },
      };
    }
  }
}
