import type { ColumnTable } from 'arquero';
import type { JobMessage } from '../plans/runner';
import type { TrainingPlan } from '../plans/training-job';
import { trainingPlan, type RunContext } from './run-context';
import { formatDuration, progressBar } from './status-line';

/** Progress of a command that trains (or reuses) encoders and then scores the sets. */
export interface TrainAndScoreProgress {
  /** Pass as `onEpoch` to the recipe. */
  readonly onEpoch: (message: JobMessage) => void;
  /** Pass as `onProgress` to the recipe: a bar per set on a terminal, a line per set elsewhere. */
  readonly onProgress: (set: string, done: number, total: number) => void;
  /** Seconds spent scoring, or `undefined` when nothing was scored (the table came from the run store). */
  scoringSeconds(): number | undefined;
  /** Ends the training plan (its time noted unless `failed`) and clears the status line. */
  finish(options?: { failed?: boolean }): void;
}

/**
 * The training plan's lines while encoders train (nothing when `stored`: the result comes
 * from the run store), then the scoring of each set, timed from the last epoch.
 */
export function trainAndScoreProgress(ctx: RunContext, stored: boolean, jobs?: TrainingPlan): TrainAndScoreProgress {
  const { line } = ctx;
  const plan = stored ? undefined : trainingPlan(ctx, jobs);
  const tty = ctx.io.stderr.isTTY === true;
  let lastEpochAt = Date.now();
  let scoring: number | undefined;
  return {
    onEpoch: (message) => {
      lastEpochAt = Date.now();
      plan?.onEpoch(message);
    },
    onProgress: (set, done, total) => {
      if (scoring === undefined) {
        plan?.finish();
        scoring = lastEpochAt;
      }
      if (tty) line.status(`scoring ${set} ${progressBar(done / total)} ${done}/${total}`);
      else if (done === total) line.log(`scored ${set}: ${total} points, elapsed ${formatDuration((Date.now() - scoring) / 1000)}`);
    },
    scoringSeconds: () => (scoring === undefined ? undefined : (Date.now() - scoring) / 1000),
    finish: (options = {}) => {
      plan?.finish(options);
      line.done();
    },
  };
}

/** What `trainAndScore` computes: a cached recipe's run-store kind and key, and the recipe. */
export interface TrainAndScoreJob {
  readonly kind: string;
  readonly key: Record<string, unknown>;
  /** What the log says when the table came from the run store. */
  readonly reused: string;
  /** The trainings the recipe runs (default: the config's f and g per seed). */
  readonly plan?: TrainingPlan;
  /** Runs the recipe with the progress callbacks and `refresh`; its trainings go to `runner` (local threads, or queue workers). */
  compute(options: { store: RunContext['store']; runner: RunContext['runner']; refresh: boolean; onEpoch: TrainAndScoreProgress['onEpoch']; onProgress: TrainAndScoreProgress['onProgress'] }): Promise<ColumnTable>;
}

/**
 * The body shared by the commands that train (or reuse) encoders and score with them:
 * progress while it runs, then a log line of the scoring time or of the reuse.
 */
export async function trainAndScore(ctx: RunContext, refresh: boolean, job: TrainAndScoreJob): Promise<ColumnTable> {
  const { store, line } = ctx;
  const stored = !refresh && store.has(job.kind, job.key);
  const progress = trainAndScoreProgress(ctx, stored, job.plan);
  let table: ColumnTable;
  let failed = true;
  try {
    table = await job.compute({ store, runner: ctx.runner, refresh, onEpoch: progress.onEpoch, onProgress: progress.onProgress });
    failed = false;
  } finally {
    progress.finish({ failed });
  }
  const seconds = progress.scoringSeconds();
  if (seconds !== undefined) line.log(`scored ${table.numRows()} points in ${formatDuration(seconds)}`);
  else line.log(job.reused);
  return table;
}

/** A command's summary text, the DP-SGD line when there is one, and the list of written files. */
export function reportText(summary: string, privacy: { text: string } | undefined, files: string): string {
  return `${summary}\n${privacy === undefined ? '' : `${privacy.text}\n`}\n${files}\n`;
}
