import type * as tf from '@tensorflow/tfjs-core';
import { datasetSize, type ImageDataset } from '../../data/dataset';
import type { Encoder } from '../../encoders/encoder';
import { check, InputError } from '../../util/errors';
import { describeValue, resolveOptions, rule, type OptionRule } from '../../util/options';
import { createRng } from '../../util/rng';
import { digitCanvases, resolveDigitCanvasOptions, type DigitCanvases, type DigitCanvasOptions } from './canvases';
import { constantBackgroundMiou, meanIoU } from './mean-iou';
import { resolveSegmentationDecoderOptions, trainSegmentationDecoder, type SegmentationDecoderOptions } from './segmentation-decoder';
import { resolveSpatialFeatureOptions, spatialFeatures, type SpatialFeatureOptions, type SpatialFeatureSource } from './spatial-features';

/** Canvas settings `segmentationTask` passes on (count and seed are its own). */
export type SegmentationCanvasOptions = Omit<DigitCanvasOptions, 'count' | 'seed'>;

/** Options of `segmentationTask`. */
export interface SegmentationTaskOptions {
  /** Canvases the decoder trains on. Default 2000. */
  trainCanvases: number;
  /** Canvases it is scored on. Default 1000. */
  testCanvases: number;
  /** Positions in the images whose digits make the training canvases; `null` (default): the first half. */
  trainIds: readonly number[] | Int32Array | null;
  /** Positions whose digits make the test canvases (disjoint from `trainIds`); `null` (default): the second half. */
  testIds: readonly number[] | Int32Array | null;
  /** Canvas settings (`digitCanvases`); height and width default to the encoder's input size. */
  canvas: Partial<SegmentationCanvasOptions>;
  /** Feature extraction settings (`spatialFeatures`). */
  features: Partial<SpatialFeatureOptions>;
  /** Decoder settings (`trainSegmentationDecoder`; its seed comes from `seed`). */
  decoder: Partial<Omit<SegmentationDecoderOptions, 'seed'>>;
  /** Seed of the canvases and the decoder. Default 0. */
  seed: number;
}

/**
 * Defaults of `segmentationTask`, sized for a 2-core laptop: about 25 s on the wasm backend
 * (one thread) for the 784-512-512-128 MNIST MLP (49 windows per canvas) or a small CNN,
 * most of it the decoder's training; on the pure-JS cpu backend 6-11 minutes.
 */
export const defaultSegmentationTaskOptions: SegmentationTaskOptions = {
  trainCanvases: 2000,
  testCanvases: 1000,
  trainIds: null,
  testIds: null,
  canvas: {},
  features: {},
  decoder: {},
  seed: 0,
};

const idList: OptionRule<readonly number[] | Int32Array | null> = (v, where) => {
  if (v === null) return null;
  if (!(Array.isArray(v) || v instanceof Int32Array) || v.length === 0) throw new InputError(where, 'null or a non-empty array of integer positions', describeValue(v));
  return v as readonly number[] | Int32Array;
};
const objectOption = <T>(v: unknown, where: string): T => {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new InputError(where, 'an options object', describeValue(v));
  return v as T;
};

const taskRules = {
  trainCanvases: rule.int({ min: 1 }),
  testCanvases: rule.int({ min: 1 }),
  trainIds: idList,
  testIds: idList,
  canvas: objectOption as OptionRule<Partial<SegmentationCanvasOptions>>,
  features: objectOption as OptionRule<Partial<SpatialFeatureOptions>>,
  decoder: objectOption as OptionRule<Partial<Omit<SegmentationDecoderOptions, 'seed'>>>,
  seed: rule.int(),
};

/** Result of `segmentationTask`. */
export interface SegmentationTaskResult {
  /** mIoU of the trained decoder on the test canvases (`meanIoU`, background included). */
  miou: number;
  pixelAccuracy: number;
  /** IoU per mask class (0 = background, 1 + digit); NaN for a class in neither truth nor prediction. */
  perClassIoU: number[];
  /** mIoU of predicting background everywhere on the test canvases (`constantBackgroundMiou`). */
  backgroundMiou: number;
  trainCanvases: DigitCanvases;
  testCanvases: DigitCanvases;
  /** Predicted class per test pixel, like `testCanvases.masks`. */
  predictions: Uint8Array;
  /** Where the spatial features came from, and which layer. */
  how: SpatialFeatureSource;
  layer: string | null;
  /** Feature grid `[rows, cols]` and channels. */
  grid: readonly [number, number];
  featureDim: number;
  /** Mean loss of each decoder epoch. */
  losses: number[];
  /** Wall-clock seconds in all, and of the parts. */
  seconds: number;
  timings: { canvases: number; features: number; decoder: number; evaluation: number };
}

