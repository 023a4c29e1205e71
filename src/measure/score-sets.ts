import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { augmentationFromConfig } from '../augment/augmentation-from-config';
import { datasetSource } from '../memorization/image-source';
import { rangeNormalize } from '../memorization/normalize-scores';
import { encoderRepresenter, projectorRepresenter, type Representer } from '../memorization/representer';
import { sslmemScores } from '../memorization/sslmem-scores';
import { alignmentLosses, type AlignmentLossOptions } from '../memorization/alignment-loss';
import type { Encoder } from '../encoders/encoder';
import type { ObjectiveState } from '../methods/objective';
import type { ExperimentConfig } from '../design/experiment-config';
import { setImages, setNames, type ExperimentData, type SetName } from '../design/experiment-data';

/** An encoder to score with, and its objective state when scoring on the projector output. */
export interface ScoredEncoder {
  readonly encoder: Encoder;
  readonly objectiveState?: ObjectiveState;
}

/** Options of `scoreSets`. */
export interface ScoreSetsOptions {
  /** Which sets to score. Default all four. */
  sets?: readonly SetName[];
  /** Called after each batch with the set and the points done in it. */
  onProgress?: (set: SetName, done: number, total: number) => void;
}

/** The alignment-loss options of a config's `score` part. */
export function alignmentOptionsOf(config: ExperimentConfig): AlignmentLossOptions {
  const { pairs, normalize, mode, batchSize, seed } = config.score;
  return { pairs, normalize, mode, batchSize, seed };
}

/**
 * The alignment loss of every point of one set under each encoder (on the representation),
 * with the config's scoring views and settings: one `Float32Array` per encoder, in the
 * set's order. Recipes that need per-seed losses (over epochs, over regimes) build on it.
 */
export function setAlignmentLosses(config: ExperimentConfig, data: ExperimentData, encoders: readonly Encoder[], set: SetName): Promise<Float32Array[]> {
  const { dataset, ids } = setImages(data, set);
  return alignmentLosses(encoders.map((e) => encoderRepresenter(e)), datasetSource(dataset, ids), augmentationFromConfig(config.score.augment ?? config.augment), alignmentOptionsOf(config));
}

function representerOf(config: ExperimentConfig, model: ScoredEncoder): Representer {
  if (config.score.on === 'projection') {
    if (model.objectiveState === undefined) throw new Error('scoreSets: score.on is "projection" but an encoder came without its objective state');
    return projectorRepresenter(model.encoder, model.objectiveState);
  }
  return encoderRepresenter(model.encoder);
}

/**
 * SSLMem of every point of the chosen sets, as a tidy table with one row per point:
 * `id, set, label, align_f, align_g, score_raw, score_range, score_ratio` (`id` indexes
 * the train split for S_S/S_C/S_I and the test split for S_E). `align_*` are the mean
 * alignment losses over the given f and g encoders, on identical augmented views;
 * `score_raw = align_g - align_f` (the definition); `score_range` divides by max - min of
 * the raw scores of `S_C` (the official code's normalisation over the candidates; of all
 * scored points when S_C is not scored); `score_ratio = raw / (align_g + align_f)`.
 */
export async function scoreSets(
  config: ExperimentConfig,
  data: ExperimentData,
  f: readonly ScoredEncoder[],
  g: readonly ScoredEncoder[],
  options: ScoreSetsOptions = {},
): Promise<ColumnTable> {
  const sets = options.sets ?? setNames;
  const augment = augmentationFromConfig(config.score.augment ?? config.augment);
  const fReps = f.map((m) => representerOf(config, m));
  const gReps = g.map((m) => representerOf(config, m));
  const columns = { id: [] as number[], set: [] as string[], label: [] as number[], align_f: [] as number[], align_g: [] as number[], score_raw: [] as number[], score_ratio: [] as number[] };
  for (const set of sets) {
    const { dataset, ids } = setImages(data, set);
    const scores = await sslmemScores(fReps, gReps, datasetSource(dataset, ids), augment, {
      ...alignmentOptionsOf(config),
      onProgress: options.onProgress && ((done, total) => options.onProgress?.(set, done, total)),
    });
    for (let i = 0; i < ids.length; i++) {
      columns.id.push(ids[i]);
      columns.set.push(set);
      columns.label.push(dataset.labels[ids[i]]);
      columns.align_f.push(scores.alignF[i]);
      columns.align_g.push(scores.alignG[i]);
      columns.score_raw.push(scores.raw[i]);
      columns.score_ratio.push(scores.ratio[i]);
    }
  }
  const reference = columns.score_raw.filter((_, i) => columns.set[i] === 'S_C');
  const score_range = Array.from(rangeNormalize(columns.score_raw, reference.length > 1 ? reference : columns.score_raw));
  const { score_ratio, ...rest } = columns;
  return aq.table({ ...rest, score_range, score_ratio });
}
