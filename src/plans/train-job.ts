import { augmentationFromConfig } from '../augment/augmentation-from-config';
import { createEncoder } from '../encoders/create-encoder';
import { createObjective } from '../methods/registry';
import { trainSetOf } from '../data/splits';
import { datasetSource, type BatchSource } from '../memorization/image-source';
import type { EpochInfo, StepInfo, TrainWarning } from '../train/train-options';
import type { TrainData } from '../train/train-data';
import { trainEncoder } from '../train/train-encoder';
import { checkpointEpochsOf } from '../design/checkpoint-epochs';
import { resolveExperimentDp } from '../design/privacy-config';
import type { ExperimentData } from '../design/experiment-data';
import type { TrainedEncoder } from './trained-encoder';
import { check } from '../util/errors';
import { streamSlots } from './stream-slots';
import type { TrainingJob } from './training-job';

/** Options of `trainJob`. */
export interface TrainJobOptions {
  /** Folder for the checkpoints (`train.checkpointEpochs` and the last epoch); resumes from it. */
  checkpointDir?: string;
  onStep?: (info: StepInfo) => void;
  onEpoch?: (info: EpochInfo) => void | Promise<void>;
  onWarning?: (warning: TrainWarning) => void;
}

/** The train-split ids a job trains on, sorted: its side of the split, or its explicit ids (checked against the train split). */
export function trainingIds(job: TrainingJob, data: ExperimentData): Int32Array {
  if (job.trainSet.kind === 'side') return trainSetOf(job.trainSet.side, data.split);
  const n = data.pair.train.labels.length;
  const ids = Int32Array.from(job.trainSet.ids);
  ids.forEach((id, i) => check(Number.isInteger(id) && id >= 0 && id < n && (i === 0 || id > ids[i - 1]), `job ${job.label}: trainSet.ids[${i}]`, `distinct sorted ids into the train split of ${n} images`, String(id)));
  return ids;
}

/**
 * A job's training images with their labels, in id order; under coupled training
 * (`train.coupling: 'shared-stream'`) with the slots of its stream (`streamSlots`).
 */
export function jobSource(job: TrainingJob, data: ExperimentData): BatchSource & TrainData {
  const ids = trainingIds(job, data);
  const labels = data.pair.train.labels;
  const source = { ...datasetSource(data.pair.train, ids), labels: (indices: Int32Array) => Int32Array.from(indices, (i) => labels[ids[i]]) };
  if (job.train.coupling !== 'shared-stream') return source;
  const indexOf = new Map(Array.from(ids, (id, index) => [id, index]));
  return { ...source, slots: Int32Array.from(streamSlots(job, data.split), (id) => (id < 0 ? -1 : indexOf.get(id) ?? -1)) };
}

/**
 * Trains one job in this thread: a fresh encoder from the job's seed, its objective,
 * augmentation and the trainer's options from `job.train` as they are, on the job's images.
 * Jobs of one seed start from the same weights and draw the same batch-order and
 * augmentation streams, so f and g of a split differ only by their data.
 */
export async function trainJob(job: TrainingJob, data: ExperimentData, options: TrainJobOptions = {}): Promise<TrainedEncoder> {
  const encoder = createEncoder({ ...job.encoder, inputShape: data.pair.train.shape, seed: job.seed });
  const objective = createObjective(job.objective);
  try {
    const checkpointEpochs = options.checkpointDir === undefined ? [] : checkpointEpochsOf(job);
    const { coupling: _coupling, ...train } = job.train; // the coupling is in the data's slots
    const { history, objectiveState } = await trainEncoder(encoder, objective, jobSource(job, data), {
      ...train,
      seed: job.seed,
      augment: augmentationFromConfig(job.augment),
      checkpointDir: options.checkpointDir,
      checkpointEpochs,
      resume: options.checkpointDir !== undefined,
      onStep: options.onStep,
      onEpoch: options.onEpoch,
      onWarning: options.onWarning,
      dp: job.dp === undefined ? undefined : resolveExperimentDp(job.dp),
    });
    return {
      job,
      label: job.label,
      side: job.trainSet.kind === 'side' ? job.trainSet.side : undefined,
      seed: job.seed,
      encoder,
      objective,
      objectiveState,
      history,
      dispose: () => {
        objectiveState.dispose();
        encoder.dispose();
      },
    };
  } catch (error) {
    encoder.dispose();
    throw error;
  }
}
