import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { initBackend, type BackendChoice } from '../backend/init-backend';
import { allPointsPlan, defaultFolds } from '../measure/all-point-scores';
import { loadExperimentData } from '../design/experiment-data';
import { encoderStore } from '../plans/encoder-store';
import { writePlanFile } from '../plans/plan-file';
import { sidePlan } from '../plans/side-plan';
import { jobKey } from '../plans/job-key';
import { defaultRunRoot, runStore } from '../runs/run-store';
import { InputError } from '../util/errors';
import type { CliIo } from './cli-io';
import type { Command } from './command';
import { backendNames, configOptionSpecs, resolveExperimentConfig } from './experiment-options';
import { nextFindingStage, shellLine } from './finding-plan';
import { findingByName, findingSettings, settingOptionSpec } from './finding-settings';

/** The text of a Slurm array script whose task i trains job i of the plan file into the store. */
export function slurmScript(options: { planPath: string; jobs: number; runs: string; cli: string; node: string; backend?: string; cpus?: number; name?: string }): string {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  return [
    '#!/bin/bash',
    `#SBATCH --job-name=${(options.name ?? 'sslmem').replace(/[^A-Za-z0-9_.-]/g, '_')}`,
    `#SBATCH --array=0-${options.jobs - 1}`,
    `#SBATCH --cpus-per-task=${options.cpus ?? 2}`,
    '#SBATCH --output=sslmem-%A_%a.out',
    '# One training per array task, into the shared run store; afterwards `sslmem score ... --runs` on that store',
    '# reads the encoders (and trains nothing). Written by `sslmem plan --slurm`.',
    'set -euo pipefail',
    ...(options.backend === undefined ? [] : [`export SSLMEM_BACKEND=${q(options.backend)}`]),
    `exec ${q(options.node)} ${q(options.cli)} run-job ${q(options.planPath)} "$SLURM_ARRAY_TASK_ID" --runs ${q(options.runs)}`,
    '',
  ].join('\n');
}

/** Options of `sslmem plan` that choose a config `--finding` does not take (its settings choose them). */
const notWithFinding = ['dataset', 'objective', 'align-reg', 'all-points'] as const;

/** The options that recreate a finding's settings, as command-line words (for the next command to run). */
function findingWords(values: Readonly<Record<string, unknown>>, runs: string): string[] {
  const words = ['--preset', String(values.preset)];
  if (typeof values.config === 'string') words.push('--config', values.config);
  for (const assignment of (values.set as string[] | undefined) ?? []) words.push('--set', assignment);
  for (const assignment of (values.setting as string[] | undefined) ?? []) words.push('--setting', assignment);
  if (values.epochs !== undefined) words.push('--epochs', String(values.epochs));
  if (values.seeds !== undefined) words.push('--seeds', (values.seeds as number[]).join(','));
  if (typeof values['data-dir'] === 'string') words.push('--data-dir', values['data-dir']);
  if (typeof values.backend === 'string') words.push('--backend', values.backend);
  words.push('--runs', runs);
  return words;
}

/**
 * `sslmem plan --finding NAME`: writes the first stage of the finding's plan whose trainings
 * the run store lacks, and says which stage it wrote, what remains and what to run next.
 */
async function planFinding(values: Readonly<Record<string, unknown>>, out: string, io: CliIo): Promise<number> {
  for (const name of notWithFinding) {
    if (values[name] !== undefined) throw new InputError(`option --${name}`, 'nothing with --finding (the finding\'s settings choose it; change its config with --set or --config)', JSON.stringify(values[name]));
  }
  const name = values.finding as string;
  const finding = findingByName(name, 'option --finding');
  const settings = findingSettings(finding, values);
  await initBackend(values.backend === undefined ? {} : { backend: values.backend as BackendChoice });
  const runs = resolve((values.runs as string | undefined) ?? defaultRunRoot());
  const next = await nextFindingStage(finding, settings, runStore(runs));
  const words = findingWords(values, runs);
  if (next.index === undefined) {
    io.stdout.write(
      `nothing to plan: the run store ${runs} has every training of finding ${name} (${next.stages.length} stage${next.stages.length === 1 ? '' : 's'}); ` +
        `${shellLine(['sslmem', 'finding', name, ...words])} measures without training\n`,
    );
    return 0;
  }
  const stage = next.stages[next.index];
  const jobs = values.missing === true ? next.missing : (stage.jobs ?? []);
  const count = writePlanFile(out, jobs);
  io.stdout.write(`${count} training job(s) -> ${out}\n`);
  const slurm = typeof values.slurm === 'string' ? values.slurm : undefined;
  if (slurm !== undefined) {
    const script = slurmScript({ planPath: resolve(out), jobs: count, runs, cli: resolve(__dirname, 'main.js'), node: process.execPath, backend: values.backend as string | undefined, name: `sslmem-${name}-${stage.name}` });
    writeFileSync(slurm, script, { mode: 0o755 });
    io.stdout.write(`Slurm array of ${count} task(s) -> ${slurm} (submit with sbatch ${slurm})\n`);
  }
  const total = next.stages.length;
  const stored = new Set((stage.jobs ?? []).map((job) => jobKey(job))).size - next.missing.length;
  const later = next.stages.slice(next.index + 1);
  const runJobs = `${slurm !== undefined ? `sbatch ${shellLine([slurm])}, or ` : ''}${shellLine(['sslmem', 'run-job', out, 'I', '--runs', runs])} for I = 0..${count - 1}`;
  const again = shellLine(['sslmem', 'plan', '--finding', name, ...words, '--out', out, ...(slurm !== undefined ? ['--slurm', slurm] : []), ...(values.missing === true ? ['--missing'] : [])]);
  io.stderr.write(
    [
      `finding ${name}: wrote stage ${next.index + 1} of ${total} (${stage.name}: ${stage.description}): ${next.missing.length} training(s) to run` +
        (stored > 0 ? `, ${stored} already in the run store ${runs}` : ''),
      later.length === 0
        ? `no stage remains after it; next: run the jobs (${runJobs}), then ${shellLine(['sslmem', 'finding', name, ...words])} measures without training`
        : `${later.length} stage${later.length === 1 ? '' : 's'} remain${later.length === 1 ? 's' : ''} after it (${later.map((s) => s.name).join(', ')}); ` +
          `next: run the jobs (${runJobs}), then run this command again for stage ${next.index + 2}: ${again}`,
      '',
    ].join('\n'),
  );
  return 0;
}

