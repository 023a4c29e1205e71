import { describeBackend, initBackend, type BackendChoice } from '../backend/init-backend';
import type { ExperimentConfig, Side } from '../design/experiment-config';
import { loadExperimentData, type ExperimentData } from '../design/experiment-data';
import { defaultRunRoot, runStore, type RunStore } from '../runs/run-store';
import { trainedSides, type TrainedPair } from '../plans/trained-encoders';
import { encoderStore } from '../plans/encoder-store';
import { jobKey } from '../plans/job-key';
import { localRunner, type JobMessage, type Runner } from '../plans/runner';
import { sidePlan } from '../plans/side-plan';
import type { TrainingJob, TrainingPlan } from '../plans/training-job';
import { hostname } from 'node:os';
import { formatQueueWaitStatus, queueRunner } from '../queue/queue-runner';
import { redactedUrl, redisOptions } from '../queue/redis-url';
import { InputError } from '../util/errors';
import { resolveExperimentDp } from '../design/privacy-config';
import type { CliIo } from './cli-io';
import { resolveExperimentConfig } from './experiment-options';
import { historyFileName } from './output-names';
import { formatDuration, statusLine, type StatusLine } from './status-line';
import { checkOutputDir } from './write-outputs';
import { trainingReporter } from './training-reporter';
import { imageFolderNote, useImageCacheBeside } from './image-folder-note';

/** What a training command has resolved before it runs: config, output folder, run store, backend. */
export interface RunContext {
  readonly config: ExperimentConfig;
  /** The `--out` folder as given. */
  readonly out: string;
  readonly store: RunStore;
  readonly workers: number | undefined;
  /** The Redis URL of `--queue`, when the trainings go to queue workers. */
  readonly queue?: string;
  /** With `--queue`: the submitter id in the queued jobs (`sslmem queue cancel --submitter`). */
  readonly submitter?: string;
  /** Runs training plans into `store` with `workers` threads (each with this process's backend). */
  readonly runner: Runner;
  /** Progress and notes on stderr. */
  readonly line: StatusLine;
  readonly io: CliIo;
}

/**
 * Resolves the shared options of train / score / probe: the config (checked whole, sizes
 * against the dataset included, before anything slow starts), `--out` (required), the run
 * store, the backend (`--backend`; training workers get the same one in their task
 * arguments) and the runner. `options.config` replaces the config the options describe
 * (a command that resolved it itself, e.g. over a finding's settings).
 */
export async function startRun(values: Readonly<Record<string, unknown>>, io: CliIo, options: { config?: ExperimentConfig } = {}): Promise<RunContext> {
  useImageCacheBeside(values.runs as string | undefined);
  const config = options.config ?? resolveExperimentConfig(values);
  const out = values.out;
  if (typeof out !== 'string') throw new InputError('option --out', 'a folder for the output files (--out DIR)', 'nothing');
  checkOutputDir(out);
  const line = statusLine(io.stderr, { quiet: values.quiet === true });
  const info = await initBackend(values.backend === undefined ? {} : { backend: values.backend as BackendChoice });
  line.log(describeBackend(info));
  const store = runStore((values.runs as string | undefined) ?? defaultRunRoot(), {
    onDamaged: (r) => line.log(`run store: ${r.dir} was damaged (${r.problem}); removed it, computing it again`),
    onWarning: (message) => line.log(`warning: ${message}`),
  });
  const workers = values.workers as number | undefined;
  const queue = values.queue as string | undefined;
  if (queue !== undefined) redisOptions(queue);
  const submitter = `${hostname()}/${process.pid}`;
  const runner =
    queue === undefined
      ? localRunner({ store, workers })
      : queueRunner({
          url: queue,
          store,
          submitter,
          noWorkerWarnMs: ((values['no-worker-warn-s'] as number | undefined) ?? 30) * 1000,
          redisTimeoutMs: ((values['redis-timeout-s'] as number | undefined) ?? 30) * 1000,
          onStatus: (status) => line.log(formatQueueWaitStatus(status)),
          onWarning: (message) => line.log(`warning: ${message}`),
        });
  return { config, out, store, workers, queue, ...(queue === undefined ? {} : { submitter }), runner, line, io };
}

/** Loads the experiment's dataset and four sets, with a note of their sizes. */
export async function loadData(ctx: RunContext): Promise<ExperimentData> {
  const data = await loadExperimentData(ctx.config);
  const sizes = (['S_C', 'S_S', 'S_I', 'S_E'] as const).map((s) => `${s} ${data.split[s].length}`).join(', ');
  ctx.line.log(`data: ${ctx.config.dataset.name}, ${sizes}`);
  const folder = imageFolderNote(data.pair);
  if (folder !== undefined) ctx.line.log(folder);
  return data;
}

/** What `trainingPlan` returns: the trainings still missing and the progress callback for them. */
export interface TrainingPlanProgress {
  readonly missing: readonly TrainingJob[];
  /** Pass as `onEpoch` to the runner (or a recipe that runs the plan). */
  readonly onEpoch: (message: JobMessage) => void;
  /**
   * Clears the status line and, when the trainings succeeded (`failed` unset: the encoders
   * are stored), notes the training time if anything was trained; later calls do nothing.
   */
  finish(options?: { failed?: boolean }): void;
}

