import type { ColumnTable } from 'arquero';
import { augmentationFromConfig } from '../augment/augmentation-from-config';
import { datasetSource } from '../memorization/image-source';
import { encoderRepresenter, projectorRepresenter, type Representer } from '../memorization/representer';
import { alignmentLosses, type AlignmentLossOptions } from '../memorization/alignment-loss';
import { check } from '../util/errors';
import type { Encoder } from '../encoders/encoder';
import type { ObjectiveState } from '../methods/objective';
import type { ExperimentConfig } from '../design/experiment-config';
import { setImages, setNames, type ExperimentData, type SetName } from '../design/experiment-data';
import { concatPoints, scoreTable } from './score-table';

/** An encoder to score with, and its objective state when scoring on the projector output. */
export interface ScoredEncoder {
  readonly encoder: Encoder;
  readonly objectiveState?: ObjectiveState;
  /** The training seed (trained encoders have it): names the table's per-seed columns. */
  readonly seed?: number;
}

/**
 * The training seeds of f/g pairs (`f[k]` and `g[k]` of seed `seeds[k]`), for the per-seed
 * columns of `scoreTable`; undefined (the columns named by position) unless every pair
 * names one seed and the seeds are distinct.
 */
export function pairSeeds(f: readonly ScoredEncoder[], g: readonly ScoredEncoder[]): number[] | undefined {
  if (f.length !== g.length) return undefined;
  const seeds = f.map((m, k) => (m.seed !== undefined && m.seed === g[k].seed ? m.seed : undefined));
  if (seeds.some((s) => s === undefined || !Number.isInteger(s) || s < 0)) return undefined;
  return new Set(seeds).size === seeds.length ? (seeds as number[]) : undefined;
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

/** The points of some sets, one row each in set order, and each representer's alignment loss of every point `[n]`. */
export interface SetsAlignmentLosses {
  readonly rows: { readonly id: number[]; readonly set: SetName[]; readonly label: number[] };
  /** One `Float32Array` `[n]` per representer, in the rows' order. */
  readonly losses: Float32Array[];
}

/**
 * The alignment loss of every point of the chosen sets under each representer, with the
 * config's scoring views and settings (all representers on the same views, set by set),
 * and the points' ids, sets and labels: what `scoreTable` turns into scores.
 */
export async function setsAlignmentLosses(
  config: ExperimentConfig,
  data: ExperimentData,
  representers: readonly Representer[],
  sets: readonly SetName[],
  onProgress?: (set: SetName, done: number, total: number) => void,
): Promise<SetsAlignmentLosses> {
  const augment = augmentationFromConfig(config.score.augment ?? config.augment);
  const rows = { id: [] as number[], set: [] as SetName[], label: [] as number[] };
  const parts: Float32Array[][] = representers.map(() => []);
  for (const set of sets) {
    const { dataset, ids } = setImages(data, set);
    const losses = await alignmentLosses(representers, datasetSource(dataset, ids), augment, {
      ...alignmentOptionsOf(config),
      onProgress: onProgress && ((done, total) => onProgress(set, done, total)),
    });
    losses.forEach((l, r) => parts[r].push(l));
    for (const id of ids) {
      rows.id.push(id);
      rows.set.push(set);
      rows.label.push(dataset.labels[id]);
    }
  }
  return { rows, losses: parts.map(concatPoints) };
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
 * alignment losses over the given f and g encoders, on identical augmented views; the
 * score columns as `scoreTable` builds them: `score_raw = align_g - align_f` (the
 * definition); `score_range` divides by max - min of the raw scores of `S_C` (the official
 * code's normalisation over the candidates; of all scored points when S_C is not scored);
 * `score_ratio = raw / (align_g + align_f)`; then each training seed's own raw score
 * `raw_seed<S>` (f and g paired by position, named by their `seed`; see `scoreTable`).
 */
export async function scoreSets(
  config: ExperimentConfig,
  data: ExperimentData,
  f: readonly ScoredEncoder[],
  g: readonly ScoredEncoder[],
  options: ScoreSetsOptions = {},
): Promise<ColumnTable> {
  const where = 'scoreSets';
  check(f.length > 0 && g.length > 0, `${where}: f, g`, 'at least one encoder on each side', `${f.length} f, ${g.length} g`);
  const representers = [...f, ...g].map((m) => representerOf(config, m));
  const { rows, losses } = await setsAlignmentLosses(config, data, representers, options.sets ?? setNames, options.onProgress);
  return scoreTable({ ...rows, perF: losses.slice(0, f.length), perG: losses.slice(f.length) }, { seeds: pairSeeds(f, g) });
}
