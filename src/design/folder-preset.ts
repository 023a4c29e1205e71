import type { ImageFolderSpec } from '../data/image-folder/image-folder-spec';
import { splitSizes } from '../data/splits';
import { InputError } from '../util/errors';
import { datasetFactsOf } from './dataset-facts-of';
import { validateExperimentConfig, type ExperimentConfig } from './experiment-config';
import { preset, presetNames, type PresetName } from './presets';

/** Fewest training images an image folder needs for any preset (a config's smallest `split.trainSize`). */
export const minFolderTrainImages = 10;

/**
 * The preset `name` for an image folder, scaled to its size: the natural-image family
 * (ResNet, the `natural` augmentation) for 3 channels, the digits family (MLP, `digits`
 * augmentation) for 1; the training set, `S_E`, the probe's sets and the batch size cut to
 * the folder's images. A folder too small for any split is refused, naming how many images
 * it has and needs. Validated.
 */
export function folderPreset(name: string, spec: ImageFolderSpec): ExperimentConfig {
  if (!presetNames.includes(name as PresetName)) throw new InputError('preset name', `one of ${presetNames.join(', ')}`, JSON.stringify(name));
  const dataset = { ...spec, name: 'folder' as const };
  const facts = datasetFactsOf(dataset);
  if (facts === undefined) throw new InputError('dataset', 'an image folder', JSON.stringify(spec));
  const base = preset(name, facts.shape[2] === 1 ? 'mnist' : 'cifar10');
  if (facts.trainSize < minFolderTrainImages || facts.testSize < 1) {
    throw new InputError(
      spec.dir,
      `an image folder with at least ${minFolderTrainImages} training images and 1 test image (the ${name} preset uses up to ${base.split.trainSize} and ${base.split.extraSize})`,
      `${facts.trainSize} training and ${facts.testSize} test image(s)${facts.testSize === 0 ? ' (add a test/ folder, or more images per class for the held-out share)' : ''}`,
    );
  }
  const trainSize = Math.min(base.split.trainSize, facts.trainSize);
  const sizes = splitSizes(trainSize, base.split.fractions);
  const batchSize = Math.max(2, Math.min(base.train.batchSize, sizes.shared + sizes.candidate, sizes.shared + sizes.independent));
  return validateExperimentConfig({
    ...base,
    dataset,
    split: { ...base.split, trainSize, extraSize: Math.min(base.split.extraSize, facts.testSize) },
    train: { ...base.train, batchSize },
    probe: { ...base.probe, trainSize: Math.min(base.probe.trainSize, facts.trainSize), testSize: Math.min(base.probe.testSize, facts.testSize) },
  });
}
