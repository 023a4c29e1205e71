import type { ColumnTable } from 'arquero';
import type { ImageDataset } from '../data/dataset';
import type { Encoder } from '../encoders/encoder';
import { extractFeatures } from '../eval/extract-features';
import { datasetSource } from '../memorization/image-source';
import { encoderRepresenter } from '../memorization/representer';
import { InputError } from '../util/errors';
import type { SetName } from '../design/experiment-data';

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
