import { ArgumentError } from "../errors.ts";

/** One named tensor of a model: `params.subarray(offset, offset + length)`, row-major `shape`. */
export interface ParamSlice {
  readonly name: string;
  readonly offset: number;
  readonly length: number;
  readonly shape: readonly [number, number];
}

/**
 * Where each tensor of a model lives in its one flat `Float32Array` of parameters: contiguous, in order,
 * without gaps, so that a parameter-server shard can own any contiguous range and a model's size in bytes
 * is `4 * size`.
 */
export interface ParamLayout {
  readonly slices: readonly ParamSlice[];
  /** Total number of parameters. */
  readonly size: number;
}

/**
 * Lays out named tensors one after another.
 *
 * @example
 * ```ts
 * const layout = paramLayout([
 *   { name: "w0", shape: [784, 10] },
 *   { name: "b0", shape: [1, 10] },
 * ]);
 * layout.size; // 7850
 * layout.slices[1].offset; // 7840
 * ```
 */
export function paramLayout(
  tensors: readonly { name: string; shape: readonly [number, number] }[],
): ParamLayout {
  const slices: ParamSlice[] = [];
  let offset = 0;
  for (const { name, shape } of tensors) {
    const length = shape[0] * shape[1];
    slices.push({ name, offset, length, shape: [shape[0], shape[1]] });
    offset += length;
  }
  return { slices, size: offset };
}

/**
 * The slice named `name`; throws `ArgumentError` listing the names when there is none.
 *
 * @example
 * ```ts
 * const { offset, length } = paramSlice(model.layout, "layer1.bias");
 * const bias = params.subarray(offset, offset + length);
 * ```
 */
export function paramSlice(layout: ParamLayout, name: string): ParamSlice {
  const slice = layout.slices.find((s) => s.name === name);
  if (slice === undefined) {
    throw new ArgumentError(
      `paramSlice: no parameter named "${name}" (the layout has ${layout.slices.map((s) => s.name).join(", ")})`,
    );
  }
  return slice;
}
