/**
 * The policy presets by name: MLfabric (with its switches) and the four baselines.
 */
import type { ResolvedPolicy } from "../configPolicy.ts";
import { allReduce } from "./allReduce.ts";
import { asyncPs } from "./asyncPs.ts";
import { bsp } from "./bsp.ts";
import { mlfabric } from "./mlfabric.ts";
import type { Policy } from "./policy.ts";
import { ssp } from "./ssp.ts";

/**
 * A fresh policy instance for one run.
 *
 * @example
 * ```ts
 * createPolicy({ name: "ssp", stalenessBoundSteps: 3 }).name; // "ssp"
 * ```
 */
export function createPolicy(policy: ResolvedPolicy): Policy {
  switch (policy.name) {
    case "mlfabric":
      return mlfabric(policy);
    case "async":
      return asyncPs();
    case "bsp":
      return bsp();
    case "ssp":
      return ssp(policy.stalenessBoundSteps);
    case "allreduce":
      return allReduce();
  }
}
