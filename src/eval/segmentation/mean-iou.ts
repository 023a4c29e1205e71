import { check, InputError } from '../../util/errors';

/** Result of `meanIoU`. */
export interface MeanIouResult {
  /** Mean of `perClass` over the classes present in the truth or the prediction. */
  miou: number;
  /** IoU = TP / (TP + FP + FN) of each class over all pixels; NaN for a class in neither. */
  perClass: number[];
  /** Fraction of pixels whose predicted class is the true one. */
  pixelAccuracy: number;
}

function checkLabelBytes(labels: Uint8Array, name: string, where: string): void {
  check(labels instanceof Uint8Array, `${where}: ${name}`, 'a Uint8Array of class labels', String(labels));
}

/**
 * Mean intersection over union of per-pixel class labels (e.g. all pixels of all test
 * images, flattened). The IoU of each class is computed over the whole set of pixels
 * (one confusion matrix, as segmentation benchmarks report it), and the mean runs over
 * the classes that appear in the truth or the prediction: a class absent from both has
 * no IoU (NaN in `perClass`) and does not count; one only predicted counts with IoU 0.
 * The background (class 0) counts like any other class.
 */
export function meanIoU(predicted: Uint8Array, truth: Uint8Array, numClasses: number): MeanIouResult {
  const where = 'eval/meanIoU';
  checkLabelBytes(predicted, 'predicted', where);
  checkLabelBytes(truth, 'truth', where);
  check(predicted.length === truth.length, `${where}: predicted`, `${truth.length} labels like truth`, `${predicted.length}`);
  check(Number.isInteger(numClasses) && numClasses >= 1 && numClasses <= 256, `${where}: numClasses`, 'an integer in [1, 256]', String(numClasses));
  const tp = new Float64Array(numClasses);
  const predCount = new Float64Array(numClasses);
  const trueCount = new Float64Array(numClasses);
  for (let i = 0; i < truth.length; i++) {
    const p = predicted[i];
    const t = truth[i];
    if (p >= numClasses) throw new InputError(`${where}: predicted[${i}]`, `a class in [0, ${numClasses})`, String(p));
    if (t >= numClasses) throw new InputError(`${where}: truth[${i}]`, `a class in [0, ${numClasses})`, String(t));
    predCount[p]++;
    trueCount[t]++;
    if (p === t) tp[t]++;
  }
  const perClass: number[] = [];
  let sum = 0;
  let present = 0;
  let correct = 0;
  for (let c = 0; c < numClasses; c++) {
    correct += tp[c];
    const union = predCount[c] + trueCount[c] - tp[c];
    if (union === 0) {
      perClass.push(Number.NaN);
      continue;
    }
    const iou = tp[c] / union;
    perClass.push(iou);
    sum += iou;
    present++;
  }
  return { miou: present > 0 ? sum / present : Number.NaN, perClass, pixelAccuracy: truth.length > 0 ? correct / truth.length : Number.NaN };
}

/**
 * The mIoU (as `meanIoU` computes it) of predicting background (class 0) everywhere:
 * `(background pixels / all pixels) / (classes present in truth, background included)`.
 * The baseline a segmentation decoder has to beat.
 */
export function constantBackgroundMiou(truth: Uint8Array): number {
  checkLabelBytes(truth, 'truth', 'eval/constantBackgroundMiou');
  let max = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i] > max) max = truth[i];
  return meanIoU(new Uint8Array(truth.length), truth, max + 1).miou;
}
