import type { ImageDataset } from '../../data/dataset';
import type { Encoder } from '../../encoders/encoder';
import { extractFeatures } from '../../eval/extract-features';
import type { FeatureMatrix } from '../../eval/feature-matrix';
import { datasetSource } from '../../memorization/image-source';
import { encoderRepresenter } from '../../memorization/representer';
import { probeIds } from '../probe-encoder';
import type { DownstreamContext } from './downstream-task-def';

/** The frozen features and labels of a probe's train and test points. */
export interface ProbeFeatures {
  readonly xTrain: FeatureMatrix;
  readonly yTrain: number[];
  readonly xTest: FeatureMatrix;
  readonly yTest: number[];
  readonly numClasses: number;
}

/**
 * The representation of `trainSize` random train images and `testSize` random test images
 * (drawn with `seed` and `seed + 1`, as `probeEncoder` draws them), with their labels.
 */
export async function probeFeatures(encoder: Encoder, train: ImageDataset, test: ImageDataset, sizes: { readonly trainSize: number; readonly testSize: number }, seed: number): Promise<ProbeFeatures> {
  const trainIds = probeIds(train, sizes.trainSize, seed);
  const testIds = probeIds(test, sizes.testSize, seed + 1);
  const represent = encoderRepresenter(encoder);
  const xTrain = await extractFeatures(represent, datasetSource(train, trainIds));
  const xTest = await extractFeatures(represent, datasetSource(test, testIds));
  return {
    xTrain,
    yTrain: Array.from(trainIds, (i) => train.labels[i]),
    xTest,
    yTest: Array.from(testIds, (i) => test.labels[i]),
    numClasses: train.numClasses,
  };
}

/** The features of the experiment's probe points (`config.probe`), computed once per encoder for probe and kNN. */
export function experimentProbeFeatures(encoder: Encoder, context: DownstreamContext<unknown>): Promise<ProbeFeatures> {
  const { probe } = context.config;
  return context.shared(`probe-features ${probe.trainSize} ${probe.testSize} ${probe.seed}`, () => probeFeatures(encoder, context.pair.train, context.pair.test, probe, probe.seed));
}
