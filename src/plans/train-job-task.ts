import { activeBackend, ensureBackend, initBackend, type BackendChoice } from '../backend/init-backend';
import { loadSplitData } from '../experiments/experiment-data';
import type { TaskContext } from '../parallel/worker-task';
import { runStore } from '../runs/run-store';
import { NonFiniteLossError } from '../train/non-finite-loss-error';
import { encoderStore } from './encoder-store';
import { jobKey, jobRunConfig } from './job-key';
import type { JobMessage } from './job-message';
import { trainJob } from './train-job';
import type { TrainingJob } from './training-job';

/** Arguments of `trainJobTask` (plain JSON, so the task can run in a worker). */
export interface TrainJobTaskArgs {
  readonly job: TrainingJob;
  /** Root of the run store. */
  readonly root: string;
  /** The backend the caller computes with (its name, e.g. `wasm`); the task initialises the same. */
  readonly backend: BackendChoice;
  /**
   * The run key the caller expects (`jobKey(job)` in its own thread): a thread whose
   * backend or library build differs refuses to train instead of storing the encoder where
   * the caller will not look.
   */
  readonly key: string;
  /** The caller's provenance of that key (library, code fingerprint, arithmetic), to say which part differs. */
  readonly provenance?: unknown;
}

function mismatch(job: TrainingJob, mine: Record<string, unknown>, theirs: unknown, key: string, expected: string): Error {
  const m = mine.provenance as { arithmetic: unknown; code: unknown };
  const t = theirs as typeof m | undefined;
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const cause =
    t !== undefined && !same(t.code, m.code)
      ? `its library code differs from the caller's (fingerprint ${JSON.stringify(m.code)}, the caller's ${JSON.stringify(t.code)}): was dist/ rebuilt while the caller ran? Run again`
      : t !== undefined && !same(t.arithmetic, m.arithmetic)
        ? `its backend computes with ${JSON.stringify(m.arithmetic)}, the caller's with ${JSON.stringify(t.arithmetic)}`
        : `its backend computes with ${JSON.stringify(m.arithmetic)}; give it the same backend and library build as the caller`;
  return new Error(`job ${job.label}: this thread would store run ${key.slice(0, 12)}..., the caller expects ${expected.slice(0, 12)}...: ${cause}`);
}

/**
 * Trains one job into the run store (kind `encoder`), in the calling thread or as a
 * `runInWorkers` task: the backend named in the arguments, the dataset loaded once per
 * thread, progress posted after every epoch and for every warning; a diverging loss is
 * reported with the job's label. In the calling thread, `signal` stops it after an epoch
 * (its checkpoints stay for resuming). Returns the job's run key.
 */
export async function trainJobTask(args: TrainJobTaskArgs, context?: Pick<TaskContext, 'progress' | 'post'>, signal?: AbortSignal): Promise<string> {
  const { job } = args;
  if (activeBackend()?.name === args.backend) await ensureBackend();
  else await initBackend({ backend: args.backend });
  const key = jobKey(job);
  if (key !== args.key) throw mismatch(job, jobRunConfig(job), args.provenance, key, args.key);
  const encoders = encoderStore(runStore(args.root));
  if (encoders.has(job)) return key;
  const data = await loadSplitData(job.dataset, job.split);
  let last: Omit<JobMessage, 'label' | 'seed' | 'warning'> = { epoch: 0, epochs: job.train.epochs, loss: Number.NaN };
  const post = (m: Omit<JobMessage, 'label' | 'seed'>) => context?.post({ label: job.label, seed: job.seed, ...m } satisfies JobMessage);
  let holder = '';
  const outcome = await encoders.trainInto(job, (checkpointDir) =>
    trainJob(job, data, {
      checkpointDir,
      onEpoch: (info) => {
        last = { epoch: info.epoch, epochs: info.epochs, loss: info.loss, ...(info.epsilon === undefined ? {} : { epsilon: info.epsilon }) };
        context?.progress(info.epoch / info.epochs, `${job.label} epoch ${info.epoch}/${info.epochs} loss ${info.loss.toFixed(4)}`);
        post(last);
        if (signal === undefined) return undefined;
        // In this thread: let a pending interrupt (SIGINT) be delivered between epochs, then stop on it.
        return new Promise<void>((resolve) => setImmediate(resolve)).then(() => signal.throwIfAborted());
      },
      onWarning: (w) => post({ ...last, warning: `encoder ${job.label}: ${w.message}` }),
    }).catch((error: unknown) => {
      if (error instanceof NonFiniteLossError) throw new Error(`encoder ${job.label} diverged: ${error.message}`, { cause: error });
      throw error;
    }),
  {
    onWait: (h) => {
      holder = `pid ${h.pid} on ${h.host}`;
      post({ ...last, note: `waiting for ${job.label}: being trained by ${holder}` });
    },
  });
  if (outcome === 'reused' && holder !== '') post({ ...last, note: `${job.label}: reused, trained meanwhile by ${holder}` });
  return key;
}
