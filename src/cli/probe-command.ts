import * as aq from 'arquero';
import { probeEncoder } from '../measure/probe-encoder';
import type { Command } from './command';
import { requireLabels } from './require-labels';
import { experimentOptionSpecs } from './experiment-options';
import { configJson } from './output-names';
import type { OptionSpec } from './parse-args';
import { loadData, startRun, trainBoth } from './run-context';
import { formatTable, listFiles } from './summary-text';
import { writeOutputs } from './write-outputs';

const sideSpec: OptionSpec = { name: 'side', kind: 'choice', choices: ['f', 'g', 'both'], default: 'both', description: 'Which encoders to probe.' };

/** `sslmem probe`: linear-probe accuracy of the trained encoders f and g. */
export const probeCommand: Command = {
  summary: 'Linear-probe accuracy of the trained encoders f and g (frozen representations).',
  help: {
    command: 'sslmem probe',
    summary:
      'Trains (or takes from the run store) the encoders of every seed and measures the test accuracy of a softmax ' +
      'regression trained on their frozen representations (probe.trainSize train images, probe.testSize test images, ' +
      'the same for every encoder).',
    options: [...experimentOptionSpecs, sideSpec],
    notes: ['Writes to --out: probe.csv (side, seed, accuracy, train_accuracy, loss, test_loss) and config.json.'],
    examples: ['sslmem probe --preset quick --out out/quick', 'sslmem probe --side f --seeds 0,1 --out out/probe'],
  },
  async run({ values }, io) {
    const ctx = await startRun(values, io);
    requireLabels(ctx.config, 'sslmem probe');
    const data = await loadData(ctx);
    const pair = await trainBoth(ctx);
    const rows: Array<{ side: string; seed: number; accuracy: number; train_accuracy: number; loss: number; test_loss: number }> = [];
    try {
      const side = values.side as 'f' | 'g' | 'both';
      const models = [...(side === 'g' ? [] : pair.f), ...(side === 'f' ? [] : pair.g)];
      for (const m of models) {
        const started = Date.now();
        const r = await probeEncoder(ctx.config, data, m.encoder);
        rows.push({ side: m.side, seed: m.seed, accuracy: r.accuracy, train_accuracy: r.trainAccuracy, loss: r.loss, test_loss: r.testLoss });
        ctx.line.log(`probed ${m.side} seed ${m.seed}: accuracy ${r.accuracy.toFixed(4)} (${((Date.now() - started) / 1000).toFixed(1)}s)`);
      }
    } finally {
      pair.dispose();
    }
    const table = aq.from(rows);
    const written = await writeOutputs(ctx.out, [
      ['probe.csv', table.toCSV()],
      ['config.json', configJson(ctx.config)],
    ]);
    const means = (['f', 'g'] as const)
      .map((s) => rows.filter((r) => r.side === s))
      .filter((rs) => rs.length > 0)
      .map((rs) => `mean accuracy ${rs[0].side}: ${(rs.reduce((a, r) => a + r.accuracy, 0) / rs.length).toFixed(4)}`);
    const { config } = ctx;
    io.stdout.write(
      [
        `Linear probe of "${config.name}" on ${config.dataset.name}: ${config.probe.trainSize} train / ${config.probe.testSize} test images, ${config.probe.epochs} epochs`,
        '',
        formatTable(rows, ['side', 'seed', 'accuracy', 'train_accuracy']),
        '',
        ...means,
        '',
        listFiles(ctx.out, written),
        '',
      ].join('\n'),
    );
    return 0;
  },
};
