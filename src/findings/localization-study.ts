import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { augmentationFromConfig } from '../augment/augmentation-from-config';
import { ensureBackend } from '../backend/init-backend';
import { datasetSource } from '../memorization/image-source';
import { layerNames } from '../memorization/layer-mem';
import { unitMem, type UnitMemVariant } from '../memorization/unit-mem';
import type { ObjectiveName } from '../methods/registry';
import { sidePlan } from '../plans/side-plan';
import { cached } from '../runs/cached';
import { moduleOf } from '../runs/code-fingerprint';
import { runProvenance } from '../runs/provenance';
import { tableCodec } from '../runs/run-codec';
import { check } from '../util/errors';
import { trainingFields } from '../plans/encoder-run';
import type { ExperimentConfig } from '../design/experiment-config';
import { loadExperimentData, type ExperimentData } from '../design/experiment-data';
import { frameworkConfigs } from './framework-configs';
import { layerMemorization } from '../measure/layer-memorization';
import type { TrainedEncoder } from '../plans/train-side';
import { runnerOf, storeOf, type TrainedEncodersOptions } from '../plans/trained-encoders';

/** Options of `localizationStudy`. */
export interface LocalizationStudyOptions extends Omit<TrainedEncodersOptions, 'epoch'> {
  /** Frameworks to localise, each with its own f and g per seed (`frameworkConfigs`). Default simclr, vicreg and supervised. */
  frameworks?: readonly ObjectiveName[];
  /** UnitMem: augmented views per point that each activation is averaged over. Default 10. */
  augmentations?: number;
  /** UnitMem: mean (the paper's formula) or median of the other points. Default `'mean'`. */
  variant?: UnitMemVariant;
  /** Called when a framework's encoders are ready and after each seed is localised. */
  onProgress?: (message: string) => void;
  /** Compute the tables again even when the run store has them. Default false. */
  refresh?: boolean;
}

/** Default frameworks of `localizationStudy`: the preset's SimCLR, one more SSL framework, and supervised training as the contrast. */
export const defaultLocalizationFrameworks: readonly ObjectiveName[] = ['simclr', 'vicreg', 'supervised'];

/** What `localizationStudy` returns. */
export interface LocalizationStudy {
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

/**
 * Localising memorization (Wang et al. 2024, "Localizing Memorization in SSL Vision
 * Encoders") on the preset's split, for several frameworks: each trains (or takes from the
 * run store) one f and one g per seed, then per seed LayerMem of every layer on the four
 * sets and UnitMem of every unit of f and of g on the pool `S_C + S_I` (each side trained on
 * one half and never saw the other, so where a unit's most activating point lies says
 * whether the unit memorises a training point or just responds to an image). Both tables
 * are cached in the run store per framework (kinds `layer-mem`, `unit-mem`).
 */
export async function localizationStudy(config: ExperimentConfig, options: LocalizationStudyOptions = {}): Promise<LocalizationStudy> {
  await ensureBackend();
  const frameworks = options.frameworks ?? defaultLocalizationFrameworks;
  check(frameworks.length > 0, 'localizationStudy options.frameworks', 'at least one framework', 'none');
  const augmentations = options.augmentations ?? 10;
  const variant = options.variant ?? 'mean';
  const all = frameworkConfigs(config, frameworks.filter((f) => f !== 'supervised'));
  const configs: Record<string, ExperimentConfig> = Object.fromEntries(frameworks.map((f) => [f, all[f]]));
  const store = storeOf(options);
  const runner = runnerOf({ ...options, store });
  const say = options.onProgress ?? (() => undefined);
  await runner.run(Object.values(configs).flatMap((c) => sidePlan(c)), { onEpoch: options.onEpoch });
  const data = await loadExperimentData(config);
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
    layers: layerParts.reduce((a, b) => a.concat(b)).select('framework', aq.not('framework')),
    units: unitParts.reduce((a, b) => a.concat(b)).select('framework', aq.not('framework')),
  };
}
