import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import type { ImageDataset } from '../../data/dataset';
import { loadExperimentData, setImages } from '../../design/experiment-data';
import { classCentred, pixelAtypicality, representationAtypicality } from '../../measure/atypicality';
import { memorizationLevels, extremePoints } from '../../measure/memorization-levels';
import { memorizationScores } from '../../measure/memorization-scores';
import { classCounts } from '../../measure/summarize-scores';
import { sideJob } from '../../plans/training-job';
import { trainedJobs } from '../../plans/trained-encoders';
import type { FindingRunOptions } from '../finding';
import { trainStages } from '../train-stages';
import { meanJobSeconds } from '../training-cost';
import { candidateReliability } from '../../measure/ranking-reliability';
import { atypicalityTests, type AtypicalityTests } from './atypicality-tests';
import { atypicalPlan, splitConfigs } from './plan';
import type { AtypicalSettings } from './settings';

/** Images of the training set to show in a grid: their ids, a caption under each, and a title line above. */
export interface ImageGallery {
  readonly title: string;
  /** Ids into the study's `images`. */
  readonly ids: readonly number[];
  readonly captions: readonly string[];
  readonly columns: number;
}

/** What the atypicality study measured. */
export interface AtypicalStudy {
  readonly settings: AtypicalSettings;
  /**
   * For the candidates S_C and the control set S_E of every split: `split_seed, id, set,
   * label, score_raw, score_centred, pixel_atypicality, representation_atypicality`.
   */
  readonly points: ColumnTable;
  /** The rank-correlation tests of `points`. */
  readonly tests: AtypicalityTests;
  /**
   * How far each split's ranking of its candidates can be trusted (class means out, as the
   * tests rank them; `candidateReliability`): `split_seed, seeds, between_seeds, reliability,
   * low, high, seeds_for_0_8`; no rows with one seed per side.
   */
  readonly reliability: ColumnTable;
  /** Mean training time of the study's encoders as the run store recorded it, in seconds (NaN: unknown). */
  readonly secondsPerEncoder: number;
  /** The training images the ids point into (every split draws from them). */
  readonly images: ImageDataset;
  /** What was measured, in words (e.g. how many candidates and control points). */
  readonly lines: readonly string[];
  /** A line naming the classes of the first split's most memorized candidates by raw score, before centring (`label:count`, most frequent first). */
  readonly uncentredLine: string;
  /** The first split's most and least memorized candidates by centred score. */
  readonly extremes: readonly ImageGallery[];
  /** The first split's candidates with a memorization level (centred score min-max scaled over S_C, `memorizationLevels`). */
  readonly levels: ColumnTable;
  /** For each gallery class: up to `perLevel` candidates per level, from the highest level down. */
  readonly classGalleries: readonly ImageGallery[];
}

/**
 * Finding 3 (atypical points are memorized most): trains the encoders of every split (one
 * stage); for the candidates S_C and the control set S_E (neither encoder saw it) of every
 * split, the class-centred SSLMem (`classCentred` by S_S) and two atypicality measures, both
 * against the shared points S_S: `pixel_atypicality` (no encoder) and
 * `representation_atypicality` (in the representation of the reference encoders g, which
 * never saw S_C or S_E); then the tests and the galleries of the first split.
 */
