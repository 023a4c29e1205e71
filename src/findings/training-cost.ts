import type { EncoderStore } from '../plans/encoder-store';
import type { TrainingPlan } from '../plans/training-job';
import { runCost } from '../stats/projection';
import { formatDuration } from '../util/format-duration';

/**
 * The mean training time of a plan's jobs, in seconds: each stored job's epoch times summed
 * (its history, as measured when it trained), averaged over the jobs the store holds; NaN
 * when it holds none.
 */
export function meanJobSeconds(jobs: TrainingPlan, encoders: EncoderStore): number {
  const totals = jobs.flatMap((job) => {
    const history = encoders.history(job);
    if (history === undefined || !history.columnNames().includes('seconds')) return [];
    return [(history.array('seconds') as ArrayLike<number>).length === 0 ? 0 : Array.from(history.array('seconds') as ArrayLike<number>).reduce((a, b) => a + b, 0)];
  });
  return totals.length === 0 ? Number.NaN : totals.reduce((a, b) => a + b, 0) / totals.length;
}

/**
 * What running `jobs` trainings of `secondsPerJob` each would cost, in words: `120 trainings,
 * 3h20m on one worker, 25m00s on 8 queue workers`. Infinite jobs read as "no number of seeds
 * suffices"; an unknown time (NaN) leaves the durations out.
 */
export function costInWords(jobs: number, secondsPerJob: number, workers: readonly number[] = [1, 8]): string {
  if (!Number.isFinite(jobs)) return 'no number of seeds suffices';
  if (!Number.isFinite(secondsPerJob)) return `${jobs} trainings`;
  const costs = workers.map((w) => {
    const cost = runCost({ jobs, secondsPerJob, workers: w });
    return `${formatDuration(cost.seconds)} on ${w === 1 ? 'one worker' : `${w} queue workers`}`;
  });
  return `${jobs} trainings, ${costs.join(', ')}`;
}
