import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { augmentationFromConfig } from '../augment/augmentation-from-config';
import { setImages, setNames, type SetName } from '../design/experiment-data';
import { layerMemorization, layerMemSummary } from '../measure/layer-memorization';
import type { ScoreColumn } from '../measure/summarize-scores';
import { datasetSource } from '../memorization/image-source';
import { scoreNormalizations } from '../memorization/normalize-scores';
import { layerNames } from '../memorization/layer-mem';
import { unitMem } from '../memorization/unit-mem';
import { InputError } from '../util/errors';
import type { Command } from './command';
import { experimentOptionSpecs } from './experiment-options';
import { configJson } from './output-names';
import type { OptionSpec } from './parse-args';
import { loadData, startRun, trainBoth } from './run-context';
import { formatDuration } from './status-line';
import { formatTable, listFiles } from './summary-text';
import { writeOutputs, type OutputContent } from './write-outputs';

/** The columns of `layer-mem.csv`, in order. */
export const layerMemColumns = ['layer', 'set', 'score', 'n', 'mean', 'std', 'median', 'q90', 'max'] as const;

/** The columns of `unit-mem.csv`, in order. */
export const unitMemColumns = ['layer', 'unit', 'unit_mem', 'top_id'] as const;

const layersSpec: OptionSpec = { name: 'layers', kind: 'string', valueName: 'L,L,...', defaultText: 'every layer of the encoder', description: 'Layers to score, by their applyLayers names (e.g. hidden1,hidden2,out).' };
const setsSpec: OptionSpec = { name: 'sets', kind: 'string', valueName: 'S,S,...', defaultText: 'S_C,S_S,S_I,S_E', description: 'Sets LayerMem is computed on.' };
const augmentationsSpec: OptionSpec = { name: 'augmentations', kind: 'integer', min: 1, default: 10, description: 'UnitMem: augmented views per point that each activation is averaged over.' };

function listOption(value: unknown, option: string, allowed: readonly string[]): string[] | undefined {
  if (value === undefined) return undefined;
  const items = String(value).split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (items.length === 0) throw new InputError(`option --${option}`, `a comma-separated list of ${allowed.join(', ')}`, JSON.stringify(value));
  for (const item of items) if (!allowed.includes(item)) throw new InputError(`option --${option}`, `names among ${allowed.join(', ')}`, JSON.stringify(item));
  return items;
}

/** The per-layer printed table: mean raw LayerMem on S_C and S_S, mean and max UnitMem. */
export function layerMemSummaryText(layerTable: ColumnTable, unitTable: ColumnTable): string {
  const stats = layerMemSummary(layerTable, 'score_raw').objects() as Array<{ layer: string; set: string; mean: number }>;
  const units = unitTable.objects() as Array<{ layer: string; unit_mem: number }>;
  const layers = [...new Set([...stats.map((r) => r.layer), ...units.map((r) => r.layer)])];
  const rows = layers.map((layer) => {
    const mem = units.filter((u) => u.layer === layer).map((u) => u.unit_mem);
    const mean = (set: string): number | string => stats.find((r) => r.layer === layer && r.set === set)?.mean ?? '';
    return {
      layer,
      sslmem_S_C: mean('S_C'),
      sslmem_S_S: mean('S_S'),
      units: mem.length,
      unitmem_mean: mem.length > 0 ? mem.reduce((s, v) => s + v, 0) / mem.length : '',
      unitmem_max: mem.length > 0 ? Math.max(...mem) : '',
    };
  });
  return formatTable(rows, ['layer', 'sslmem_S_C', 'sslmem_S_S', 'units', 'unitmem_mean', 'unitmem_max']);
}

