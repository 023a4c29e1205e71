import type { ColumnTable } from 'arquero';
import type { Encoder } from '../encoders/encoder';
import type { Side } from '../design/experiment-config';
import type { Objective, ObjectiveState } from '../methods/objective';
import type { TrainingJob } from './training-job';

/** An encoder trained by one side of an experiment, with its objective state (projector). */
export interface TrainedEncoder {
  /** The training that made it. */
  readonly job: TrainingJob;
  /** The job's label (`f0`, `fold2 seed1`, ...). */
  readonly label: string;
  /** Its side of the split, for the jobs of a split's SSLMem design. */
  readonly side: Side | undefined;
  readonly seed: number;
  readonly encoder: Encoder;
  readonly objective: Objective;
  readonly objectiveState: ObjectiveState;
  /** Training history: `epoch, loss, lr, seconds` (and `epsilon` under DP-SGD). */
  readonly history: ColumnTable;
  dispose(): void;
}
