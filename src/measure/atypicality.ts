import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import type { ImageDataset } from '../data/dataset';
import type { Encoder } from '../encoders/encoder';
import { extractFeatures } from '../eval/extract-features';
import { datasetSource } from '../memorization/image-source';
import { encoderRepresenter } from '../memorization/representer';
import { correlationDifference, spearmanTest } from '../stats/correlation-tests';
import { InputError } from '../util/errors';
import { withOverrides, type ExperimentConfig } from '../design/experiment-config';
import { loadExperimentData, setImages, type SetName } from '../design/experiment-data';
import { memorizationScores } from './memorization-scores';
import { loadTrainedEncoder, type TrainedEncodersOptions } from '../plans/trained-encoders';

/** Mean of the `k` smallest values of `row`, skipping NaN (infinite where none are left). */
function meanOfSmallest(row: Float64Array, k: number): number {
  const kept = Array.from(row).filter((v) => !Number.isNaN(v)).sort((a, b) => a - b).slice(0, k);
  return kept.length === 0 ? Number.NaN : kept.reduce((a, b) => a + b, 0) / kept.length;
}

/**
 * Mean distance of each query vector to its `k` nearest same-class reference vectors (rows
 * of `dim` floats; a query equal to a reference index of the same dataset is skipped by the caller).
 */
function knnDistance(queries: Float32Array, queryLabels: ArrayLike<number>, references: Float32Array, referenceLabels: ArrayLike<number>, dim: number, k: number, skip?: (q: number, r: number) => boolean): Float32Array {
  const nq = queryLabels.length;
  const nr = referenceLabels.length;
  const out = new Float32Array(nq);
  const row = new Float64Array(nr);
  for (let q = 0; q < nq; q++) {
    for (let r = 0; r < nr; r++) {
      if (referenceLabels[r] !== queryLabels[q] || skip?.(q, r)) {
        row[r] = Number.NaN;
        continue;
      }
      let s = 0;
      for (let j = 0; j < dim; j++) {
        const d = queries[q * dim + j] - references[r * dim + j];
        s += d * d;
      }
      row[r] = Math.sqrt(s);
    }
    out[q] = meanOfSmallest(row, k);
  }
  return out;
}

function checkK(k: number, where: string): void {
  if (!(Number.isInteger(k) && k >= 1)) throw new InputError(`${where}: k`, 'an integer >= 1', String(k));
}

/**
 * How atypical each image is for its class, measured without any encoder: the mean
 * pixel-space l2 distance (pixels in [0, 1]) to its `k` nearest neighbours of the same
 * class among `reference` images of `referenceDataset` (the image itself excluded).
 * Large = unlike the rest of its class. One value per id of `ids` (images of `dataset`).
 */
export function pixelAtypicality(
  dataset: ImageDataset,
  ids: ArrayLike<number>,
  referenceDataset: ImageDataset,
  reference: ArrayLike<number>,
  k = 5,
): Float32Array {
  const [h, w, c] = dataset.shape;
  const d = h * w * c;
  const [rh, rw, rc] = referenceDataset.shape;
  if (rh * rw * rc !== d) throw new InputError('pixelAtypicality: referenceDataset.shape', `${h}x${w}x${c} like the dataset`, `${rh}x${rw}x${rc}`);
  checkK(k, 'pixelAtypicality');
  const pixels = (ds: ImageDataset, list: ArrayLike<number>) => {
    const out = new Float32Array(list.length * d);
    for (let i = 0; i < list.length; i++) for (let p = 0; p < d; p++) out[i * d + p] = ds.images[list[i] * d + p] / 255;
    return out;
  };
  const labels = (ds: ImageDataset, list: ArrayLike<number>) => Int32Array.from(list, (i) => ds.labels[i]);
  const same = referenceDataset === dataset;
  return knnDistance(pixels(dataset, ids), labels(dataset, ids), pixels(referenceDataset, reference), labels(referenceDataset, reference), d, k, same ? (q, r) => ids[q] === reference[r] : undefined);
}

