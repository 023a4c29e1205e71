import type { DatasetName } from '../data/load-dataset';
import { preset, presetNames } from '../design/presets';
import type { Command } from './command';
import { parseDataOption } from './data-option';
import { folderPreset } from '../design/folder-preset';
import { datasetNames } from './experiment-options';

/** `sslmem presets`: the preset experiment configs as JSON. */
export const presetsCommand: Command = {
  summary: 'Print the preset experiment configs as JSON.',
  help: {
    command: 'sslmem presets',
    summary:
      'Prints the preset experiment configs of a dataset as JSON: all of them keyed by name, or one with --preset (a ' +
      'complete config that can be edited and passed back with --config FILE).',
    options: [
      { name: 'preset', kind: 'choice', choices: presetNames, description: 'Show only this preset.' },
      { name: 'dataset', kind: 'choice', choices: datasetNames, default: 'mnist', description: 'Dataset of the preset family.' },
      { name: 'data', kind: 'string', valueName: 'folder:PATH', description: 'The presets of an image folder, scaled to its images (instead of --dataset).' },
      { name: 'verbose', kind: 'flag', description: 'Print the stack trace of errors.' },
    ],
    examples: ['sslmem presets', 'sslmem presets --preset laptop --dataset cifar10 > laptop.json', 'sslmem presets --preset quick --data folder:photos'],
  },
  async run({ values }, io) {
    const data = typeof values.data === 'string' ? parseDataOption(values.data) : undefined;
    const dataset = (data?.name ?? values.dataset) as DatasetName;
    const of = (name: string) => (data?.dir !== undefined ? folderPreset(name, { name: 'folder', dir: data.dir }) : preset(name, dataset));
    const shown = values.preset !== undefined ? of(values.preset as string) : Object.fromEntries(presetNames.map((name) => [name, of(name)]));
    io.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
    return 0;
  },
};
