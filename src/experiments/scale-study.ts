import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { augmentationFromConfig } from '../augment/augmentation-from-config';
import { datasetSource } from '../memorization/image-source';
import { ratioNormalize } from '../memorization/normalize-scores';
import { encoderRepresenter } from '../memorization/representer';
import { alignmentLosses } from '../memorization/alignment-loss';
import { loadTrainedEncoder, trainMissingEncoders, type TrainedEncodersOptions } from './trained-encoders';
import { mean } from '../stats/describe';
import { tTest } from '../stats/t-test';
import { withOverrides, type ExperimentConfig } from './experiment-config';
import { loadExperimentData, setImages, type ExperimentData } from './experiment-data';
import { lossAtEpoch } from './train-side';

/** Options of `scaleStudy`. */
export interface ScaleStudyOptions extends Pick<TrainedEncodersOptions, 'store' | 'workers' | 'onEpoch'> {
  /** Training-set sizes to compare (`split.trainSize`). */
  trainSizes: readonly number[];
  /** Called when one size is done. */
  onSize?: (trainSize: number, done: number, total: number) => void;
}

function meanOver(arrays: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(arrays[0].length);
  for (const a of arrays) for (let i = 0; i < a.length; i++) out[i] += a[i] / arrays.length;
  return out;
}

async function perSeedAlignment(config: ExperimentConfig, data: ExperimentData, epoch: number, store: ScaleStudyOptions['store']) {
  const augment = augmentationFromConfig(config.score.augment ?? config.augment);
  const models = [];
  for (const side of ['f', 'g'] as const) for (const seed of config.seeds) models.push(await loadTrainedEncoder(config, side, seed, { store, epoch }));
  try {
    const bySet: Record<string, Float32Array[]> = {};
    for (const set of ['S_C', 'S_S'] as const) {
      const { dataset, ids } = setImages(data, set);
      bySet[set] = await alignmentLosses(models.map((m) => encoderRepresenter(m.encoder)), datasetSource(dataset, ids), augment, {
        pairs: config.score.pairs,
        normalize: config.score.normalize,
        mode: config.score.mode,
        batchSize: config.score.batchSize,
        seed: config.score.seed,
      });
    }
    const n = config.seeds.length;
    const loss = mean(models.slice(0, n).map((m) => lossAtEpoch(m, epoch)));
    return { f: (set: string) => bySet[set].slice(0, n), g: (set: string) => bySet[set].slice(n), loss };
  } finally {
    models.forEach((m) => m.dispose());
  }
}

/**
 * How clearly memorization shows against the scale of the experiment: for every training
 * set size, every checkpoint epoch and every number of seeds k = 1..|seeds| (f and g
 * averaged over the first k seeds, the definition's expectation over A(S)), the mean
 * SSLMem (ratio) of S_C and S_S, their gap, and the one-sided Welch p-value of S_C > S_S.
 * Rows: `train_size, epoch, seeds, ssl_loss_f, sslmem_S_C, sslmem_S_S, gap, p_value`.
 */
export async function scaleStudy(base: ExperimentConfig, options: ScaleStudyOptions): Promise<ColumnTable> {
  const rows = [];
  for (const [s, trainSize] of options.trainSizes.entries()) {
    const config = withOverrides(base, { split: { trainSize } });
    await trainMissingEncoders(config, options);
    const data = await loadExperimentData(config);
    const epochs = [...new Set([...config.train.checkpointEpochs, config.train.epochs])].sort((a, b) => a - b);
    for (const epoch of epochs) {
      const a = await perSeedAlignment(config, data, epoch, options.store);
      for (let k = 1; k <= config.seeds.length; k++) {
        const ratio = (set: string) => ratioNormalize(meanOver(a.f(set).slice(0, k)), meanOver(a.g(set).slice(0, k)));
        const c = ratio('S_C');
        const sh = ratio('S_S');
        rows.push({
          train_size: trainSize,
          epoch,
          seeds: k,
          ssl_loss_f: a.loss,
          sslmem_S_C: mean(c),
          sslmem_S_S: mean(sh),
          gap: mean(c) - mean(sh),
          p_value: tTest(c, sh, { alternative: 'greater' }).pValue,
        });
      }
    }
    options.onSize?.(trainSize, s + 1, options.trainSizes.length);
  }
  return aq.from(rows);
}
