import { InputError } from '../util/errors';
import type { TrainingJob } from '../plans/training-job';

/**
 * What a queue worker agrees to train: a job beyond one of these is refused at once (no
 * retry), with the limit and the `sslmem worker` option that raises it. A queue is open to
 * whoever reaches its Redis, so a worker decides itself how much of its machine a job may take.
 */
export interface WorkerLimits {
  /** Most training epochs of a job (`--max-epochs`). */
  readonly maxEpochs: number;
  /**
   * Most images a job trains on or generates (`--max-train-size`): the train-split images of
   * a side job (`split.trainSize`), the ids of an ids job, a synthetic dataset's size.
   */
  readonly maxTrainSize: number;
  /** Longest job label, in characters (`--max-label`). */
  readonly maxLabel: number;
}

/**
 * The limits of a worker started without options: room for every preset (the paper's 600
 * epochs and 50,000 images, MNIST's 60,000) and little beyond.
 */
export const defaultWorkerLimits: WorkerLimits = { maxEpochs: 10_000, maxTrainSize: 100_000, maxLabel: 200 };

/**
 * Throws an `InputError` (naming `where`, the field, the limit and the option that raises
 * it) when `job`, a validated training job, exceeds `limits`.
 */
export function checkWorkerLimits(job: TrainingJob, limits: WorkerLimits, where: string): void {
  const beyond = (field: string, found: number | string, limit: number, unit: string, option: string): never => {
    throw new InputError(`${where}.${field}`, `at most ${limit} ${unit} (this worker's limit; start it with ${option} N to allow more)`, String(found));
  };
  if (job.label.length > limits.maxLabel) beyond('label', `${job.label.length} characters`, limits.maxLabel, 'characters', '--max-label');
  if (job.train.epochs > limits.maxEpochs) beyond('train.epochs', job.train.epochs, limits.maxEpochs, 'epochs', '--max-epochs');
  if (job.trainSet.kind === 'ids' && job.trainSet.ids.length > limits.maxTrainSize) beyond('trainSet.ids', `${job.trainSet.ids.length} ids`, limits.maxTrainSize, 'training images', '--max-train-size');
  if (job.trainSet.kind === 'side' && job.split.trainSize > limits.maxTrainSize) beyond('split.trainSize', job.split.trainSize, limits.maxTrainSize, 'training images', '--max-train-size');
  const synthetic = job.dataset.synthetic;
  if (synthetic !== undefined && synthetic.n > limits.maxTrainSize) beyond('dataset.synthetic.n', synthetic.n, limits.maxTrainSize, 'training images', '--max-train-size');
}

/**
 * A label cut to `max` characters for a line of output (`...(10000 characters)` marks a cut
 * one), with control characters shown as `?`, so a hostile label cannot flood or rewrite a
 * terminal.
 */
export function shortLabel(label: string, max = 60): string {
  const clean = label.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return clean.length <= max ? clean : `${clean.slice(0, max)}...(${clean.length} characters)`;
}
