import { InputError } from '../util/errors';
import { readCheckpoint, restoreCheckpoint } from './checkpoint';
import { soundCheckpoint, type DamagedCheckpoint } from './checkpoint-dir';
import type { TrainingParts } from './train-step';
import type { EpochRecord, TrainOptions } from './train-options';

/** What must match between a checkpoint and the run that resumes from it. */
export interface ResumeRun {
  readonly seed: number;
  readonly batchSize: number;
  readonly dropLast: boolean;
  readonly dataSize: number;
  /** Checkpoints of later epochs are ignored. */
  readonly epochs: number;
}

/**
 * Restores `parts` in place from the latest sound checkpoint in `dir` (up to `run.epochs`)
 * and returns its epoch and history, or undefined when there is none. A checkpoint is
 * sound when it and every earlier one match their records (size and SHA-256, see
 * `soundCheckpoint`); the first damaged one goes to `onDamaged` and the resume falls back
 * to the checkpoint before it (or to epoch 0). Refuses a checkpoint of a different run
 * (seed, batch size, dropLast, data size, encoder or objective config), since continuing
 * it would not reproduce an uninterrupted run.
 */
export async function resumeFromLatest(
  dir: string,
  parts: TrainingParts,
  run: ResumeRun,
  options: { onDamaged?: (damaged: DamagedCheckpoint) => void } = {},
): Promise<{ epoch: number; history: EpochRecord[] } | undefined> {
  const latest = await soundCheckpoint(dir, run.epochs, options.onDamaged);
  if (latest === undefined) return undefined;
  const file = await readCheckpoint(latest.path);
  const saved = file.trainOptions;
  const pairs: Array<[string, unknown, unknown]> = [
    ['seed', run.seed, file.seed],
    ['data size', run.dataSize, file.dataSize],
    ['batchSize', run.batchSize, saved.batchSize],
    ['dropLast', run.dropLast, saved.dropLast],
    ['encoder config', JSON.stringify(parts.encoder.config), JSON.stringify(file.encoderConfig)],
    ['objective config', JSON.stringify(parts.objective.config), JSON.stringify(file.objectiveConfig)],
  ];
  for (const [what, expected, found] of pairs) {
    if (expected !== found) {
      throw new InputError(`${latest.path} (resume)`, `a checkpoint of this run, ${what} ${expected}`, `${what} ${found}`);
    }
  }
  restoreCheckpoint(file, parts);
  return { epoch: file.epoch, history: file.history };
}

/**
 * Where a run starts: epoch 0 with an empty history, or, with `options.resume`, the latest
 * sound checkpoint in `options.checkpointDir` restored into `parts` (`resumeFromLatest`;
 * a damaged checkpoint is reported through `options.onWarning`).
 */
export async function resumePoint(
  parts: TrainingParts,
  options: Pick<TrainOptions, 'resume' | 'checkpointDir' | 'seed' | 'batchSize' | 'dropLast' | 'epochs' | 'onWarning'>,
  dataSize: number,
): Promise<{ epoch: number; history: EpochRecord[] }> {
  const { resume, checkpointDir, seed, batchSize, dropLast, epochs, onWarning } = options;
  if (!resume || checkpointDir === undefined) return { epoch: 0, history: [] };
  const resumed = await resumeFromLatest(checkpointDir, parts, { seed, batchSize, dropLast, dataSize, epochs }, {
    onDamaged: (d) =>
      onWarning?.({
        epoch: d.epoch,
        kind: 'damaged-checkpoint',
        message: `checkpoint ${d.path} is damaged (${d.problem}); resuming from the sound checkpoint before it (or epoch 0) and writing it again`,
      }),
  });
  return resumed ?? { epoch: 0, history: [] };
}