/** `sslmem layer-mem`: LayerMem of every layer on the sets and UnitMem of every unit on S_C. */
export const layerMemCommand: Command = {
  summary: 'Train (or reuse) f and g and localise memorization: SSLMem per layer (LayerMem) and per unit (UnitMem).',
  help: {
    command: 'sslmem layer-mem',
    summary:
      'Localizing memorization (Wang et al. 2024): trains (or takes from the run store) the encoders f and g of every seed like ' +
      'sslmem score, then computes LayerMem, the SSLMem = SSL_g - SSL_f of every point on each layer\'s flattened output ' +
      'instead of the final representation (same views for all layers), and UnitMem of every unit (channel) of every layer of ' +
      "the first seed's f on the candidates S_C: (mu_max - mu_rest) / (mu_max + mu_rest) of the unit's mean activation over " +
      'augmented views, mu_rest the mean over the other points. UnitMem reads as in the paper on non-negative (relu) layers only.',
    options: [...experimentOptionSpecs, layersSpec, setsSpec, augmentationsSpec],
    notes: [
      'Writes to --out: layer-mem.csv (layer, set, score, n, mean, std, median, q90, max; score is raw, range or ratio as in ' +
        'sslmem score, range over the layer\'s S_C raw scores), unit-mem.csv (layer, unit, unit_mem, top_id; top_id is the ' +
        'train-split id of the point with the largest mean activation) and config.json. Prints per layer the mean raw LayerMem ' +
        'of S_C and S_S and the mean and max UnitMem.',
    ],
    examples: ['sslmem layer-mem --preset quick --out out/layer-quick', 'sslmem layer-mem --preset laptop --layers hidden1,hidden2 --sets S_C,S_E --out out/layer-laptop'],
  },
  async run({ values }, io) {
    const ctx = await startRun(values, io);
    const { config, line } = ctx;
    const sets = listOption(values.sets, 'sets', setNames) as SetName[] | undefined;
    const data = await loadData(ctx);
    const pair = await trainBoth(ctx);
    try {
      const first = pair.f[0].encoder;
      const layers = listOption(values.layers, 'layers', layerNames(first)) ?? layerNames(first);
      const started = Date.now();
      const layerTable = await layerMemorization(config, data, pair.f, pair.g, {
        layers,
        sets,
        onProgress: (set, done, total) => {
          if (done === total) line.log(`LayerMem of ${layers.length} layer(s) on ${set}: ${total} points, elapsed ${formatDuration((Date.now() - started) / 1000)}`);
        },
      });
      const { dataset, ids } = setImages(data, 'S_C');
      const augment = augmentationFromConfig(config.score.augment ?? config.augment);
      const units: Array<Record<string, unknown>> = [];
      const signed: string[] = [];
      for (const layer of layers) {
        const r = await unitMem(first, layer, datasetSource(dataset, ids), augment, {
          augmentations: values.augmentations as number,
          batchSize: config.score.batchSize,
          seed: config.score.seed,
        });
        if (r.minActivation < 0) signed.push(layer);
        r.unitMem.forEach((v, u) => units.push({ layer, unit: u, unit_mem: v, top_id: ids[r.topPoint[u]] }));
      }
      line.log(`UnitMem of ${layers.length} layer(s) on S_C (${ids.length} points), elapsed ${formatDuration((Date.now() - started) / 1000)}`);
      const unitTable = units.length > 0 ? aq.from(units) : aq.table({ layer: [], unit: [], unit_mem: [], top_id: [] });
      const summary = aq.from(
        scoreNormalizations.flatMap((kind) => layerMemSummary(layerTable, `score_${kind}` as ScoreColumn).objects().map((r) => ({ ...r, score: kind }))),
      );
      const files: Array<[string, OutputContent]> = [
        ['layer-mem.csv', summary.select(...layerMemColumns).toCSV()],
        ['unit-mem.csv', unitTable.select(...unitMemColumns).toCSV()],
        ['config.json', configJson(config)],
      ];
      const written = await writeOutputs(ctx.out, files);
      const head = `LayerMem and UnitMem of "${config.name}" on ${config.dataset.name}: ${config.seeds.length} seed(s), ${config.train.epochs} epochs; ` +
        `sslmem_* = mean raw LayerMem (SSL_g - SSL_f), unitmem_* over the units of f (seed ${pair.f[0].seed}) on S_C`;
      const caveat = signed.length > 0 ? `\nUnitMem assumes non-negative activations (relu); signed layer(s): ${signed.join(', ')}, read their UnitMem with care.\n` : '';
      io.stdout.write(`${head}\n\n${layerMemSummaryText(layerTable, unitTable)}\n${caveat}\n${listFiles(ctx.out, written)}\n`);
      return 0;
    } finally {
      pair.dispose();
    }
  },
};
