/**
 * Measures the current model: test accuracy (on the test set, or on training rows when there is none) and
 * mean loss on a fixed sample of training rows. Evaluation takes no time on the run's clock.
 */
import type { LabelledRows } from "./data.ts";
import type { TrainableModel } from "./model/trainableModel.ts";

/**
 * The evaluation of one run.
 *
 * @example
 * ```ts
 * const evaluator = new Evaluator(model, headRows(train, 2000), test);
 * evaluator.evaluate(params); // { loss: 0.31, testAccuracy: 0.91 }
 * ```
 */
export class Evaluator {
  private readonly grad: Float32Array;

  constructor(
    private readonly model: TrainableModel,
    private readonly lossRows: LabelledRows,
    private readonly accuracyRows: LabelledRows,
  ) {
    this.grad = new Float32Array(model.paramCount);
  }

  evaluate(params: Float32Array): { loss: number; testAccuracy: number } {
    const loss = this.model.lossAndGradient(params, this.lossRows.x, this.lossRows.y, this.grad);
    const testAccuracy = this.model.accuracy(params, this.accuracyRows.x, this.accuracyRows.y);
    return { loss, testAccuracy };
  }
}
