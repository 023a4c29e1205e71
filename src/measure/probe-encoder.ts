import type { ImageDataset } from '../data/dataset';
import { extractFeatures } from '../eval/extract-features';
import { linearProbe, type LinearProbeResult } from '../eval/linear-probe';
import { datasetSource } from '../memorization/image-source';
import { encoderRepresenter } from '../memorization/representer';
import type { Encoder } from '../encoders/encoder';
import { createRng } from '../util/rng';
import type { ExperimentConfig } from '../design/experiment-config';
import type { ExperimentData } from '../design/experiment-data';

/** `count` ids of `ds` drawn at random with `seed` (all when it has fewer), sorted: the probe's train or test points. */
export function probeIds(ds: ImageDataset, count: number, seed: number): Int32Array {
  const n = ds.labels.length;
  return createRng(seed).permutation(n).slice(0, Math.min(count, n)).sort();
}

/**
 * Linear-probe accuracy of an encoder's frozen representation: softmax regression
 * trained on `probe.trainSize` random train images, tested on `probe.testSize` random
 * test images (both drawn with `probe.seed`, so every encoder is probed on the same points).
 */
export async function probeEncoder(config: ExperimentConfig, data: ExperimentData, encoder: Encoder): Promise<LinearProbeResult> {
  const { train, test } = data.pair;
  const trainIds = probeIds(train, config.probe.trainSize, config.probe.seed);
  const testIds = probeIds(test, config.probe.testSize, config.probe.seed + 1);
  const represent = encoderRepresenter(encoder);
  const xTrain = await extractFeatures(represent, datasetSource(train, trainIds));
  const xTest = await extractFeatures(represent, datasetSource(test, testIds));
  return linearProbe(
    xTrain,
    Array.from(trainIds, (i) => train.labels[i]),
    xTest,
    Array.from(testIds, (i) => test.labels[i]),
    { epochs: config.probe.epochs, seed: config.probe.seed, numClasses: train.numClasses },
  );
}