/** Rows of a feature matrix scaled to unit length. */
function normalizedRows(data: Float32Array, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length / cols; i++) {
    let s = 0;
    for (let j = 0; j < cols; j++) s += data[i * cols + j] ** 2;
    const norm = Math.max(Math.sqrt(s), 1e-12);
    for (let j = 0; j < cols; j++) out[i * cols + j] = data[i * cols + j] / norm;
  }
  return out;
}

/**
 * Atypicality in the eyes of encoders: the mean distance of each image's (L2-normalised,
 * clean) representation to its `k` nearest same-class reference images, averaged over the
 * encoders. With reference encoders g that never saw the images, it measures how unusual
 * an image is to a model of the data without the image's own influence.
 */
export async function representationAtypicality(
  encoders: readonly Encoder[],
  dataset: ImageDataset,
  ids: ArrayLike<number>,
  referenceDataset: ImageDataset,
  reference: ArrayLike<number>,
  k = 5,
): Promise<Float32Array> {
  checkK(k, 'representationAtypicality');
  if (encoders.length === 0) throw new InputError('representationAtypicality: encoders', 'at least one encoder', 'none');
  const out = new Float32Array(ids.length);
  const same = referenceDataset === dataset;
  for (const encoder of encoders) {
    const q = await extractFeatures(encoderRepresenter(encoder), datasetSource(dataset, ids));
    const r = await extractFeatures(encoderRepresenter(encoder), datasetSource(referenceDataset, reference));
    const dist = knnDistance(
      normalizedRows(q.data, q.cols),
      Int32Array.from(ids, (i) => dataset.labels[i]),
      normalizedRows(r.data, r.cols),
      Int32Array.from(reference, (i) => referenceDataset.labels[i]),
      q.cols,
      k,
      same ? (a, b) => ids[a] === reference[b] : undefined,
    );
    for (let i = 0; i < out.length; i++) out[i] += dist[i] / encoders.length;
  }
  return out;
}

/**
 * Scores with the per-class offset taken out: `score_centred` = `column` minus the mean of
 * `column` over the points of set `reference` (default `S_S`) with the same label (within
 * each `split_seed` when the table has one). Encoders f and g of a seed differ by an offset
 * per class that is often larger than memorization; centring by a set that measures it
 * leaves what is particular to the points.
 */
export function classCentred(scores: ColumnTable, options: { reference?: SetName; column?: string } = {}): ColumnTable {
  const reference = options.reference ?? 'S_S';
  const column = options.column ?? 'score_raw';
  const split = scores.columnNames().includes('split_seed');
  const keyOf = (d: Record<string, unknown>) => `${split ? d.split_seed : ''}/${d.label}`;
  const rows = scores.objects() as Array<Record<string, unknown>>;
  const sums = new Map<string, { sum: number; n: number }>();
  for (const d of rows) {
    if (d.set !== reference) continue;
    const s = sums.get(keyOf(d)) ?? { sum: 0, n: 0 };
    s.sum += d[column] as number;
    s.n++;
    sums.set(keyOf(d), s);
  }
  const centred = rows.map((d) => {
    const s = sums.get(keyOf(d));
    if (s === undefined) throw new InputError('classCentred', `points of ${reference} of class ${String(d.label)}${split ? ` in split ${String(d.split_seed)}` : ''} to centre by`, 'none');
    return (d[column] as number) - s.sum / s.n;
  });
  return scores.assign({ score_centred: centred });
}

/** Options of `atypicalityStudy`. */
export interface AtypicalityStudyOptions extends Pick<TrainedEncodersOptions, 'store' | 'workers' | 'onEpoch'> {
  /** Split seeds whose candidates are pooled. Default `[config.split.seed]`. */
  splitSeeds?: readonly number[];
  /** Neighbours of both atypicality measures. Default 5. */
  k?: number;
}

