import { epsilonSpent } from '../plans/train-side';
import { saveEncoder } from '../train/encoder-file';
import type { Command } from './command';
import { experimentOptionSpecs } from './experiment-options';
import { configJson, encoderFileName, historyFileName } from './output-names';
import { loadData, startRun, trainBoth } from './run-context';
import { listFiles } from './summary-text';
import { writeOutputs, type OutputContent } from './write-outputs';

/** `sslmem train`: trains f and g for every seed and writes config, histories and encoders. */
export const trainCommand: Command = {
  summary: 'Train the encoders f and g of every seed (reusing stored ones).',
  help: {
    command: 'sslmem train',
    summary:
      'Trains one encoder f (on S_S + S_C) and one encoder g (on S_S + S_I) for every seed of the experiment config, ' +
      'in parallel worker threads; encoders already in the run store are reused, not retrained. Progress goes to stderr.',
    options: experimentOptionSpecs,
    notes: [
      'Writes to --out: config.json (the resolved config), history-<f|g>-seed<S>.csv (epoch, loss, lr, seconds; epsilon under --set dp.epsilon=...) and ' +
        'encoder-<f|g>-seed<S>.safetensors (weights with the encoder config in the metadata; Python: safetensors.numpy.load_file).',
    ],
    examples: ['sslmem train --preset quick --out out/quick', 'sslmem train --dataset synthetic --epochs 5 --seeds 0,1 --set encoder.hidden=[64] --out out/tiny'],
  },
  async run({ values }, io) {
    const ctx = await startRun(values, io);
    await loadData(ctx);
    const pair = await trainBoth(ctx);
    try {
      const files: Array<[string, OutputContent]> = [['config.json', configJson(ctx.config)]];
      for (const m of [...pair.f, ...pair.g]) files.push([historyFileName(m.side, m.seed), m.history.toCSV()]);
      for (const m of [...pair.f, ...pair.g]) files.push([encoderFileName(m.side, m.seed), (path: string) => saveEncoder(path, m.encoder)]);
      const written = await writeOutputs(ctx.out, files);
      const lines = [...pair.f, ...pair.g].map((m) => {
        const losses = m.history.array('loss') as ArrayLike<number>;
        const epsilon = epsilonSpent(m);
        return `  ${m.side} seed ${m.seed}: ${losses.length} epochs, final loss ${Number(losses[losses.length - 1]).toFixed(4)}${epsilon === undefined ? '' : `, epsilon spent ${epsilon.toFixed(3)} (DP-SGD)`}`;
      });
      io.stdout.write(['Trained encoders:', ...lines, listFiles(ctx.out, written), ''].join('\n'));
      return 0;
    } finally {
      pair.dispose();
    }
  },
};
