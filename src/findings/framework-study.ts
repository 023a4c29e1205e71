import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { sslObjectiveNames, type ObjectiveName } from '../methods/registry';
import { tTest } from '../stats/t-test';
import { classCentred } from '../measure/atypicality';
import { withObjective, type ExperimentConfig } from '../design/experiment-config';
import { loadExperimentData, type ExperimentData } from '../design/experiment-data';
import { labelMemorization } from '../measure/label-memorization';
import { memorizationScores } from '../measure/memorization-scores';
import { probeEncoder } from '../measure/probe-encoder';
import { loadTrainedEncoder, trainMissingEncoders, type TrainedEncodersOptions } from '../plans/trained-encoders';

/** Options of `frameworkStudy`. */
export interface FrameworkStudyOptions extends Pick<TrainedEncodersOptions, 'store' | 'workers' | 'onEpoch'> {
  /** SSL frameworks to compare. Default all six. */
  frameworks?: readonly ObjectiveName[];
  /** Linear-probe the encoder f of the first seed of each framework. Default true. */
  probe?: boolean;
}

/** What `frameworkStudy` returns. */
export interface FrameworkStudy {
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
}

/**
 * Finding 4's data on one split and its seeds: every SSL framework trains its own f and g
 * (`withObjective`: the framework's defaults; MAE on its ViT) and is scored by SSLMem;
 * supervised training on the same split is scored by label memorization (Feldman & Zhang
 * 2020). Everything comes from the run store when it was computed before.
 */
export async function frameworkStudy(config: ExperimentConfig, options: FrameworkStudyOptions = {}): Promise<FrameworkStudy> {
  const frameworks = options.frameworks ?? sslObjectiveNames;
  const configs: Record<string, ExperimentConfig> = {};
  for (const c of Object.values(frameworkConfigs(config, frameworks))) await trainMissingEncoders(c, options);
  const parts: ColumnTable[] = [];
  const probes: Array<Record<string, unknown>> = [];
  const keep = (table: ColumnTable, framework: string, kind: 'ssl' | 'supervised', column: string): ColumnTable => {
    const centred = classCentred(table, { column });
    const rows = centred.filter(aq.escape((d: { set: string }) => d.set === 'S_C' || d.set === 'S_S'));
    const n = rows.numRows();
    return rows
      .select('id', 'set', 'label', column, 'score_centred')
      .rename({ [column]: 'score' })
      .assign({ framework: new Array<string>(n).fill(framework), kind: new Array<string>(n).fill(kind) })
      .select('framework', 'kind', 'id', 'set', 'label', 'score', 'score_centred');
  };
  // Every framework trains on the same split of the same data: load it once for the probes.
  let data: ExperimentData | undefined;
  const probe = async (c: ExperimentConfig, framework: string, kind: string): Promise<void> => {
    if (options.probe === false) return;
    data ??= await loadExperimentData(config);
    const model = await loadTrainedEncoder(c, 'f', c.seeds[0], { store: options.store });
    try {
      const result = await probeEncoder(c, data, model.encoder);
      probes.push({ framework, kind, encoder: String(c.encoder.kind), accuracy: result.accuracy });
    } finally {
      model.dispose();
    }
  };
  for (const framework of frameworks) {
    const c = framework === config.objective.name ? config : withObjective(config, framework);
    configs[framework] = c;
    parts.push(keep(await memorizationScores(c, options), framework, 'ssl', 'score_raw'));
    await probe(c, framework, 'ssl');
  }
  const supervisedConfig = withObjective(config, 'supervised');
  configs.supervised = supervisedConfig;
  parts.push(keep(await labelMemorization(supervisedConfig, options), 'supervised', 'supervised', 'score'));
  await probe(supervisedConfig, 'supervised', 'supervised');
  return {
    configs,
    scores: parts.reduce((a, b) => a.concat(b)),
    probes: probes.length > 0 ? aq.from(probes) : aq.table({ framework: [], kind: [], encoder: [], accuracy: [] }),
  };
}

/**
 * One row per framework of a study: `framework, kind, encoder, accuracy` (when probed),
 * the mean score of S_C and S_S, their `gap` and the one-sided Welch p-value of
 * `S_C > S_S` (`p_value`): whether the framework memorizes its candidates at all at
 * this scale, which bounds how much its ranking of them can agree with anyone's.
 */
export function frameworkSummary(study: FrameworkStudy): ColumnTable {
  const rows = Object.keys(study.configs).map((framework) => {
    const of = (set: string) =>
      study.scores.filter(aq.escape((d: { framework: string; set: string }) => d.framework === framework && d.set === set)).array('score') as number[];
    const [candidates, shared] = [of('S_C'), of('S_S')];
    const t = tTest(candidates, shared, { alternative: 'greater' });
    const probe = (study.probes.objects() as Array<{ framework: string; accuracy: number }>).find((r) => r.framework === framework);
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    return {
      framework,
      kind: framework === 'supervised' ? 'supervised' : 'ssl',
      encoder: String(study.configs[framework].encoder.kind),
      accuracy: probe?.accuracy ?? Number.NaN,
      S_C: mean(candidates),
      S_S: mean(shared),
      gap: mean(candidates) - mean(shared),
      p_value: t.pValue,
    };
  });
  return aq.from(rows);
}

/**
 * The config each framework of `frameworkStudy` trains with (`withObjective`; the config's
 * own objective for its framework), and `supervised`'s, by name.
 */
export function frameworkConfigs(config: ExperimentConfig, frameworks: readonly ObjectiveName[] = sslObjectiveNames): Record<string, ExperimentConfig> {
  const out: Record<string, ExperimentConfig> = {};
  for (const f of frameworks) out[f] = f === config.objective.name ? config : withObjective(config, f);
  out.supervised = withObjective(config, 'supervised');
  return out;
}

/**
 * The candidates' class-centred scores of each framework as aligned columns (the same
 * candidates in the same order), for `frameworkAgreement`.
 */
export function candidateScoreColumns(study: FrameworkStudy, column: 'score' | 'score_centred' = 'score_centred'): Array<{ name: string; kind: 'ssl' | 'supervised'; ids: number[]; values: number[] }> {
  const candidates = study.scores.filter(aq.escape((d: { set: string }) => d.set === 'S_C'));
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
