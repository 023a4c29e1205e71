import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { subset, type ImageSubset } from '../../data/subset';
import type { ExperimentConfig } from '../../design/experiment-config';
import { loadExperimentData, type ExperimentData } from '../../design/experiment-data';
import { classCentred } from '../../measure/atypicality';
import { frameworkAgreement, sslVersusSupervised, type FrameworkAgreement } from '../../measure/frameworks-agree';
import { labelMemorization } from '../../measure/label-memorization';
import { memorizationScores } from '../../measure/memorization-scores';
import { probeEncoder } from '../../measure/probe-encoder';
import { sideJob } from '../../plans/training-job';
import { trainedJobs } from '../../plans/trained-encoders';
import type { Runner } from '../../plans/runner';
import type { FindingRunOptions } from '../finding';
import { frameworkConfigs } from '../framework-configs';
import { trainStages } from '../train-stages';
import { meanJobSeconds } from '../training-cost';
import { frameworksPlan } from './plan';
import { candidateReliability, reliabilityTable, withCeilings, type FrameworkReliabilityRow } from './reliability';
import type { FrameworksSettings } from './settings';

/** Images with a title and a caption each (a notebook shows them with `showImageGrid`). */
export interface FrameworksGallery {
  readonly title: string;
  readonly images: ImageSubset;
  readonly captions: readonly string[];
}

/** What `runFrameworks` measured. */
export interface FrameworksStudy {
  readonly settings: FrameworksSettings;
  /** The experiment config each framework (and `supervised`) was trained with. */
  readonly configs: Readonly<Record<string, ExperimentConfig>>;
  /**
   * One row per framework and point of S_C and S_S: `framework, kind ('ssl' |
   * 'supervised'), id, set, label, score, score_centred`. `score` is SSLMem (raw, the
   * definition) for an SSL framework and label memorization `p_f - p_g` for `supervised`;
   * `score_centred` subtracts the mean score of the point's class over S_S (`classCentred`).
   */
  readonly scores: ColumnTable;
  /** One row per framework: `framework, kind, encoder, accuracy` (linear probe of f, first seed), when probed. */
  readonly probes: ColumnTable;
  /**
   * The agreement of every pair of frameworks on the candidates' class-centred scores, and the
   * verdict per metric; its `pairs` carry each pair's `ceiling` and `spearman_disattenuated`
   * (`withCeilings`).
   */
  readonly agreement: FrameworkAgreement;
  /**
   * One row per framework: how far its seeds agree on the ranking of the candidates
   * (`candidateReliability`): `framework, kind, seeds, between_seeds, reliability, low, high,
   * seeds_for_0_8`. Two rankings cannot agree more than `sqrt` of the product of their reliabilities.
   */
  readonly reliability: ColumnTable;
  /** Mean training time of one encoder of the study, in seconds (from the stored histories; NaN when unknown). */
  readonly secondsPerEncoder: number;
  /** Per candidate: mean SSL percentile rank, supervised percentile rank and their difference (`sslVersusSupervised`). */
  readonly contrast: ColumnTable;
  /** The 16 candidates memorized most by the SSL frameworks and not by supervision, then the reverse. */
  readonly galleries: readonly FrameworksGallery[];
}

/**
 * The candidates' class-centred scores of each framework as aligned columns (the same
 * candidates in the same order), for `frameworkAgreement`.
 */
export function candidateScoreColumns(scores: ColumnTable, column: 'score' | 'score_centred' = 'score_centred'): Array<{ name: string; kind: 'ssl' | 'supervised'; ids: number[]; values: number[] }> {
  const candidates = scores.filter(aq.escape((d: { set: string }) => d.set === 'S_C'));
  const names = Array.from(new Set(candidates.array('framework') as string[]));
  const out = names.map((name) => {
    const rows = candidates.filter(aq.escape((d: { framework: string }) => d.framework === name)).orderby('id');
    return { name, kind: rows.get('kind', 0) as 'ssl' | 'supervised', ids: rows.array('id') as number[], values: Array.from(rows.array(column) as ArrayLike<number>) };
  });
  const ids = out[0]?.ids ?? [];
  for (const o of out) {
    if (o.ids.length !== ids.length || o.ids.some((id, i) => id !== ids[i])) {
      throw new Error(`candidateScoreColumns: framework ${o.name} scored other candidates than ${out[0].name}`);
    }
  }
  return out;
}

