import type { DatasetPair, ImageDataset } from '../data/dataset';
import { loadDataset } from '../data/load-dataset';
import { splitSets, type SplitSets } from '../data/splits';
import { datasetFactsOf } from './dataset-facts-of';
import type { ExperimentConfig } from './experiment-config';

/** Names of the four sets, in the order reports show them. */
export type SetName = 'S_C' | 'S_S' | 'S_I' | 'S_E';

/** The four sets in report order. */
export const setNames: readonly SetName[] = ['S_C', 'S_S', 'S_I', 'S_E'];

/** An experiment's data: the dataset pair and its four sets. */
export interface ExperimentData {
  readonly pair: DatasetPair;
  readonly split: SplitSets;
}

/**
 * What `loadDataset` is asked for: the dataset's name and folder, the sizes a synthetic one
 * is generated with; for an image folder its size, channels, held-out share and the digest
 * of its files (so a job's run key changes with any file, and a worker whose copy differs refuses it).
 */
export interface DatasetRequest {
  readonly name: ExperimentConfig['dataset']['name'];
  readonly dir?: string;
  readonly synthetic?: { readonly n: number; readonly nTest: number; readonly seed: number };
  readonly size?: readonly [number, number];
  readonly channels?: 1 | 3;
  readonly heldOut?: number;
  /** An image folder's content digest (`ImageFolderListing.digest`). */
  readonly digest?: string;
}

/** The dataset request of a config (a synthetic dataset is generated large enough for its split and probe). */
export function datasetRequest(config: Pick<ExperimentConfig, 'dataset' | 'split' | 'probe'>): DatasetRequest {
  const { name, dir } = config.dataset;
  const synthetic = name === 'synthetic' ? { n: Math.max(config.split.trainSize, config.probe.trainSize), nTest: Math.max(config.split.extraSize, config.probe.testSize, 1), seed: 0 } : undefined;
  if (name === 'folder') {
    const { size, channels, heldOut } = config.dataset;
    const digest = datasetFactsOf(config.dataset)?.folder?.digest;
    return { name, dir, ...(size === undefined ? {} : { size }), ...(channels === undefined ? {} : { channels }), ...(heldOut === undefined ? {} : { heldOut }), ...(digest === undefined ? {} : { digest }) };
  }
  return { name, ...(dir === undefined ? {} : { dir }), ...(synthetic === undefined ? {} : { synthetic }) };
}

const loadedPairs = new Map<string, Promise<DatasetPair>>();

/**
 * The dataset pair of a config, loaded once per process (thread): later calls with the same
 * dataset get the same object, so the CLI, a recipe and the jobs of a worker share it. A
 * failed load is not kept.
 */
export function experimentDataset(request: DatasetRequest): Promise<DatasetPair> {
  const key = JSON.stringify(request);
  let pair = loadedPairs.get(key);
  if (pair === undefined) {
    const { size, channels, heldOut } = request;
    const folder = request.name === 'folder' ? { folder: { size, channels, heldOut }, ...(request.digest === undefined ? {} : { folderDigest: request.digest }) } : {};
    pair = loadDataset(request.name, { dir: request.dir, synthetic: request.synthetic, ...folder });
    loadedPairs.set(key, pair);
    pair.catch(() => loadedPairs.delete(key));
  }
  return pair;
}

/** Loads the dataset of `config` (once per process, see `experimentDataset`) and draws its four sets (`S_E` from the test split). */
export function loadExperimentData(config: Pick<ExperimentConfig, 'dataset' | 'split' | 'probe'>): Promise<ExperimentData> {
  return loadSplitData(datasetRequest(config), config.split);
}

/** The dataset of `request` (once per process) with the four sets of `splitSpec`. */
export async function loadSplitData(request: DatasetRequest, splitSpec: ExperimentConfig['split']): Promise<ExperimentData> {
  const pair = await experimentDataset(request);
  const split = splitSets(pair.train.labels.length, pair.test.labels.length, {
    seed: splitSpec.seed,
    trainSize: splitSpec.trainSize,
    fractions: splitSpec.fractions,
    extraSize: splitSpec.extraSize,
    stratified: splitSpec.stratified,
    trainLabels: pair.train.labels,
    testLabels: pair.test.labels,
  });
  return { pair, split };
}

/** The dataset a set's ids index (`S_E` the test split, the others the train split) and the ids. */
export function setImages(data: ExperimentData, set: SetName): { dataset: ImageDataset; ids: Int32Array } {
  return { dataset: set === 'S_E' ? data.pair.test : data.pair.train, ids: data.split[set] };
}

