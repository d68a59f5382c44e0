/**
 * The `ds` namespace: creation functions and free-standing operations, NumPy style.
 */
import "./methods/index.ts";
import { array, eye, full, identity, ones, random, zeros } from "./creation.ts";
import { where } from "./ops/arithmetic.ts";
import { applyAlongAxis } from "./ops/applyAlongAxis.ts";
import { concat } from "./ops/concat.ts";
import { kron } from "./ops/kron.ts";
import { matmul } from "./ops/matmul.ts";

export const ds = {
  array,
  random,
  zeros,
  ones,
  full,
  eye,
  identity,
  where,
  concat,
  applyAlongAxis,
  matmul,
  kron,
};
