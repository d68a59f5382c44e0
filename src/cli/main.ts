#!/usr/bin/env node
import { Command } from "commander";
import { realClock } from "../sim/clock.ts";
import { formatInfo, infoReport } from "./info.ts";
import { runDemo } from "./demo.ts";
import { collect, guarded, intArgument, registerTrainingCommands } from "./commands.ts";
import { runFabricDemo } from "./fabricDemo.ts";

const program = new Command();
program.name("dsfabric").description("Distributed arrays and machine learning for Node.js");

program
  .command("info")
  .description("version, cores, workers, BLAS backend and OPENBLAS_CORETYPE")
  .option("--json", "print as JSON")
  .action((opts: { json?: boolean }) => {
    const report = infoReport();
    console.log(opts.json === true ? JSON.stringify(report, null, 2) : formatInfo(report));
  });

program
  .command("demo")
  .description(
    "MLfabric against async PS on MNIST, 32 workers, emulated dynamic 10 Gbit/s cluster, in real time (npm start)",
  )
  .option("--out <dir>", "folder of the report", "out/demo")
  .option("--set <path=value>", "override a field of examples/dynamic-cluster.json (repeatable)", collect, [])
  .action((opts: { out: string; set: string[] }) =>
    guarded(() =>
      runFabricDemo({ outDir: opts.out, sets: opts.set, clock: realClock, log: (line) => console.log(line) }),
    ),
  );

program
  .command("demo-arrays")
  .description("a short real run on the worker threads: random arrays, fused elementwise, reductions, matmul")
  .option("--rows <n>", "rows of the array", intArgument("--rows", 1), 8192)
  .option("--cols <n>", "columns of the array", intArgument("--cols", 1), 4096)
  .option("--block <n>", "block size (square)", intArgument("--block", 1), 1024)
  .option("--matmul <n>", "size of the square matmul", intArgument("--matmul", 1), 2048)
  .action((opts: { rows: number; cols: number; block: number; matmul: number }) =>
    guarded(() =>
      runDemo({
        rows: opts.rows,
        cols: opts.cols,
        block: opts.block,
        matmulSize: opts.matmul,
        clock: realClock,
        log: (line) => console.log(line),
      }),
    ),
  );

registerTrainingCommands(program, realClock);

await program.parseAsync(process.argv);
