/**
 * The single list of kernels. Every executor (main thread, each worker thread, each cluster process) imports
 * this module once, so that a task naming a kernel finds it wherever it runs.
 */
import { addAllKernel } from "./block/addAll.ts";
import { gatherKernel } from "./block/gather.ts";
import { assignKernel } from "./block/assign.ts";
import { kronKernel } from "./block/kron.ts";
import { stitchKernel } from "./block/stitch.ts";
import { transposeKernel } from "./block/transpose.ts";
import { fusedElementwise } from "./elementwise/kernels.ts";
import { fillConstant, fillEye, fillRandom } from "./fill.ts";
import { npyRead, npyWrite } from "./io/npyBlocks.ts";
import { svmlightParse, svmlightScan } from "./io/svmlight.ts";
import { textParse } from "./io/textParse.ts";
import { textScan } from "./io/textScan.ts";
import { textWrite } from "./io/textWrite.ts";
import { denseNetworkGradient } from "./model/denseNetworkGradient.ts";
import { argAggregate, argChunk, argCombine } from "./reduce/arg.ts";
import { foldCombine } from "./reduce/fold.ts";
import { medianAggregate, medianChunk, medianCombine } from "./reduce/median.ts";
import { momentsAggregate, momentsChunk, momentsCombine } from "./reduce/moments.ts";
import { sumAggregate, sumCombine, sumFusedChunk } from "./reduce/sum.ts";
import { isKernelRegistered, registerBlockKernel, registerKernel } from "./registry.ts";
import { sparseCombine } from "./sparse/combine.ts";
import { sparseSpgemm } from "./sparse/spgemm.ts";
import { sparseFromDense, sparseToDense } from "./sparse/convert.ts";
import { anyAssemble, anySlice, anyTake } from "./sparse/structure.ts";
import { matmulAnyAccumulate } from "./sparse/matmul.ts";
import { anyFoldChunk, anySumChunk } from "./sparse/reduce.ts";
import { sparseTranspose } from "./sparse/transpose.ts";
import { sparseMapValues } from "./sparse/values.ts";
import { applyAlongAxisKernel } from "./structure/applyAlongAxis.ts";
import { kronSubKernel } from "./structure/kron.ts";
import { mapBlocksKernel } from "./structure/mapBlocks.ts";

// Guarded so that importing this module from two entry points registers once.
if (!isKernelRegistered("fill.random")) {
  registerKernel("fill.random", fillRandom);
  registerKernel("fill.constant", fillConstant);
  registerKernel("fill.eye", fillEye);
  registerKernel("elementwise.fused", fusedElementwise);
  registerBlockKernel("block.slice", anySlice);
  registerKernel("block.stitch", stitchKernel);
  registerKernel("block.gather", gatherKernel);
  registerBlockKernel("block.assemble", anyAssemble);
  registerBlockKernel("block.take", anyTake);
  registerKernel("block.transpose", transposeKernel);
  registerKernel("block.assign", assignKernel);
  registerKernel("block.kron", kronKernel);
  registerKernel("block.addAll", addAllKernel);
  registerBlockKernel("matmul.accumulate", matmulAnyAccumulate);
  registerKernel("structure.applyAlongAxis", applyAlongAxisKernel);
  registerKernel("structure.mapBlocks", mapBlocksKernel);
  registerKernel("structure.kron", kronSubKernel);
  registerBlockKernel("reduce.sum.chunk", anySumChunk);
  registerKernel("reduce.sum.fusedChunk", sumFusedChunk);
  registerKernel("reduce.sum.combine", sumCombine);
  registerKernel("reduce.sum.aggregate", sumAggregate);
  registerBlockKernel("reduce.fold.chunk", anyFoldChunk);
  registerKernel("reduce.fold.combine", foldCombine);
  registerKernel("reduce.arg.chunk", argChunk);
  registerKernel("reduce.arg.combine", argCombine);
  registerKernel("reduce.arg.aggregate", argAggregate);
  registerKernel("reduce.moments.chunk", momentsChunk);
  registerKernel("reduce.moments.combine", momentsCombine);
  registerKernel("reduce.moments.aggregate", momentsAggregate);
  registerKernel("reduce.median.chunk", medianChunk);
  registerKernel("reduce.median.combine", medianCombine);
  registerKernel("reduce.median.aggregate", medianAggregate);
  registerBlockKernel("sparse.toDense", sparseToDense);
  registerBlockKernel("sparse.fromDense", sparseFromDense);
  registerBlockKernel("sparse.mapValues", sparseMapValues);
  registerBlockKernel("sparse.transpose", sparseTranspose);
  registerBlockKernel("sparse.combine", sparseCombine);
  registerBlockKernel("sparse.spgemm", sparseSpgemm);
  registerKernel("io.text.scan", textScan);
  registerKernel("io.text.parse", textParse);
  registerKernel("io.text.write", textWrite);
  registerKernel("io.svmlight.scan", svmlightScan);
  registerBlockKernel("io.svmlight.parse", svmlightParse);
  registerKernel("io.npy.read", npyRead);
  registerKernel("io.npy.write", npyWrite);
  registerKernel("model.denseNetworkGradient", denseNetworkGradient);
}