/** `sslmem plan`: write the trainings a command needs as a plan file (and a Slurm array script). */
export const planCommand: Command = {
  summary: 'Write the trainings of a preset or a finding as a plan file, and optionally a Slurm array script that runs them.',
  help: {
    command: 'sslmem plan',
    summary:
      'Writes the training jobs that sslmem score needs for the config (f and g per seed; with --all-points the K-fold ' +
      'plan) as a JSON plan file, each with the run key it is expected under. With --slurm, also a Slurm array script ' +
      'whose task i runs `sslmem run-job PLAN i` against the run store; then `sslmem score` with the same options and ' +
      '--runs reads the trained encoders. With --finding NAME, the trainings of that finding instead.',
    options: [
      ...configOptionSpecs,
      { name: 'out', kind: 'string', valueName: 'PLAN.json', description: 'The plan file to write (required).' },
      { name: 'slurm', kind: 'string', valueName: 'OUT.sbatch', description: 'Also write a Slurm array script here.' },
      { name: 'runs', kind: 'string', valueName: 'DIR', defaultText: 'runs/ or $SSLMEM_RUNS', description: 'The (shared) run store the jobs train into.' },
      { name: 'all-points', kind: 'flag', description: 'Plan the K-fold trainings of sslmem score --all-points.' },
      { name: 'folds', kind: 'integer', min: 2, default: defaultFolds, description: 'With --all-points: the number of folds.' },
      { name: 'missing', kind: 'flag', description: 'Only the jobs the run store lacks.' },
      { name: 'finding', kind: 'string', valueName: 'NAME', description: "The trainings of a finding (sslmem finding --list) with --preset's settings and --set/--config, stage by stage: the first stage the run store lacks; run again once its jobs are trained." },
      { ...settingOptionSpec, description: `With --finding: ${settingOptionSpec.description}` },
      { name: 'backend', kind: 'choice', choices: backendNames, defaultText: 'auto or $SSLMEM_BACKEND', description: 'Backend the run keys are computed for (the jobs must train with the same).' },
      { name: 'verbose', kind: 'flag', description: 'Print the stack trace of errors.' },
    ],
    notes: [
      'With --finding NAME: a finding whose later trainings are chosen by earlier results (coreset, removal) is planned ' +
        'stage by stage: the command writes the first stage the run store lacks and prints the command to run next; once ' +
        'every stage is stored, `sslmem finding NAME` measures without training.',
    ],
    examples: [
      'sslmem plan --preset laptop --out plan.json --slurm plan.sbatch --runs /shared/runs && sbatch plan.sbatch',
      'sslmem plan --finding coreset --preset laptop --out coreset.json --slurm coreset.sbatch --runs /shared/runs',
    ],
  },
  async run({ values }, io) {
    const out = values.out as string | undefined;
    if (out === undefined) throw new InputError('option --out', 'the plan file to write (--out PLAN.json)', 'nothing');
    if (typeof values.finding === 'string') return planFinding(values, out, io);
    const settings = values.setting as readonly string[] | undefined;
    if (settings !== undefined && settings.length > 0) throw new InputError('option --setting', "--finding NAME (it changes a finding's own settings; a config changes with --set)", settings[0]);
    const config = resolveExperimentConfig(values);
    await initBackend(values.backend === undefined ? {} : { backend: values.backend as BackendChoice });
    const runs = resolve((values.runs as string | undefined) ?? defaultRunRoot());
    let plan = values['all-points'] === true ? allPointsPlan(config, await loadExperimentData(config), values.folds as number).jobs : sidePlan(config);
    if (values.missing === true) plan = encoderStore(runStore(runs)).missing(plan);
    if (plan.length === 0) {
      io.stdout.write(`nothing to plan: the run store ${runs} has every encoder\n`);
      return 0;
    }
    const count = writePlanFile(out, plan);
    io.stdout.write(`${count} training job(s) -> ${out}\n`);
    if (typeof values.slurm === 'string') {
      const script = slurmScript({ planPath: resolve(out), jobs: count, runs, cli: resolve(__dirname, 'main.js'), node: process.execPath, backend: values.backend as string | undefined, name: `sslmem-${config.name}` });
      writeFileSync(values.slurm, script, { mode: 0o755 });
      io.stdout.write(`Slurm array of ${count} task(s) -> ${values.slurm as string} (submit with sbatch ${values.slurm as string})\n`);
    }
    return 0;
  },
};
