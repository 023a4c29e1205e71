import type { SplitSets } from '../data/splits';
import { check } from '../util/errors';
import type { TrainingJob } from './training-job';

/**
 * The slots of a coupled training's stream (`train.coupling: 'shared-stream'`), as
 * train-split ids, -1 for a slot the job leaves empty. Runs that share a seed and a slot
 * count shuffle the same slots into the same batches with the same augmentation draws, so
 * a point two runs both train on meets the same batches and views when it holds the same
 * slot in both. The layouts:
 * - four-set design, side f or g: `S_S` (sorted) in the first slots, then the side's own
 *   points (`S_C` for f, `S_I` for g, sorted) in the next `max(|S_C|, |S_I|)` slots, the
 *   smaller set's last slots empty. f and g share the slots of `S_S`; the j-th candidate
 *   and the j-th independent point share a slot.
 * - explicit ids with a `slots` pool (K-fold references, subsets of a pool): the pool in
 *   its order, the pool's points the job does not train on left empty. f on the whole pool
 *   and g_k without fold k then meet every batch alike but for fold k's points, which g_k
 *   leaves out of its loss.
 * - explicit ids without a pool: the ids themselves (one run, nothing to couple with).
 */
export function streamSlots(job: TrainingJob, split: SplitSets): Int32Array {
  const set = job.trainSet;
  if (set.kind === 'side') {
    const own = Int32Array.from(set.side === 'f' ? split.S_C : split.S_I).sort();
    const width = Math.max(split.S_C.length, split.S_I.length);
    const slots = new Int32Array(split.S_S.length + width).fill(-1);
    slots.set(Int32Array.from(split.S_S).sort());
    slots.set(own, split.S_S.length);
    return slots;
  }
  if (set.slots === undefined) return Int32Array.from(set.ids);
  const trained = new Set(set.ids);
  const slots = Int32Array.from(set.slots, (id) => (trained.delete(id) ? id : -1));
  check(trained.size === 0, `job ${job.label}: trainSet.slots`, 'a pool holding every id the job trains on', `${trained.size} ids outside it (first ${[...trained][0]})`);
  return slots;
}