/** One framework's S_C and S_S rows of a score table with `column` as `score` and its class-centred `score_centred`. */
function keep(table: ColumnTable, framework: string, kind: 'ssl' | 'supervised', column: string): ColumnTable {
  const centred = classCentred(table, { column });
  const rows = centred.filter(aq.escape((d: { set: string }) => d.set === 'S_C' || d.set === 'S_S'));
  const n = rows.numRows();
  return rows
    .select('id', 'set', 'label', column, 'score_centred')
    .rename({ [column]: 'score' })
    .assign({ framework: new Array<string>(n).fill(framework), kind: new Array<string>(n).fill(kind) })
    .select('framework', 'kind', 'id', 'set', 'label', 'score', 'score_centred');
}

/** The linear-probe accuracy of encoder f of the first seed of `config`, loaded through the runner. */
async function probeFirstF(config: ExperimentConfig, data: ExperimentData, runner: Runner): Promise<number> {
  const [model] = await trainedJobs([sideJob(config, 'f', config.seeds[0])], { runner });
  try {
    return (await probeEncoder(config, data, model.encoder)).accuracy;
  } finally {
    model.dispose();
  }
}

/**
 * Finding 4's data on one split and its seeds: trains every SSL framework's f and g
 * (`frameworkConfigs`: the framework's defaults; MAE on its ViT) and supervised training's
 * at once through the runner, then scores each SSL framework by SSLMem and supervised
 * training by label memorization (Feldman & Zhang 2020), probes each f of the first
 * seed, tests the agreement of every pair on the candidates (`frameworkAgreement`) and
 * picks the candidates where SSL and supervision part (`sslVersusSupervised`). Scores
 * come from the run store when computed before.
 */
export async function runFrameworks(settings: FrameworksSettings, options: FindingRunOptions = {}): Promise<FrameworksStudy> {
  const runner = await trainStages(frameworksPlan, settings, options);
  const configs = frameworkConfigs(settings.config, settings.frameworks);
  const parts: ColumnTable[] = [];
  const probes: Array<Record<string, unknown>> = [];
  // Every framework trains on the same split of the same data: load it once.
  const data = await loadExperimentData(settings.config);
  const reliabilityRows: FrameworkReliabilityRow[] = [];
  for (const [framework, c] of Object.entries(configs)) {
    const kind = framework === 'supervised' ? 'supervised' : 'ssl';
    const table = kind === 'ssl' ? await memorizationScores(c, { runner }) : await labelMemorization(c, { runner });
    parts.push(keep(table, framework, kind, kind === 'ssl' ? 'score_raw' : 'score'));
    const r = candidateReliability(table, settings.agreement.seed ?? 0);
    if (r !== undefined) {
      const [low, high] = r.interval ?? [Number.NaN, Number.NaN];
      reliabilityRows.push({ framework, kind, seeds: r.seeds, between_seeds: r.pearson, reliability: r.reliability, low, high, seeds_for_0_8: r.seedsNeeded });
    }
    if (settings.probe !== false) probes.push({ framework, kind, encoder: String(c.encoder.kind), accuracy: await probeFirstF(c, data, runner) });
  }
  const scores = parts.reduce((a, b) => a.concat(b));
  const columns = candidateScoreColumns(scores);
  const measured = frameworkAgreement(columns, settings.agreement);
  const reliability = reliabilityTable(reliabilityRows);
  const agreement = reliabilityRows.length === 0 ? measured : { ...measured, pairs: withCeilings(measured.pairs, reliability) };
  const contrast = sslVersusSupervised(columns);
  const ids = columns[0].ids;
  const gallery = (order: 'ssl' | 'supervised', title: string): FrameworksGallery => {
    const rows = contrast.orderby(order === 'ssl' ? aq.desc('difference') : 'difference').slice(0, 16).objects() as Array<{ index: number; ssl_rank: number; supervised_rank: number }>;
    return { title, images: subset(data.pair.train, rows.map((r) => ids[r.index])), captions: rows.map((r) => `${r.ssl_rank.toFixed(2)}/${r.supervised_rank.toFixed(2)}`) };
  };
  return {
    settings,
    configs,
    scores,
    probes: probes.length > 0 ? aq.from(probes) : aq.table({ framework: [], kind: [], encoder: [], accuracy: [] }),
    agreement,
    reliability,
    secondsPerEncoder: meanJobSeconds((await frameworksPlan(settings)).stages.flatMap((stage) => stage.jobs ?? []), runner.encoders),
    contrast,
    galleries: [
      gallery('ssl', 'Memorized by the SSL frameworks, not by supervision (mean SSL percentile rank / supervised percentile rank under each)'),
      gallery('supervised', 'Memorized by supervision, not by the SSL frameworks'),
    ],
  };
}
