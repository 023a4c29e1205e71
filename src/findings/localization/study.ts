import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { augmentationFromConfig } from '../../augment/augmentation-from-config';
import type { ImageDataset } from '../../data/dataset';
import { datasetSource } from '../../memorization/image-source';
import { layerNames } from '../../memorization/layer-mem';
import { unitMem, type UnitMemVariant } from '../../memorization/unit-mem';
import { sidePlan } from '../../plans/side-plan';
import type { Runner } from '../../plans/runner';
import type { TrainedEncoder } from '../../plans/train-side';
import { trainingFields } from '../../plans/encoder-run';
import { cached } from '../../runs/cached';
import { moduleOf } from '../../runs/code-fingerprint';
import { runProvenance } from '../../runs/provenance';
import { tableCodec } from '../../runs/run-codec';
import type { ExperimentConfig } from '../../design/experiment-config';
import { loadExperimentData, type ExperimentData } from '../../design/experiment-data';
import { layerMemorization } from '../../measure/layer-memorization';
import type { FindingRunOptions } from '../finding';
import { trainStages } from '../train-stages';
import { minutesSince } from '../minutes-since';
import { localizationPlan } from './plan';
import { localizationConfigs, type LocalizationSettings } from './settings';
import { mostMemorizingUnits } from './summary';

/** The most memorizing units of one framework's first f, as the notebook shows them. */
export interface TopUnits {
  readonly framework: string;
  /** E.g. `simclr: the 16 most memorizing units of f (seed 0); 9 of 16 are driven by a point f trained on; layers hidden1 7, hidden2 9`. */
  readonly line: string;
  /** Train-split ids of the driving points (into `study.images`). */
  readonly indices: readonly number[];
  /** `layer:unit`, `*` when the driving point is in S_I (f never trained on it). */
  readonly captions: readonly string[];
}

/** What the localization finding measured. */
export interface LocalizationStudy {
  readonly settings: LocalizationSettings;
  /** The config each framework was trained with. */
  readonly configs: Readonly<Record<string, ExperimentConfig>>;
  /**
   * LayerMem: one row per framework, seed, layer and point of the four sets: `framework,
   * seed, layer, depth (1 = first layer), id, set, label, align_f, align_g, score_raw,
   * score_range, score_ratio` (the seed's f against its g, as `layerMemorization`).
   */
  readonly layers: ColumnTable;
  /**
   * UnitMem: one row per framework, seed, side, layer and unit, computed on the pool
   * `S_C + S_I` (f trained on S_C and never saw S_I, g the other way round): `framework,
   * seed, side, layer, depth, unit, unit_mem, top_id, top_set, seen (the top point is in
   * the encoder's own training set), signed (the layer has negative activations, where
   * UnitMem has no [0, 1] reading)`.
   */
  readonly units: ColumnTable;
  /** The split's train images (what `topUnits` index). */
  readonly images: ImageDataset;
  /** Per framework the 16 most memorizing units of the first seed's f (relu layers). */
  readonly topUnits: readonly TopUnits[];
  /** What the run did, in the words the notebook prints (`trained`: encoders, table sizes and minutes). */
  readonly lines: { readonly trained: string };
}

/** Run-store kinds of the two tables. */
export const layerMemKind = 'layer-mem';
export const unitMemKind = 'unit-mem';

function studyKey(config: ExperimentConfig, extra: Record<string, unknown>): Record<string, unknown> {
  const { seeds, score } = config;
  return { ...trainingFields(config), seeds, score, ...extra, provenance: runProvenance(moduleOf(__filename)) };
}

function withColumns(table: ColumnTable, values: Record<string, unknown>): ColumnTable {
  const n = table.numRows();
  return table.assign(Object.fromEntries(Object.entries(values).map(([k, v]) => [k, new Array(n).fill(v)])));
}

async function layerTable(config: ExperimentConfig, data: ExperimentData, f: TrainedEncoder[], g: TrainedEncoder[], onSeed: (seed: number) => void): Promise<ColumnTable> {
  const parts: ColumnTable[] = [];
  for (let s = 0; s < config.seeds.length; s++) {
    const layers = layerNames(f[s].encoder);
    const table = await layerMemorization(config, data, [f[s]], [g[s]], { layers });
    const depth = (table.array('layer') as string[]).map((l) => layers.indexOf(l) + 1);
    parts.push(withColumns(table, { seed: config.seeds[s] }).assign({ depth }));
    onSeed(config.seeds[s]);
  }
  return parts.reduce((a, b) => a.concat(b)).select('seed', 'layer', 'depth', 'id', 'set', 'label', 'align_f', 'align_g', 'score_raw', 'score_range', 'score_ratio');
}

async function unitTable(
  config: ExperimentConfig,
  data: ExperimentData,
  encoders: readonly TrainedEncoder[],
  o: { augmentations: number; variant: UnitMemVariant },
  onSeed: (seed: number, side: string) => void,
): Promise<ColumnTable> {
  const candidates = Array.from(data.split.S_C);
  const independent = Array.from(data.split.S_I);
  const pool = [...candidates, ...independent];
  const inC = new Set(candidates);
  const source = datasetSource(data.pair.train, pool);
  const augment = augmentationFromConfig(config.score.augment ?? config.augment);
  const rows: Array<Record<string, unknown>> = [];
  for (const m of encoders) {
    const layers = layerNames(m.encoder);
    for (const [l, layer] of layers.entries()) {
      const r = await unitMem(m.encoder, layer, source, augment, { augmentations: o.augmentations, variant: o.variant, batchSize: config.score.batchSize, seed: config.score.seed });
      r.unitMem.forEach((v, u) => {
        const top = pool[r.topPoint[u]];
        const topSet = inC.has(top) ? 'S_C' : 'S_I';
        rows.push({ seed: m.seed, side: m.side, layer, depth: l + 1, unit: u, unit_mem: v, top_id: top, top_set: topSet, seen: (m.side === 'f') === (topSet === 'S_C'), signed: r.minActivation < 0 });
      });
    }
    onSeed(m.seed, m.side ?? m.label);
  }
  return aq.from(rows);
}

