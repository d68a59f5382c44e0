/**
 * The accuracy-versus-time plot: a Vega-Lite spec (one line per policy, a dashed rule at the target
 * accuracy), rendered to SVG by Vega's headless view and to PNG by resvg with the system's DejaVu fonts.
 */
import { writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { Resvg } from "@resvg/resvg-js";
import { parse, View } from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import type { Results } from "./resultsJson.ts";

/** Mark names in the spec, so that tests (and users' stylesheets) can find the lines and the target rule. */
export const PLOT_MARKS = { lines: "policy_lines", target: "target_rule" } as const;

const FONT = "DejaVu Sans";

/**
 * The Vega-Lite spec of the plot: test accuracy (y, in percent) against time (x, in seconds of the run's
 * clock), one coloured line per policy in the order of `results.policies`, and a dashed horizontal rule at
 * the target (if any). History points whose accuracy is not a finite number are left out.
 *
 * @example
 * ```ts
 * const spec = accuracySpec(results);
 * spec.title; // { text: "Test accuracy vs time (virtual clock)", subtitle: "seed 7; dashed line: target 0.9" }
 * ```
 */
export function accuracySpec(results: Results): TopLevelSpec {
  const names = Object.keys(results.policies);
  const points = names.flatMap((policy) =>
    results.policies[policy].history
      .filter((p) => Number.isFinite(p.testAccuracy) && Number.isFinite(p.timeS))
      .map((p) => ({ policy, timeS: p.timeS, testAccuracy: p.testAccuracy })),
  );
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: {
      text: `Test accuracy vs time (${results.clock} clock)`,
      subtitle: `seed ${results.seed}; ${results.target === null ? "no target" : `dashed line: target ${results.target}`}`,
    },
    width: 640,
    height: 360,
    background: "white",
    config: { font: FONT },
    layer: [
      {
        name: PLOT_MARKS.lines,
        data: { values: points },
        mark: { type: "line", strokeWidth: 2 },
        encoding: {
          x: { field: "timeS", type: "quantitative", title: `time (s, ${results.clock} clock)` },
          y: {
            field: "testAccuracy",
            type: "quantitative",
            title: "test accuracy (%)",
            scale: { domain: [0, 1] },
            axis: { format: ".0%" },
          },
          color: { field: "policy", type: "nominal", sort: names, title: "policy" },
        },
      },
      ...(results.target === null
        ? []
        : [
            {
              name: PLOT_MARKS.target,
              data: { values: [{ target: results.target }] },
              mark: { type: "rule" as const, strokeDash: [6, 4], color: "#333", strokeWidth: 1.5 },
              encoding: { y: { field: "target", type: "quantitative" as const } },
            },
          ]),
    ],
  };
}

/**
 * Renders a Vega-Lite spec to SVG text with Vega's headless view (no browser, no canvas).
 *
 * @example
 * ```ts
 * const svg = await renderSvg(accuracySpec(results));
 * svg.startsWith("<svg"); // true
 * ```
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * Rasterises SVG text to PNG bytes with resvg, at `scale` times the SVG's size (default 2, for sharp text).
 * Text uses the system fonts (DejaVu Sans).
 *
 * @example
 * ```ts
 * const png = svgToPng(svg);
 * png.subarray(1, 4).toString(); // "PNG"
 * ```
 */
export function svgToPng(svg: string, scale = 2): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: { mode: "zoom", value: scale },
    font: { loadSystemFonts: true, defaultFontFamily: FONT },
  });
  return resvg.render().asPng();
}

/**
 * Writes `dir/accuracy.svg` and `dir/accuracy.png` (creating `dir`); returns their paths.
 *
 * @example
 * ```ts
 * await writePlots("out", results); // { svg: "out/accuracy.svg", png: "out/accuracy.png" }
 * ```
 */
export async function writePlots(dir: string, results: Results): Promise<{ svg: string; png: string }> {
  mkdirSync(dir, { recursive: true });
  const svgText = await renderSvg(accuracySpec(results));
  const svg = join(dir, "accuracy.svg");
  const png = join(dir, "accuracy.png");
  writeFileSync(svg, svgText);
  writeFileSync(png, svgToPng(svgText));
  return { svg, png };
}
