import type { FeatureMatrix } from '../../eval/feature-matrix';
import { check } from '../../util/errors';
import { labelledDraw } from './labelled-draw';
import type { ProbeFeatures } from './probe-features';

/** Settings the few-label tasks share. */
export interface FewLabelSettings {
  /** Labelled training images per class in each draw. */
  readonly perClass: number;
  /** Label draws the accuracy is averaged over (1 to 100). */
  readonly draws: number;
}

/** The largest number of label draws a few-label task takes. */
export const maxLabelDraws = 100;

/** Refuses few-label settings that are not whole numbers in range, naming the field (`<where>.perClass`, `<where>.draws`). */
export function checkFewLabelSettings(settings: FewLabelSettings, where: string): void {
  check(settings !== null && typeof settings === 'object', where, 'an object { perClass, draws }', String(settings));
  check(Number.isInteger(settings.perClass) && settings.perClass >= 1, `${where}.perClass`, 'an integer >= 1', String(settings.perClass));
  check(Number.isInteger(settings.draws) && settings.draws >= 1 && settings.draws <= maxLabelDraws, `${where}.draws`, `an integer from 1 to ${maxLabelDraws}`, String(settings.draws));
}

/** The rows `rows` of a feature matrix, in that order. */
function selectRows(x: FeatureMatrix, rows: ArrayLike<number>): FeatureMatrix {
  const data = new Float32Array(rows.length * x.cols);
  for (let i = 0; i < rows.length; i++) data.set(x.data.subarray(rows[i] * x.cols, (rows[i] + 1) * x.cols), i * x.cols);
  return { data, rows: rows.length, cols: x.cols };
}

/** A classifier trained on labelled rows `[m, dim]` and scored on the probe's test rows: its accuracy. */
export type FewLabelClassifier = (xTrain: FeatureMatrix, yTrain: number[]) => Promise<number>;

/** What `fewLabelAccuracy` measured. */
export interface FewLabelAccuracy {
  /** Mean test accuracy over the draws, in [0, 1]. */
  readonly mean: number;
  /** Test accuracy of each draw, in draw order. */
  readonly accuracies: readonly number[];
}

/**
 * Few-label accuracy on a probe's frozen features: for each of `draws` label draws (`labelledDraw`
 * of the probe's training rows with `seed` and the draw's index: `perClass` rows of every class),
 * `classify` trains on the drawn rows only and is scored on all of the probe's test rows; the
 * accuracies and their mean.
 */
export async function fewLabelAccuracy(x: ProbeFeatures, classify: FewLabelClassifier, options: FewLabelSettings & { readonly seed: number; readonly where?: string }): Promise<FewLabelAccuracy> {
  const where = options.where ?? 'fewLabelAccuracy';
  checkFewLabelSettings(options, where);
  const accuracies: number[] = [];
  for (let draw = 0; draw < options.draws; draw++) {
    const rows = labelledDraw(x.yTrain, { perClass: options.perClass, seed: options.seed, draw, where });
    accuracies.push(await classify(selectRows(x.xTrain, rows), Array.from(rows, (r) => x.yTrain[r])));
  }
  return { mean: accuracies.reduce((a, b) => a + b, 0) / accuracies.length, accuracies };
}
