/**
 * Trainable models for data-parallel training: parameters in one flat `Float32Array`, loss and gradient
 * through BLAS, and the SGD optimizer that parameter-server shards apply updates with.
 */
export { mlp, type MlpOptions } from "./mlp.ts";
export { softmaxRegression, type SoftmaxRegressionOptions } from "./softmaxRegression.ts";
export { modelFromJSON } from "./modelFromJSON.ts";
export { sgd, type Optimizer, type SgdOptions, type SyncScaling } from "./sgd.ts";
export { paramLayout, paramSlice, type ParamLayout, type ParamSlice } from "../../core/model/paramLayout.ts";
export { softmaxCrossEntropy, argmaxRows } from "../../core/model/softmaxCrossEntropy.ts";
export type { Labels, ModelJSON, TrainableModel } from "./trainableModel.ts";
