import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { layerNames, layerRepresenter } from '../memorization/layer-mem';
import { check } from '../util/errors';
import type { ExperimentConfig } from '../design/experiment-config';
import { setNames, type ExperimentData, type SetName } from '../design/experiment-data';
import { pairSeeds, setsAlignmentLosses, type ScoredEncoder } from './score-sets';
import { scoreStatistics, type ScoreColumn } from './summarize-scores';
import { scoreTable } from './score-table';

/** Options of `layerMemorization`. */
export interface LayerMemorizationOptions {
  /** Layers to score (names of `applyLayers`). Default every layer of the first f. */
  layers?: readonly string[];
  /** Sets to score. Default all four. */
  sets?: readonly SetName[];
  /** Called after each batch with the set and the points done in it. */
  onProgress?: (set: SetName, done: number, total: number) => void;
}

/**
 * LayerMem (Wang et al. 2024, "Localizing Memorization in SSL Vision Encoders"): SSLMem of
 * every point of the chosen sets computed on each layer's flattened output instead of the
 * final representation (`layerRepresenter`), with the config's scoring views and settings,
 * all layers and encoders on the same views. A tidy table with one row per (layer, point):
 * `layer, id, set, label, align_f, align_g, score_raw, score_range, score_ratio, raw_seed<S>...`, as
 * `scoreSets` (`scoreTable` per layer: `score_range` divides by max - min of that layer's
 * raw scores on S_C, of all its scored points when S_C is not scored). `InputError` for a layer some encoder lacks.
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
  const { rows, losses } = await setsAlignmentLosses(config, data, representers, sets, options.onProgress);
  const width = f.length + g.length;
  const seeds = pairSeeds(f, g);
  const perLayer = layers.map((layer, l) => {
    const mine = losses.slice(l * width, (l + 1) * width);
    return scoreTable({ ...rows, perF: mine.slice(0, f.length), perG: mine.slice(f.length) }, { before: { layer: rows.id.map(() => layer) }, seeds });
  });
  return perLayer.reduce((all, table) => all.concat(table));
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
