import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { augmentationFromConfig } from '../augment/augmentation-from-config';
import { alignmentLosses } from '../memorization/alignment-loss';
import { datasetSource } from '../memorization/image-source';
import { layerNames, layerRepresenter } from '../memorization/layer-mem';
import { rangeNormalize, ratioNormalize } from '../memorization/normalize-scores';
import { check } from '../util/errors';
import type { ExperimentConfig } from '../design/experiment-config';
import { setImages, setNames, type ExperimentData, type SetName } from '../design/experiment-data';
import { alignmentOptionsOf, type ScoredEncoder } from './score-sets';
import { scoreStatistics, type ScoreColumn } from './summarize-scores';

/** Options of `layerMemorization`. */
export interface LayerMemorizationOptions {
  /** Layers to score (names of `applyLayers`). Default every layer of the first f. */
  layers?: readonly string[];
  /** Sets to score. Default all four. */
  sets?: readonly SetName[];
  /** Called after each batch with the set and the points done in it. */
  onProgress?: (set: SetName, done: number, total: number) => void;
}

function meanAt(arrays: readonly Float32Array[], i: number): number {
  let s = 0;
  for (const a of arrays) s += a[i];
  return s / arrays.length;
}

/**
 * LayerMem (Wang et al. 2024, "Localizing Memorization in SSL Vision Encoders"): SSLMem of
 * every point of the chosen sets computed on each layer's flattened output instead of the
 * final representation (`layerRepresenter`), with the config's scoring views and settings,
 * all layers and encoders on the same views. A tidy table with one row per (layer, point):
 * `layer, id, set, label, align_f, align_g, score_raw, score_range, score_ratio`, as
 * `scoreSets` (`score_range` divides by max - min of that layer's raw scores on S_C, of all
 * its scored points when S_C is not scored). `InputError` for a layer some encoder lacks.
 */
export async function layerMemorization(
  config: ExperimentConfig,
  data: ExperimentData,
  f: readonly ScoredEncoder[],
  g: readonly ScoredEncoder[],
  options: LayerMemorizationOptions = {},
): Promise<ColumnTable> {
  const where = 'layerMemorization';
  check(f.length > 0 && g.length > 0, `${where}: f, g`, 'at least one encoder on each side', `${f.length} f, ${g.length} g`);
  const layers = options.layers ?? layerNames(f[0].encoder);
  check(layers.length > 0, `${where}: options.layers`, 'at least one layer', 'none');
  const sets = options.sets ?? setNames;
  sets.forEach((s, i) => check(setNames.includes(s), `${where}: options.sets[${i}]`, `one of ${setNames.join(', ')}`, String(s)));
  const representers = layers.flatMap((layer) => [...f, ...g].map((m) => layerRepresenter(m.encoder, layer)));
  const augment = augmentationFromConfig(config.score.augment ?? config.augment);
  const perLayer = layers.map(() => ({ id: [] as number[], set: [] as string[], label: [] as number[], align_f: [] as number[], align_g: [] as number[] }));
  const width = f.length + g.length;
  for (const set of sets) {
    const { dataset, ids } = setImages(data, set);
    const losses = await alignmentLosses(representers, datasetSource(dataset, ids), augment, {
      ...alignmentOptionsOf(config),
      onProgress: options.onProgress && ((done, total) => options.onProgress?.(set, done, total)),
    });
    layers.forEach((_, l) => {
      const fl = losses.slice(l * width, l * width + f.length);
      const gl = losses.slice(l * width + f.length, (l + 1) * width);
      const c = perLayer[l];
      for (let i = 0; i < ids.length; i++) {
        c.id.push(ids[i]);
        c.set.push(set);
        c.label.push(dataset.labels[ids[i]]);
        c.align_f.push(Math.fround(meanAt(fl, i)));
        c.align_g.push(Math.fround(meanAt(gl, i)));
      }
    });
  }
  const columns: Record<string, unknown[]> = { layer: [], id: [], set: [], label: [], align_f: [], align_g: [], score_raw: [], score_range: [], score_ratio: [] };
  layers.forEach((layer, l) => {
    const c = perLayer[l];
    const raw = c.align_g.map((v, i) => Math.fround(v - c.align_f[i]));
    const reference = raw.filter((_, i) => c.set[i] === 'S_C');
    const range = rangeNormalize(raw, reference.length > 1 ? reference : raw);
    const ratio = ratioNormalize(c.align_f, c.align_g);
    columns.layer.push(...c.id.map(() => layer));
    columns.id.push(...c.id);
    columns.set.push(...c.set);
    columns.label.push(...c.label);
    columns.align_f.push(...c.align_f);
    columns.align_g.push(...c.align_g);
    columns.score_raw.push(...raw);
    columns.score_range.push(...range);
    columns.score_ratio.push(...ratio);
  });
  return aq.table(columns);
}

/**
 * Per-layer, per-set statistics of one score column of a `layerMemorization` table (default
 * `score_raw`): rows `layer, set, n, mean, std, median, q90, max`, layers in table order,
 * sets as `scoreStatistics` orders them.
 */
export function layerMemSummary(table: ColumnTable, score: ScoreColumn = 'score_raw'): ColumnTable {
  const layers = [...new Set(Array.from(table.array('layer') as ArrayLike<string>))];
  const rows = layers.flatMap((layer) => {
    const part = table.filter(aq.escape((d: { layer: string }) => d.layer === layer));
    return scoreStatistics(part, score).objects().map((r) => ({ layer, ...r }));
  });
  return aq.from(rows).select('layer', 'set', 'n', 'mean', 'std', 'median', 'q90', 'max');
}