function checkIds(ids: ArrayLike<number>, n: number, where: string): void {
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (!Number.isInteger(id) || id < 0 || id >= n) throw new InputError(`${where}[${i}]`, `an integer position in [0, ${n})`, String(id));
  }
}

/**
 * A segmentation downstream task for a frozen encoder (the paper's mIoU): digit canvases
 * (`digitCanvases`) the size of the encoder's input are drawn from one part of `images`
 * (training) and a disjoint part (test); a light decoder (`trainSegmentationDecoder`) is
 * trained on the frozen `spatialFeatures` of the training canvases and scored by mIoU on
 * the test canvases, next to the constant-background baseline. The encoder is only run in
 * inference mode; nothing of it changes. Deterministic: same encoder, images, options and
 * seed give the same mIoU.
 */
export async function segmentationTask(encoder: Encoder, images: ImageDataset, options: Partial<SegmentationTaskOptions> = {}): Promise<SegmentationTaskResult> {
  const where = 'eval/segmentationTask';
  const started = performance.now();
  const o = resolveOptions(defaultSegmentationTaskOptions, taskRules, options, `${where} options`);
  check(encoder !== null && typeof encoder === 'object' && typeof encoder.apply === 'function', `${where}: encoder`, 'an Encoder', String(encoder));
  check(images !== null && typeof images === 'object' && images.images instanceof Uint8Array, `${where}: images`, 'an ImageDataset', String(images));
  const n = datasetSize(images);
  const half = Math.floor(n / 2);
  const trainIds = o.trainIds ?? Int32Array.from({ length: half }, (_, i) => i);
  const testIds = o.testIds ?? Int32Array.from({ length: n - half }, (_, i) => half + i);
  check(trainIds.length >= 1 && testIds.length >= 1, `${where}: images`, 'at least 2 images (one for training canvases, one for test canvases)', `${n}`);
  checkIds(trainIds, n, `${where} options.trainIds`);
  checkIds(testIds, n, `${where} options.testIds`);
  const inTrain = new Set(Array.from(trainIds));
  for (let i = 0; i < testIds.length; i++) {
    if (inTrain.has(testIds[i])) throw new InputError(`${where} options.testIds[${i}]`, 'a position not in trainIds (train and test digits disjoint)', String(testIds[i]));
  }
  const [eh, ew, ec] = encoder.config.inputShape;
  check(images.shape[2] === ec, `${where}: images`, `${ec} channels like the encoder's input`, `${images.shape[2]}`);

  // Every option is checked before the (slow) feature extraction starts.
  const rng = createRng(o.seed);
  const seedOf = (label: string): number => rng.fork(label).uint32() | 0;
  const canvas = resolveDigitCanvasOptions({ height: eh, width: ew, ...o.canvas }, `${where} options.canvas`);
  const featureOptions = resolveSpatialFeatureOptions(o.features, `${where} options.features`);
  const decoderOptions = resolveSegmentationDecoderOptions({ ...o.decoder, seed: seedOf('decoder') }, `${where} options.decoder`);
  const trainCanvases = digitCanvases(images, trainIds, { ...canvas, count: o.trainCanvases, seed: seedOf('train-canvases') });
  const testCanvases = digitCanvases(images, testIds, { ...canvas, count: o.testCanvases, seed: seedOf('test-canvases') });
  const canvasesDone = performance.now();

  let trainFeatures: tf.Tensor4D | undefined;
  let testFeatures: tf.Tensor4D | undefined;
  try {
    const train = spatialFeatures(encoder, trainCanvases.images, featureOptions);
    trainFeatures = train.features;
    testFeatures = spatialFeatures(encoder, testCanvases.images, featureOptions).features;
    const featuresDone = performance.now();
    const { decoder, losses } = await trainSegmentationDecoder(trainFeatures, trainCanvases, decoderOptions);
    const decoderDone = performance.now();
    try {
      const predictions = await decoder.predict(testFeatures);
      const score = meanIoU(predictions, testCanvases.masks, testCanvases.numClasses);
      const done = performance.now();
      return {
        miou: score.miou,
        pixelAccuracy: score.pixelAccuracy,
        perClassIoU: score.perClass,
        backgroundMiou: constantBackgroundMiou(testCanvases.masks),
        trainCanvases,
        testCanvases,
        predictions,
        how: train.how,
        layer: train.layer,
        grid: decoder.grid,
        featureDim: decoder.featureDim,
        losses,
        seconds: (done - started) / 1000,
        timings: {
          canvases: (canvasesDone - started) / 1000,
          features: (featuresDone - canvasesDone) / 1000,
          decoder: (decoderDone - featuresDone) / 1000,
          evaluation: (done - decoderDone) / 1000,
        },
      };
    } finally {
      decoder.dispose();
    }
  } finally {
    trainFeatures?.dispose();
    testFeatures?.dispose();
  }
}