/**
 * Says on stderr which jobs of `plan` (default: the config's f and g per seed) will be
 * trained and how many are reused from the run store, and returns the progress callback
 * for the trainings.
 */
export function trainingPlan(ctx: RunContext, plan: TrainingPlan = sidePlan(ctx.config)): TrainingPlanProgress {
  const { store, line } = ctx;
  const missing = encoderStore(store).missing(plan);
  const reused = new Set(plan.map((job) => jobKey(job))).size - missing.length;
  const epochs = [...new Set(missing.map((job) => job.train.epochs))].join('/');
  if (missing.length > 0) {
    const workers =
      ctx.queue !== undefined ? `the workers of ${redactedUrl(ctx.queue)} (as submitter ${ctx.submitter ?? '?'})` : ctx.workers === undefined ? 'one worker per core' : `${Math.min(ctx.workers, missing.length)} worker(s)`;
    line.log(
      `training ${missing.length} encoder(s) for ${epochs} epochs with ${workers}` +
        (reused > 0 ? `; ${reused} reused from the run store ${store.root}` : `; run store ${store.root}`),
    );
  } else {
    line.log(`all ${plan.length} encoders reused from the run store ${store.root}`);
  }
  const started = Date.now();
  let epochCount = 0;
  let finished = false;
  let lastEpochAt = started;
  const report = trainingReporter(line, missing, { tty: ctx.io.stderr.isTTY === true });
  return {
    missing,
    onEpoch: (message) => {
      if (message.note === undefined && message.warning === undefined) {
        epochCount++;
        lastEpochAt = Date.now();
      }
      report(message);
    },
    finish: (options = {}) => {
      if (finished) return;
      finished = true;
      line.done();
      if (epochCount > 0 && options.failed !== true) line.log(`trained in ${formatDuration((lastEpochAt - started) / 1000)}`);
    },
  };
}

/**
 * Trains the encoders f and g of every seed that the run store lacks (progress on stderr)
 * and loads all of them (the config's side plan, or `jobs` when the caller built it).
 */
export async function trainBoth(ctx: RunContext, jobs: TrainingPlan = sidePlan(ctx.config)): Promise<TrainedPair> {
  const plan = trainingPlan(ctx, jobs);
  let failed = true;
  try {
    const pair = await trainedSides(jobs, { runner: ctx.runner, onEpoch: plan.onEpoch });
    failed = false;
    return pair;
  } finally {
    plan.finish({ failed });
  }
}

/** The stored training histories (`history-f-seed0.csv`, ...) of the experiment's encoders (its side plan, `plan` when given) that the run store has. */
export function storedHistories(ctx: Pick<RunContext, 'config' | 'store'>, plan: TrainingPlan = sidePlan(ctx.config)): Array<[string, string]> {
  const encoders = encoderStore(ctx.store);
  const files: Array<[string, string]> = [];
  for (const side of ['f', 'g'] as Side[]) {
    for (const job of plan.filter((j) => j.trainSet.kind === 'side' && j.trainSet.side === side)) {
      const history = encoders.historyCsv(job);
      if (history !== undefined) files.push([historyFileName(side, job.seed), history]);
    }
  }
  return files;
}

/** Under DP-SGD: the epsilon each stored encoder (of the side plan, `plan` when given) spent (its history's last `epsilon`), by `f0`, `g0`, ... */
export function storedEpsilons(ctx: Pick<RunContext, 'config' | 'store'>, plan?: TrainingPlan): Record<string, number> {
  const spent: Record<string, number> = {};
  if (ctx.config.dp === undefined) return spent;
  const encoders = encoderStore(ctx.store);
  for (const job of plan ?? sidePlan(ctx.config)) {
    const history = encoders.history(job);
    if (history === undefined || !history.columnNames().includes('epsilon') || history.numRows() === 0) continue;
    const side = job.trainSet.kind === 'side' ? job.trainSet.side : job.label;
    spent[`${side}${job.seed}`] = Number(history.get('epsilon', history.numRows() - 1));
  }
  return spent;
}

/** The DP-SGD settings and the epsilon every encoder spent, for a summary (and its JSON), or `undefined` without DP. */
export function privacyReport(ctx: Pick<RunContext, 'config' | 'store'>, plan?: TrainingPlan): { text: string; json: Record<string, unknown> } | undefined {
  if (ctx.config.dp === undefined) return undefined;
  const dp = resolveExperimentDp(ctx.config.dp);
  const spent = storedEpsilons(ctx, plan);
  const settings = `${dp.epsilon !== undefined ? `target epsilon ${dp.epsilon}` : `noise ${dp.noise}`}, delta ${dp.delta}, clip ${dp.clip}, ${dp.sampling} sampling`;
  const values = Object.entries(spent).map(([k, v]) => `${k} ${v.toFixed(3)}`);
  return {
    text: `DP-SGD (${settings}): epsilon spent ${values.length > 0 ? values.join(', ') : 'unknown (no history stored)'}`,
    json: { ...dp, epsilonSpent: spent },
  };
}
