import { datasetFacts } from '../data/dataset-facts';
import type { DatasetName } from '../data/load-dataset';
import { InputError } from '../util/errors';
import { validateExperimentConfig, type ExperimentConfig, type ValidateOption } from './experiment-config';

/** Names of the presets: `quick` (tests, CI, minutes), `laptop` (every notebook within an hour on 2 cores), `paper` (the paper's scale). */
export type PresetName = 'quick' | 'laptop' | 'paper';

/** Preset names in order of cost. */
export const presetNames: readonly PresetName[] = ['quick', 'laptop', 'paper'];

/**
 * Digits (MNIST and friends): an MLP encoder with SimCLR, several seeds per side. The
 * laptop preset holds 500 candidates while each encoder trains on only 750 images: the
 * split need not be the paper's 80/10/10, and 20/40/40 puts most of each encoder's data in
 * the sets that differ between f and g. notebooks/00-choosing-the-scale measures this
 * regime against 50/25/25 and 80/10/10 (the `scale` finding).
 */
const digits: Record<PresetName, ExperimentConfig> = {
  quick: {
    name: 'quick',
    dataset: { name: 'mnist' },
    split: { trainSize: 250, fractions: { shared: 0.2, candidate: 0.4, independent: 0.4 }, extraSize: 100, stratified: true, seed: 0 },
    encoder: { kind: 'mlp', hidden: [256, 256], outDim: 64 },
    objective: { name: 'simclr', temperature: 0.5, projector: { hidden: [128], outDim: 64 } },
    augment: { preset: 'digits' },
    train: { epochs: 30, batchSize: 64, optimizer: { name: 'adam' }, lr: 1e-3, schedule: 'constant', warmupEpochs: 0, checkpointEpochs: [10, 20] },
    seeds: [0],
    score: { pairs: 4, normalize: true, mode: 'pairs', on: 'representation', batchSize: 250, seed: 0 },
    probe: { trainSize: 1000, testSize: 500, epochs: 30, seed: 0 },
  },
  laptop: {
    name: 'laptop',
    dataset: { name: 'mnist' },
    split: { trainSize: 1250, fractions: { shared: 0.2, candidate: 0.4, independent: 0.4 }, extraSize: 500, stratified: true, seed: 0 },
    encoder: { kind: 'mlp', hidden: [512, 512], outDim: 128 },
    objective: { name: 'simclr', temperature: 0.5, projector: { hidden: [128], outDim: 64 } },
    augment: { preset: 'digits' },
    train: { epochs: 400, batchSize: 128, optimizer: { name: 'adam' }, lr: 1e-3, schedule: 'constant', warmupEpochs: 0, checkpointEpochs: [25, 50, 100, 200, 300] },
    seeds: [0, 1, 2],
    score: { pairs: 10, normalize: true, mode: 'pairs', on: 'representation', batchSize: 250, seed: 0 },
    probe: { trainSize: 5000, testSize: 2000, epochs: 50, seed: 0 },
  },
  paper: {
    name: 'paper',
    dataset: { name: 'mnist' },
    split: { trainSize: 50000, fractions: { shared: 0.8, candidate: 0.1, independent: 0.1 }, extraSize: 5000, stratified: false, seed: 0 },
    encoder: { kind: 'mlp', hidden: [512, 512], outDim: 128 },
    objective: { name: 'simclr', temperature: 0.5, projector: { hidden: [512], outDim: 128 } },
    augment: { preset: 'digits' },
    train: { epochs: 600, batchSize: 256, optimizer: { name: 'adam' }, lr: 1e-3, schedule: 'cosine', warmupEpochs: 10, checkpointEpochs: [100, 200, 300, 400, 500] },
    seeds: [0, 1, 2],
    score: { pairs: 10, normalize: true, mode: 'pairs', on: 'representation', batchSize: 500, seed: 0 },
    probe: { trainSize: 50000, testSize: 10000, epochs: 100, seed: 0 },
  },
};

/**
 * Natural images (CIFAR-10/100, STL-10): a small ResNet with SimCLR and the official
 * code's augmentations. The `paper` preset follows the paper's CIFAR-10 split
 * (40k / 5k / 5k, 600 epochs, 3 seeds); it needs a GPU machine.
 */
const natural: Record<PresetName, ExperimentConfig> = {
  quick: {
    ...digits.quick,
    dataset: { name: 'cifar10' },
    encoder: { kind: 'resnet', widths: [16, 32, 64], blocks: [1, 1, 1] },
    augment: { preset: 'natural' },
    train: { ...digits.quick.train, epochs: 10, checkpointEpochs: [5] },
  },
  laptop: {
    ...digits.laptop,
    dataset: { name: 'cifar10' },
    encoder: { kind: 'resnet', widths: [32, 64, 128], blocks: [1, 1, 1] },
    augment: { preset: 'natural' },
    train: { ...digits.laptop.train, epochs: 200, checkpointEpochs: [50, 100, 150] },
  },
  paper: {
    ...digits.paper,
    dataset: { name: 'cifar10' },
    encoder: { kind: 'resnet', widths: [64, 128, 256], blocks: [2, 2, 2] },
    augment: { preset: 'natural' },
  },
};

const families: Record<DatasetName, Record<PresetName, ExperimentConfig>> = {
  mnist: digits,
  'fashion-mnist': digits,
  kmnist: digits,
  synthetic: digits,
  cifar10: natural,
  cifar100: natural,
  stl10: natural,
  svhn: natural,
  folder: natural,
};

/**
 * The preset `name` for `dataset` (default MNIST): a complete, validated
 * `ExperimentConfig` (a fresh copy; `options.validate: false` skips the check, for a caller
 * that validates the config it builds from it once). Change fields with `withOverrides`.
 */
export function preset(name: string, dataset: DatasetName = 'mnist', options: ValidateOption = {}): ExperimentConfig {
  if (!presetNames.includes(name as PresetName)) {
    throw new InputError('preset name', `one of ${presetNames.join(', ')}`, JSON.stringify(name));
  }
  if (dataset === 'folder') throw new InputError('preset dataset', 'a named dataset (an image folder\'s preset is `folderPreset(name, { name: \'folder\', dir })`, scaled to its size)', '"folder"');
  const family = families[dataset];
  if (family === undefined) throw new InputError('preset dataset', `one of ${Object.keys(families).join(', ')}`, JSON.stringify(dataset));
  const config = fitToDataset(structuredClone(family[name as PresetName]), dataset);
  return options.validate === false ? config : validateExperimentConfig(config);
}

/** A family's preset for one of its datasets: that name, and sizes cut to the dataset's splits (STL-10 has 5000 training images). */
function fitToDataset(base: ExperimentConfig, dataset: DatasetName): ExperimentConfig {
  const facts = datasetFacts[dataset];
  const cap = (value: number, max: number | undefined): number => Math.min(value, max ?? value);
  return {
    ...base,
    dataset: { ...base.dataset, name: dataset },
    split: { ...base.split, trainSize: cap(base.split.trainSize, facts?.trainSize), extraSize: cap(base.split.extraSize, facts?.testSize) },
    probe: { ...base.probe, trainSize: cap(base.probe.trainSize, facts?.trainSize), testSize: cap(base.probe.testSize, facts?.testSize) },
  };
}
