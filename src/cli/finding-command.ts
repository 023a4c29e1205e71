import type { PresetName } from '../design/presets';
import { findingNames } from '../findings/registry';
import { InputError } from '../util/errors';
import type { CliIo } from './cli-io';
import type { Command } from './command';
import { configOptionSpecs, runOptionSpecs } from './experiment-options';
import { findingOutputs } from './finding-outputs';
import { findingProgress } from './finding-progress';
import { findingByName, findingSettings, settingOptionSpec } from './finding-settings';
import type { OptionSpec } from './parse-args';
import { startRun } from './run-context';
import { listFiles } from './summary-text';
import { formatDuration } from './status-line';
import { writeOutputs } from './write-outputs';

/** The options of `sslmem finding` and `sslmem plan --finding` that change a finding's config. */
export const findingConfigNames: readonly string[] = ['preset', 'config', 'set', 'epochs', 'seeds', 'data-dir'];

const findingOptions: readonly OptionSpec[] = [
  { name: 'list', kind: 'flag', description: 'List the findings: name, notebook and claim.' },
  ...configOptionSpecs
    .filter((o) => findingConfigNames.includes(o.name))
    .map((o) =>
      o.name === 'preset'
        ? { ...o, description: "The finding's settings for this preset (its notebook's with SSLMEM_PRESET=P)." }
        : o.name === 'config'
          ? { ...o, description: "JSON file with a full or partial experiment config, merged over the finding's config." }
          : o,
    ),
  settingOptionSpec,
  ...runOptionSpecs.map((o) => (o.name === 'out' ? { ...o, defaultText: 'out/NAME', description: 'Folder for the tables, figures and summary.json.' } : o)),
];

/** `sslmem finding --list`: every registered finding with its notebook and claim. */
export function findingListText(): string {
  const names: readonly string[] = findingNames;
  if (names.length === 0) return 'No finding is registered in this build.\n';
  const width = Math.max(...names.map((n) => n.length)) + 2;
  return `${names
    .map((name) => {
      const f = findingByName(name);
      return `${name.padEnd(width)}${f.notebook}\n${' '.repeat(width)}${f.claim}`;
    })
    .join('\n')}\n`;
}

async function runFinding(values: Readonly<Record<string, unknown>>, name: string, io: CliIo): Promise<number> {
  const finding = findingByName(name);
  const preset = String(values.preset) as PresetName;
  const settings = findingSettings(finding, values);
  const out = (values.out as string | undefined) ?? `out/${name}`;
  const ctx = await startRun({ ...values, out }, io, { config: settings.config });
  io.stdout.write(`${finding.name} (${finding.notebook}): ${finding.claim}\n${finding.describe(settings).map((l) => `${l}\n`).join('')}\n`);
  const progress = findingProgress(ctx);
  const started = Date.now();
  let study: unknown;
  let failed = true;
  try {
    study = await finding.run(settings, { runner: ctx.runner, onStage: progress.onStage, onEpoch: progress.onEpoch });
    failed = false;
  } finally {
    progress.finish({ failed });
  }
  ctx.line.log(`${finding.name}: ran in ${formatDuration((Date.now() - started) / 1000)}`);
  const outputs = findingOutputs(finding, study, { preset, settings });
  for (const note of outputs.notes) ctx.line.log(note);
  const written = await writeOutputs(out, outputs.files);
  io.stdout.write(`${outputs.verdict.lines.map((l) => `${l}\n`).join('')}\n${listFiles(out, written)}\n`);
  return 0;
}

/** `sslmem finding NAME`: runs a finding of the paper end to end (trainings, measurements, tables, figures, verdict). */
export const findingCommand: Command = {
  summary: 'Run a finding of the paper end to end: train, measure, write its tables, figures and verdict.',
  help: {
    command: 'sslmem finding',
    summary:
      'Runs the finding <name> as its notebook does: the settings of --preset (with --set/--config changing its experiment ' +
      'config), every training of its plan through the local workers or the queue (--queue; encoders the run store has are ' +
      'reused), then its measurements. Prints what it trains, progress on stderr, and the verdict: whether the claim holds at ' +
      'this scale. Exits 0 whether or not it holds. `sslmem finding --list` names the findings.',
    positionals: [{ name: 'name', description: 'The finding (see --list).', required: false }],
    options: findingOptions,
    notes: [
      'Writes to --out: <table>.csv and <table>.arrow (Apache Arrow IPC) for every summary table, <figure>.png and ' +
        '<figure>.plotly.json for every figure, and summary.json (finding, notebook, claim, preset, settings, the verdict: ' +
        'holds, outcome, parts, sentence, lines; the names of the tables and figures). The folder is replaced as a whole.',
    ],
    examples: [
      'sslmem finding --list',
      'sslmem finding candidates-vs-shared --preset quick --out out/candidates',
      'sslmem finding coreset --preset laptop --queue redis://127.0.0.1:6379 --runs /shared/runs',
    ],
  },
  async run({ values, positionals }, io) {
    if (values.list === true) {
      if (positionals.name !== undefined) throw new InputError('option --list', 'no finding name (it lists them all)', JSON.stringify(positionals.name));
      io.stdout.write(findingListText());
      return 0;
    }
    if (positionals.name === undefined) {
      throw new InputError('sslmem finding', `a finding name${findingNames.length > 0 ? ` (one of ${findingNames.join(', ')})` : ''} or --list`, 'nothing');
    }
    return runFinding(values, positionals.name, io);
  },
};