/**
 * Finding 3's data: for the candidates S_C and the control set S_E (neither encoder saw it)
 * of every split, the class-centred SSLMem (`classCentred` by S_S) and two atypicality
 * measures, both against the shared points S_S: `pixel_atypicality` (no encoder) and
 * `representation_atypicality` (in the representation of the reference encoders g, which
 * never saw S_C or S_E). Rows: `split_seed, id, set, label, score_raw, score_centred,
 * pixel_atypicality, representation_atypicality`.
 */
export async function atypicalityStudy(config: ExperimentConfig, options: AtypicalityStudyOptions = {}): Promise<ColumnTable> {
  const k = options.k ?? 5;
  const parts: ColumnTable[] = [];
  for (const splitSeed of options.splitSeeds ?? [config.split.seed]) {
    const split = withOverrides(config, { split: { seed: splitSeed } });
    const scored = await memorizationScores(split, options);
    const scores = classCentred(scored.assign({ split_seed: new Array<number>(scored.numRows()).fill(splitSeed) }));
    const data = await loadExperimentData(split);
    const g = await Promise.all(split.seeds.map((seed) => loadTrainedEncoder(split, 'g', seed, { store: options.store })));
    try {
      const shared = setImages(data, 'S_S');
      for (const set of ['S_C', 'S_E'] as const) {
        const { dataset, ids } = setImages(data, set);
        const rows = scores.filter(aq.escape((d: { set: string }) => d.set === set));
        if (rows.numRows() !== ids.length || !(rows.array('id') as number[]).every((id, i) => id === ids[i])) {
          throw new Error(`atypicalityStudy: the scores of ${set} are not in the order of the split`);
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
  return parts.reduce((a, b) => a.concat(b));
}

/** The atypicality measures `atypicalityStudy` computes. */
export const atypicalityMeasures = ['pixel_atypicality', 'representation_atypicality'] as const;

/** What `atypicalityTests` found. */
export interface AtypicalityTests {
  /** `measure, set, n, rho, t, p_value`: Spearman of the centred score with each measure, one-sided rho > 0. */
  readonly correlations: ColumnTable;
  /** `measure, rho_C, rho_E, z, p_value`: is the association on S_C stronger than on the control S_E (Fisher z, one-sided)? */
  readonly contrasts: ColumnTable;
  /** Finding 3 holds: for every measure, rho on S_C is above 0 (p < alpha) and above the control's (p < alpha). */
  readonly holds: boolean;
  readonly alpha: number;
}

/** Tests an `atypicalityStudy` table: are atypical candidates memorized most, beyond what the control set shows? */
export function atypicalityTests(study: ColumnTable, options: { alpha?: number } = {}): AtypicalityTests {
  const alpha = options.alpha ?? 0.01;
  const correlations = [];
  const contrasts = [];
  let holds = true;
  for (const measure of atypicalityMeasures) {
    const bySet: Record<string, ReturnType<typeof spearmanTest>> = {};
    for (const set of ['S_C', 'S_E']) {
      const rows = study.filter(aq.escape((d: { set: string }) => d.set === set));
      const r = spearmanTest(rows.array(measure) as number[], rows.array('score_centred') as number[]);
      bySet[set] = r;
      correlations.push({ measure, set, n: r.n, rho: r.rho, t: r.t, p_value: r.pValue });
    }
    const d = correlationDifference(bySet.S_C.rho, bySet.S_C.n, bySet.S_E.rho, bySet.S_E.n);
    contrasts.push({ measure, rho_C: bySet.S_C.rho, rho_E: bySet.S_E.rho, z: d.z, p_value: d.pValue });
    holds &&= bySet.S_C.rho > 0 && bySet.S_C.pValue < alpha && d.pValue < alpha;
  }
  return { correlations: aq.from(correlations), contrasts: aq.from(contrasts), holds, alpha };
}
