import type { DatasetName } from '../data/load-dataset';
import { preset, presetNames } from '../design/presets';
import type { Command } from './command';
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
      { name: 'verbose', kind: 'flag', description: 'Print the stack trace of errors.' },
    ],
    examples: ['sslmem presets', 'sslmem presets --preset laptop --dataset cifar10 > laptop.json'],
  },
  async run({ values }, io) {
    const dataset = values.dataset as DatasetName;
    const shown =
      values.preset !== undefined
        ? preset(values.preset as string, dataset)
        : Object.fromEntries(presetNames.map((name) => [name, preset(name, dataset)]));
    io.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
    return 0;
  },
};
