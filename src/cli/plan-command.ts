import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { initBackend, type BackendChoice } from '../backend/init-backend';
import { allPointsPlan, defaultFolds } from '../measure/all-point-scores';
import { loadExperimentData } from '../design/experiment-data';
import { encoderStore } from '../plans/encoder-store';
import { writePlanFile } from '../plans/plan-file';
import { sidePlan } from '../plans/side-plan';
import { defaultRunRoot, runStore } from '../runs/run-store';
import { InputError } from '../util/errors';
import type { Command } from './command';
import { backendNames, configOptionSpecs, resolveExperimentConfig } from './experiment-options';

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

/** `sslmem plan`: write the trainings a command needs as a plan file (and a Slurm array script). */
export const planCommand: Command = {
  summary: 'Write the trainings of a preset as a plan file, and optionally a Slurm array script that runs them.',
  help: {
    command: 'sslmem plan',
    summary:
      'Writes the training jobs that sslmem score needs for the config (f and g per seed; with --all-points the K-fold ' +
      'plan) as a JSON plan file, each with the run key it is expected under. With --slurm, also a Slurm array script ' +
      'whose task i runs `sslmem run-job PLAN i` against the run store; then `sslmem score` with the same options and ' +
      '--runs reads the trained encoders.',
    options: [
      ...configOptionSpecs,
      { name: 'out', kind: 'string', valueName: 'PLAN.json', description: 'The plan file to write (required).' },
      { name: 'slurm', kind: 'string', valueName: 'OUT.sbatch', description: 'Also write a Slurm array script here.' },
      { name: 'runs', kind: 'string', valueName: 'DIR', defaultText: 'runs/ or $SSLMEM_RUNS', description: 'The (shared) run store the jobs train into.' },
      { name: 'all-points', kind: 'flag', description: 'Plan the K-fold trainings of sslmem score --all-points.' },
      { name: 'folds', kind: 'integer', min: 2, default: defaultFolds, description: 'With --all-points: the number of folds.' },
      { name: 'missing', kind: 'flag', description: 'Only the jobs the run store lacks.' },
      { name: 'backend', kind: 'choice', choices: backendNames, defaultText: 'auto or $SSLMEM_BACKEND', description: 'Backend the run keys are computed for (the jobs must train with the same).' },
      { name: 'verbose', kind: 'flag', description: 'Print the stack trace of errors.' },
    ],
    examples: ['sslmem plan --preset laptop --out plan.json --slurm plan.sbatch --runs /shared/runs && sbatch plan.sbatch'],
  },
  async run({ values }, io) {
    const out = values.out as string | undefined;
    if (out === undefined) throw new InputError('option --out', 'the plan file to write (--out PLAN.json)', 'nothing');
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
