import { describeBackend, initBackend, type BackendChoice } from '../backend/init-backend';
import type { ExperimentConfig, Side } from '../experiments/experiment-config';
import { loadExperimentData, type ExperimentData } from '../experiments/experiment-data';
import { encoderRunConfig, encoderRunKind } from '../experiments/encoder-run';
import { defaultRunRoot, runStore, type RunStore } from '../runs/run-store';
import type { TrainTaskMessage } from '../experiments/train-task';
import { missingEncoders, sideSeedPairs, trainedEncoders, type TrainedPair } from '../experiments/trained-encoders';
import { InputError } from '../util/errors';
import { resolveExperimentDp } from '../experiments/privacy-config';
import type { CliIo } from './cli-io';
import { resolveExperimentConfig } from './experiment-options';
import { historyFileName } from './output-names';
import { formatDuration, statusLine, type StatusLine } from './status-line';
import { checkOutputDir } from './write-outputs';
import { trainingReporter } from './training-reporter';

/** What a training command has resolved before it runs: config, output folder, run store, backend. */
export interface RunContext {
  readonly config: ExperimentConfig;
  /** The `--out` folder as given. */
  readonly out: string;
  readonly store: RunStore;
  readonly workers: number | undefined;
  /** Progress and notes on stderr. */
  readonly line: StatusLine;
  readonly io: CliIo;
}

/**
 * Resolves the shared options of train / score / probe: the config (checked whole, sizes
 * against the dataset included, before anything slow starts), `--out` (required), the run
 * store and the backend (`--backend` also reaches the training workers through
 * `SSLMEM_BACKEND`; `main` restores the variable afterwards).
 */
export async function startRun(values: Readonly<Record<string, unknown>>, io: CliIo): Promise<RunContext> {
  const config = resolveExperimentConfig(values);
  const out = values.out;
  if (typeof out !== 'string') throw new InputError('option --out', 'a folder for the output files (--out DIR)', 'nothing');
  checkOutputDir(out);
  const line = statusLine(io.stderr, { quiet: values.quiet === true });
  if (values.backend !== undefined) process.env.SSLMEM_BACKEND = values.backend as BackendChoice;
  const info = await initBackend();
  line.log(describeBackend(info));
  const store = runStore((values.runs as string | undefined) ?? defaultRunRoot(), {
    onDamaged: (r) => line.log(`run store: ${r.dir} was damaged (${r.problem}); removed it, computing it again`),
  });
  return { config, out, store, workers: values.workers as number | undefined, line, io };
}

/** Loads the experiment's dataset and four sets, with a note of their sizes. */
export async function loadData(ctx: RunContext): Promise<ExperimentData> {
  const data = await loadExperimentData(ctx.config);
  const sizes = (['S_C', 'S_S', 'S_I', 'S_E'] as const).map((s) => `${s} ${data.split[s].length}`).join(', ');
  ctx.line.log(`data: ${ctx.config.dataset.name}, ${sizes}`);
  return data;
}

/** What `trainingPlan` returns: the trainings still missing and the progress callback for them. */
export interface TrainingPlan {
  readonly missing: ReadonlyArray<{ side: Side; seed: number }>;
  /** Pass as `onEpoch` to `trainedEncoders` (or a recipe that calls it). */
  readonly onEpoch: (message: TrainTaskMessage) => void;
  /** Notes the training time (if anything was trained) and clears the status line; later calls do nothing. */
  finish(): void;
}

/**
 * Says on stderr which encoders will be trained and which are reused from the run store,
 * and returns the progress callback for the trainings.
 */