export async function runAtypical(settings: AtypicalSettings, options: FindingRunOptions = {}): Promise<AtypicalStudy> {
  const runner = await trainStages(atypicalPlan, settings, options);
  const { k } = settings;
  const parts: ColumnTable[] = [];
  const reliability: Array<Record<string, number>> = [];
  for (const [i, split] of splitConfigs(settings).entries()) {
    const splitSeed = settings.splitSeeds[i];
    const scored = await memorizationScores(split, { runner });
    const r = candidateReliability(scored, splitSeed);
    if (r !== undefined) {
      reliability.push({ split_seed: splitSeed, seeds: r.seeds, between_seeds: r.pearson, reliability: r.reliability, low: r.interval?.[0] ?? Number.NaN, high: r.interval?.[1] ?? Number.NaN, seeds_for_0_8: r.seedsNeeded });
    }
    const scores = classCentred(scored.assign({ split_seed: new Array<number>(scored.numRows()).fill(splitSeed) }));
    const data = await loadExperimentData(split);
    const g = await trainedJobs(split.seeds.map((seed) => sideJob(split, 'g', seed)), { runner });
    try {
      const shared = setImages(data, 'S_S');
      for (const set of ['S_C', 'S_E'] as const) {
        const { dataset, ids } = setImages(data, set);
        const rows = scores.filter(aq.escape((d: { set: string }) => d.set === set));
        if (rows.numRows() !== ids.length || !(rows.array('id') as number[]).every((id, j) => id === ids[j])) {
          throw new Error(`atypical study: expected the scores of ${set} of split ${splitSeed} in the order of the split, found another order`);
        }
        const pixel = pixelAtypicality(dataset, ids, shared.dataset, shared.ids, k);
        const representation = await representationAtypicality(g.map((m) => m.encoder), dataset, ids, shared.dataset, shared.ids, k);
        parts.push(
          rows
            .select('split_seed', 'id', 'set', 'label', 'score_raw', 'score_centred')
            .assign({ pixel_atypicality: Array.from(pixel), representation_atypicality: Array.from(representation) }),
        );
      }
    } finally {
      g.forEach((m) => m.dispose());
    }
  }
  const points = parts.reduce((a, b) => a.concat(b));
  const images = (await loadExperimentData(settings.config)).pair.train;
  const candidates = points.filter(aq.escape((d: { set: string }) => d.set === 'S_C'));
  const first = settings.splitSeeds[0];
  const firstSplit = candidates.filter(aq.escape((d: { split_seed: number }) => d.split_seed === first));
  const gallery = (rows: ColumnTable, title: string): ImageGallery => ({
    title: `${title}; classes: ${classCounts(rows)}`,
    ids: rows.array('id') as number[],
    captions: (rows.array('score_centred') as number[]).map((v) => v.toFixed(3)),
    columns: 8,
  });
  const levels = memorizationLevels(firstSplit, { score: 'score_centred', rescale: true });
  const classGalleries = settings.galleryClasses.map((digit): ImageGallery => {
    const rows = levels.filter(aq.escape((d: { label: number }) => d.label === digit));
    const perLevel = rows
      .groupby('level_index')
      .derive({ rank: aq.op.row_number() })
      .filter(aq.escape((d: { rank: number }) => d.rank <= settings.perLevel))
      .ungroup()
      .orderby(aq.desc('level_index'));
    return {
      title: `class ${digit}: up to ${settings.perLevel} candidates per level, from >= 0.8 down to 0 (level under each)`,
      ids: perLevel.array('id') as number[],
      captions: perLevel.array('level') as string[],
      columns: 10,
    };
  });
  return {
    settings,
    points,
    tests: atypicalityTests(points, { alpha: settings.alpha }),
    reliability: aq.from(reliability),
    secondsPerEncoder: meanJobSeconds(splitConfigs(settings).flatMap((split) => (['f', 'g'] as const).flatMap((side) => split.seeds.map((seed) => sideJob(split, side, seed)))), runner.encoders),
    images,
    lines: [`${candidates.numRows()} candidates and ${points.numRows() - candidates.numRows()} control points (S_E) over ${settings.splitSeeds.length} splits`],
    uncentredLine: `before centring, the ${settings.extremes} highest raw scores have classes: ${classCounts(extremePoints(firstSplit, settings.extremes, { score: 'score_raw' }))}`,
    extremes: [
      gallery(extremePoints(firstSplit, settings.extremes, { score: 'score_centred' }), `Most memorized candidates of split ${first} (class-centred SSLMem under each)`),
      gallery(extremePoints(firstSplit, settings.extremes, { score: 'score_centred', order: 'least' }), 'Least memorized candidates'),
    ],
    levels,
    classGalleries,
  };
}
