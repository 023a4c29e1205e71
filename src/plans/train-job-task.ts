import { activeBackend, ensureBackend, initBackend, type BackendChoice } from '../backend/init-backend';
import { loadSplitData } from '../design/experiment-data';
import type { TaskContext } from '../parallel/worker-task';
import { runStore } from '../runs/run-store';
import { NonFiniteLossError } from '../train/non-finite-loss-error';
import { encoderStore } from './encoder-store';
import { jobKey } from './job-key';
import type { JobMessage } from './job-message';
import { keyMismatch } from './key-mismatch';
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
   * The run key the caller expects (`jobKey(job)` in its own thread, or a plan file's): a
   * thread whose backend or library build differs, or a job edited since its key was
   * computed, is refused (`keyMismatch` says which) instead of storing the encoder where
   * the caller will not look.
   */
  readonly key: string;
  /** The provenance that key was computed under (library, code fingerprint, arithmetic), to say which part differs. */
  readonly provenance?: unknown;
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
  if (key !== args.key) throw new Error(keyMismatch(job, args.key, args.provenance));
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
