import type { DatasetPair, ImageDataset } from '../data/dataset';
import { loadDataset } from '../data/load-dataset';
import { splitSets, trainSetOf, type SplitSets } from '../data/splits';
import { datasetSource, type BatchSource } from '../memorization/image-source';
import type { TrainData } from '../train/train-data';
import type { ExperimentConfig, Side } from './experiment-config';

/** Names of the four sets, in the order reports show them. */
export type SetName = 'S_C' | 'S_S' | 'S_I' | 'S_E';

/** The four sets in report order. */
export const setNames: readonly SetName[] = ['S_C', 'S_S', 'S_I', 'S_E'];

/** An experiment's data: the dataset pair and its four sets. */
export interface ExperimentData {
  readonly pair: DatasetPair;
  readonly split: SplitSets;
}

/** Loads the dataset of `config` and draws its four sets (`S_E` from the test split). */
export async function loadExperimentData(config: ExperimentConfig): Promise<ExperimentData> {
  const pair = await loadDataset(config.dataset.name, {
    dir: config.dataset.dir,
    synthetic: config.dataset.name === 'synthetic' ? { n: Math.max(config.split.trainSize, config.probe.trainSize), nTest: Math.max(config.split.extraSize, config.probe.testSize, 1), seed: 0 } : undefined,
  });
  const split = splitSets(pair.train.labels.length, pair.test.labels.length, {
    seed: config.split.seed,
    trainSize: config.split.trainSize,
    fractions: config.split.fractions,
    extraSize: config.split.extraSize,
    stratified: config.split.stratified,
    trainLabels: pair.train.labels,
    testLabels: pair.test.labels,
  });
  return { pair, split };
}

/** The dataset a set's ids index (`S_E` the test split, the others the train split) and the ids. */
export function setImages(data: ExperimentData, set: SetName): { dataset: ImageDataset; ids: Int32Array } {
  return { dataset: set === 'S_E' ? data.pair.test : data.pair.train, ids: data.split[set] };
}

/** The training images of one side, with their labels: f sees `S_S + S_C`, g sees `S_S + S_I`. */
export function trainingSource(data: ExperimentData, side: Side): BatchSource & TrainData {
  const ids = trainSetOf(side, data.split);
  const labels = data.pair.train.labels;
  return { ...datasetSource(data.pair.train, ids), labels: (indices) => Int32Array.from(indices, (i) => labels[ids[i]]) };
}
