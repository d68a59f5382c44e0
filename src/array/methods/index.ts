/**
 * The one place that attaches chained methods to DsArray. The package entry imports it, so every method
 * exists before any user code runs, whatever the import order elsewhere.
 */
import "./elementwiseMethods.ts";
import "./structureMethods.ts";
import "./linalgMethods.ts";
import "./indexingMethods.ts";
import "./reductionMethods.ts";
