import { resolve } from 'node:path';
import { activeBackend, initBackend, type BackendChoice } from '../backend/init-backend';
import { encoderStore } from '../plans/encoder-store';
import { readPlanFile } from '../plans/plan-file';
import { trainJobTask } from '../plans/train-job-task';
import { defaultRunRoot, runStore } from '../runs/run-store';
import type { Command } from './command';
import { useImageCacheBeside } from './image-folder-note';
import { backendNames } from './experiment-options';
import { formatDuration } from './status-line';
import { parseIndexArgument } from './index-argument';

/** `sslmem run-job PLAN.json I`: train job I of a plan file into the run store. */
export const runJobCommand: Command = {
  summary: 'Train one job of a plan file (sslmem plan) into the run store: a Slurm array task.',
  help: {
    command: 'sslmem run-job',
    summary:
      'Trains job <index> (from 0) of a plan file written by sslmem plan into the run store, or does nothing when the ' +
      'store has it; resumes from the job\'s last checkpoint when an earlier try was interrupted. Refuses to train when ' +
      'this machine would store the encoder under another run key than the plan expects, and says why: the job was edited ' +
      'since it was planned, or the library build or the arithmetic (backend) differs.',
    positionals: [
      { name: 'plan', description: 'The plan file (JSON).' },
      { name: 'index', description: 'Which job, from 0 ($SLURM_ARRAY_TASK_ID).' },
    ],
    options: [
      { name: 'runs', kind: 'string', valueName: 'DIR', defaultText: 'runs/ or $SSLMEM_RUNS', description: 'The (shared) run store.' },
      { name: 'backend', kind: 'choice', choices: backendNames, defaultText: 'auto or $SSLMEM_BACKEND', description: 'Backend of the training.' },
      { name: 'quiet', kind: 'flag', description: 'Print nothing but errors.' },
      { name: 'verbose', kind: 'flag', description: 'Print the stack trace of errors.' },
    ],
    examples: ['sslmem run-job plan.json 0 --runs /shared/runs'],
  },
  async run({ values, positionals }, io) {
    const plan = readPlanFile(positionals.plan);
    const index = parseIndexArgument(positionals.index, plan.jobs.length, 'argument <index>', { note: `the plan has ${plan.jobs.length} jobs` });
    const { job, key } = plan.jobs[index];
    const info = await initBackend(values.backend === undefined ? {} : { backend: values.backend as BackendChoice });
    const root = resolve((values.runs as string | undefined) ?? defaultRunRoot());
    useImageCacheBeside(root);
    const quiet = values.quiet === true;
    if (encoderStore(runStore(root)).has(job)) {
      if (!quiet) io.stdout.write(`job ${index} (${job.label}): already in the run store ${root}\n`);
      return 0;
    }
    const started = Date.now();
    await trainJobTask(
      { job, root, backend: (activeBackend()?.name ?? info.name) as BackendChoice, key, ...(plan.provenance === undefined ? {} : { provenance: plan.provenance }) },
      { progress: () => {}, post: (m) => { const e = m as { epoch: number; epochs: number; loss: number; warning?: string }; if (!quiet && (e.warning !== undefined || e.epoch === e.epochs || e.epoch % 10 === 0)) io.stderr.write(`${job.label}: ${e.warning ?? `epoch ${e.epoch}/${e.epochs} loss ${e.loss.toFixed(4)}`}\n`); } },
    );
    if (!quiet) io.stdout.write(`job ${index} (${job.label}): trained in ${formatDuration((Date.now() - started) / 1000)} -> run ${key.slice(0, 12)}... in ${root}\n`);
    return 0;
  },
};