/** Options of `localizationTables`. */
export interface LocalizationTablesOptions {
  /** Called after each seed is localised and when a framework is done. */
  onProgress?: (message: string) => void;
  /** Compute the tables again even when the run store has them. Default false. */
  refresh?: boolean;
}

/**
 * LayerMem and UnitMem of every framework whose encoders are in the runner's store (loaded
 * through it, nothing trained): per seed LayerMem of every layer on the four sets and
 * UnitMem of every unit of f and of g on the pool `S_C + S_I`. Both tables are cached in the
 * run store per framework (kinds `layer-mem`, `unit-mem`).
 */
export async function localizationTables(settings: LocalizationSettings, runner: Runner, options: LocalizationTablesOptions = {}): Promise<Pick<LocalizationStudy, 'configs' | 'layers' | 'units'> & { data: ExperimentData }> {
  const { frameworks, augmentations, variant } = settings;
  const configs = localizationConfigs(settings);
  const store = runner.encoders.store;
  const say = options.onProgress ?? (() => undefined);
  const data = await loadExperimentData(settings.config);
  const layerParts: ColumnTable[] = [];
  const unitParts: ColumnTable[] = [];
  for (const framework of frameworks) {
    const c = configs[framework];
    let loaded: TrainedEncoder[] | undefined;
    const encoders = async (): Promise<TrainedEncoder[]> => {
      if (loaded === undefined) {
        loaded = [];
        for (const job of sidePlan(c)) loaded.push(await runner.encoders.load(job));
      }
      return loaded;
    };
    try {
      const layers = await cached(
        layerMemKind,
        studyKey(c, { sets: 'all' }),
        async () => {
          const m = await encoders();
          return layerTable(c, data, m.filter((e) => e.side === 'f'), m.filter((e) => e.side === 'g'), (seed) => say(`${framework}: LayerMem of seed ${seed}`));
        },
        { ...tableCodec('layer-mem.csv'), store, refresh: options.refresh },
      );
      const units = await cached(
        unitMemKind,
        studyKey(c, { pool: 'S_C+S_I', augmentations, variant }),
        async () => unitTable(c, data, await encoders(), { augmentations, variant }, (seed, side) => say(`${framework}: UnitMem of ${side} seed ${seed}`)),
        { ...tableCodec('unit-mem.csv'), store, refresh: options.refresh },
      );
      layerParts.push(withColumns(layers, { framework }));
      unitParts.push(withColumns(units, { framework }));
      say(`${framework}: done`);
    } finally {
      loaded?.forEach((m) => m.dispose());
    }
  }
  return {
    configs,
    data,
    layers: layerParts.reduce((a, b) => a.concat(b)).select('framework', aq.not('framework')),
    units: unitParts.reduce((a, b) => a.concat(b)).select('framework', aq.not('framework')),
  };
}

/** Per framework the `count` most memorizing units of the first seed's f, with the notebook's line and the grid's captions. */
function topUnitsOf(study: Pick<LocalizationStudy, 'units'>, settings: LocalizationSettings, count = 16): TopUnits[] {
  const seed = settings.config.seeds[0];
  return settings.frameworks.map((framework) => {
    const rows = mostMemorizingUnits(study, { framework, seed, count }).objects() as Array<{ layer: string; unit: number; seen: boolean; top_id: number }>;
    const seen = rows.filter((r) => r.seen).length;
    const layers = [...new Set(rows.map((r) => r.layer))].map((l) => `${l} ${rows.filter((r) => r.layer === l).length}`).join(', ');
    return {
      framework,
      line: `${framework}: the ${count} most memorizing units of f (seed ${seed}); ${seen} of ${count} are driven by a point f trained on; layers ${layers}`,
      indices: rows.map((r) => r.top_id),
      captions: rows.map((r) => `${r.layer.replace('hidden', 'h')}:${r.unit}${r.seen ? '' : '*'}`),
    };
  });
}

/**
 * Localising memorization (the follow-up paper, "Localizing Memorization in SSL Vision
 * Encoders") on the preset's split, for several frameworks: trains `localizationPlan`'s one
 * stage through the runner (per framework one f and one g per seed), then measures
 * `localizationTables` through it (each side trained on one half of the pool and never saw
 * the other, so where a unit's most activating point lies says whether the unit memorises a
 * training point or just responds to an image).
 */
export async function runLocalization(settings: LocalizationSettings, options: FindingRunOptions = {}): Promise<LocalizationStudy> {
  const started = Date.now();
  const runner = await trainStages(localizationPlan, settings, options);
  const tables = await localizationTables(settings, runner);
  const measured = { layers: tables.layers, units: tables.units };
  const encoders = settings.frameworks.length * 2 * settings.config.seeds.length;
  return {
    settings,
    configs: tables.configs,
    ...measured,
    images: tables.data.pair.train,
    topUnits: topUnitsOf(measured, settings),
    lines: { trained: `${encoders} encoders trained or loaded, LayerMem on ${measured.layers.numRows()} (layer, point, seed) rows and UnitMem of ${measured.units.numRows()} units in ${minutesSince(started)} min` },
  };
}