export function trainingPlan(ctx: RunContext): TrainingPlan {
  const { config, store, line } = ctx;
  const jobs = sideSeedPairs(config);
  const missing = missingEncoders(config, store);
  const reused = jobs.length - missing.length;
  if (missing.length > 0) {
    const workers = ctx.workers === undefined ? 'one worker per core' : `${Math.min(ctx.workers, missing.length)} worker(s)`;
    line.log(
      `training ${missing.length} encoder(s) for ${config.train.epochs} epochs with ${workers}` +
        (reused > 0 ? `; ${reused} reused from the run store ${store.root}` : `; run store ${store.root}`),
    );
  } else {
    line.log(`all ${jobs.length} encoders reused from the run store ${store.root}`);
  }
  const started = Date.now();
  let epochs = 0;
  let finished = false;
  let lastEpochAt = started;
  const report = trainingReporter(line, missing, config.train.epochs, { tty: ctx.io.stderr.isTTY === true });
  return {
    missing,
    onEpoch: (message) => {
      epochs++;
      lastEpochAt = Date.now();
      report(message);
    },
    finish: () => {
      if (finished) return;
      finished = true;
      line.done();
      if (epochs > 0) line.log(`trained in ${formatDuration((lastEpochAt - started) / 1000)}`);
    },
  };
}

/**
 * Trains the encoders f and g of every seed that the run store lacks (progress on stderr)
 * and loads all of them.
 */
export async function trainBoth(ctx: RunContext): Promise<TrainedPair> {
  const plan = trainingPlan(ctx);
  try {
    return await trainedEncoders(ctx.config, { store: ctx.store, workers: ctx.workers, onEpoch: plan.onEpoch });
  } finally {
    plan.finish();
  }
}

/** The stored training histories (`history-f-seed0.csv`, ...) of the experiment's encoders that the run store has. */
export function storedHistories(ctx: Pick<RunContext, 'config' | 'store'>): Array<[string, string]> {
  const files: Array<[string, string]> = [];
  for (const side of ['f', 'g'] as Side[]) {
    for (const seed of ctx.config.seeds) {
      const run = ctx.store.get(encoderRunKind, encoderRunConfig(ctx.config, side, seed));
      if (run !== undefined && run.files.includes('history.csv')) files.push([historyFileName(side, seed), run.readText('history.csv')]);
    }
  }
  return files;
}

/** Under DP-SGD: the epsilon each stored encoder spent (its history's last `epsilon`), by `f0`, `g0`, ... */
export function storedEpsilons(ctx: Pick<RunContext, 'config' | 'store'>): Record<string, number> {
  const spent: Record<string, number> = {};
  if (ctx.config.dp === undefined) return spent;
  for (const { side, seed } of sideSeedPairs(ctx.config)) {
    const run = ctx.store.get(encoderRunKind, encoderRunConfig(ctx.config, side, seed));
    if (run === undefined || !run.files.includes('history.csv')) continue;
    const rows = run.readText('history.csv').trim().split('\n');
    const column = rows[0].split(',').indexOf('epsilon');
    if (column >= 0 && rows.length > 1) spent[`${side}${seed}`] = Number(rows[rows.length - 1].split(',')[column]);
  }
  return spent;
}

/** The DP-SGD settings and the epsilon every encoder spent, for a summary (and its JSON), or `undefined` without DP. */
export function privacyReport(ctx: Pick<RunContext, 'config' | 'store'>): { text: string; json: Record<string, unknown> } | undefined {
  if (ctx.config.dp === undefined) return undefined;
  const dp = resolveExperimentDp(ctx.config.dp);
  const spent = storedEpsilons(ctx);
  const settings = `${dp.epsilon !== undefined ? `target epsilon ${dp.epsilon}` : `noise ${dp.noise}`}, delta ${dp.delta}, clip ${dp.clip}, ${dp.sampling} sampling`;
  const values = Object.entries(spent).map(([k, v]) => `${k} ${v.toFixed(3)}`);
  return {
    text: `DP-SGD (${settings}): epsilon spent ${values.length > 0 ? values.join(', ') : 'unknown (no history stored)'}`,
    json: { ...dp, epsilonSpent: spent },
  };
}
