import { InputError } from '../util/errors';
import type { Objective, ObjectiveConfig } from './objective';
import { simclr } from './simclr';

/**
 * SSL objectives by name: `createObjective({ name: 'simclr', temperature: 0.2 })`.
 *
 * How the frameworks on the roadmap fit `Objective` / `ObjectiveState` (one file each,
 * added to this record; the trainer does not change):
 * - **BYOL / SimSiam**: `init` builds the projector and predictor (`state.variables`,
 *   trained with the encoder). BYOL also builds a target copy of encoder + projector
 *   (`createEncoder(encoder.config)`, weights copied) whose weights go in `state.state`:
 *   they are not in the trainer's variable list, so no gradient reaches them, and
 *   `afterStep` moves them towards the online weights (EMA, `target = m target +
 *   (1 - m) online`). SimSiam has no target; its stop-gradient on the other branch is a
 *   `tf.customGrad` identity with a zero gradient (tfjs-core has no `stopGradient`).
 *   Loss: negative cosine similarity of predictor output and (target) projection, symmetrised.
 * - **DINO**: student head in `state.variables`; teacher encoder + head (EMA copies) and
 *   the centre `[K]` in `state.state`. `loss` runs the teacher without gradient,
 *   sharpens/centres it and may assign the new centre itself (like batch-norm running
 *   statistics, a state write inside the tape is fine); `afterStep` does the teacher EMA.
 *   Multi-crop: `numViews` = 2 global + k local crops; the trainer accepts one
 *   augmentation per view, so local crops can have a smaller size.
 * - **MAE**: `numViews = 1`; decoder, mask token and decoder position embeddings in
 *   `state.variables`; the random patch mask is drawn inside `loss` from its `rng`; the
 *   loss is the pixel MSE on masked patches. Needs an encoder that can run on a subset
 *   of patch tokens (a ViT method beyond `Encoder.apply`).
 * - **VICReg**: expander head in `state.variables`; loss = invariance (MSE between the
 *   two embeddings) + variance (hinge on per-dimension std) + covariance (off-diagonal
 *   squares), no state, no `afterStep`.
 * - **Alignment regulariser** (paper section 4.4): a wrapper objective adding
 *   `weight * d(f(x'), f(x''))` to another objective's loss.
 */
export const objectives: Readonly<Record<string, (config: ObjectiveConfig) => Objective>> = {
  simclr,
};

/** Creates the objective named by `config.name` with the rest of `config` as its settings. */
export function createObjective(config: ObjectiveConfig): Objective {
  const name = config?.name;
  if (typeof name !== 'string' || !Object.hasOwn(objectives, name)) {
    throw new InputError('objective config.name', `one of ${Object.keys(objectives).join(', ')}`, JSON.stringify(name));
  }
  return objectives[name](config);
}
