import { InputError } from '../util/errors';
import type * as tf from '@tensorflow/tfjs-core';
import type { StepBatch } from './train-step';

/**
 * What the trainer reads: `size` images, any subset of which `batch` returns as a new
 * float tensor `[indices.length, h, w, c]` (values in [0, 1]) owned by the caller, and
 * their class labels (`labels`, needed by objectives with `needsLabels`).
 */
export interface TrainData {
  readonly size: number;
  batch(indices: Int32Array): tf.Tensor4D;
  /** Class labels of the images at `indices`. */
  labels?(indices: Int32Array): Int32Array;
  /**
   * Coupled training (see `slotBatches`): the slots of the batch stream, `slots[j]` the index
   * of the image at slot `j` or -1 for a slot this run leaves empty. Absent: one slot per
   * image, in index order.
   */
  readonly slots?: Int32Array;
}

/**
 * Checks `data.slots` before any training: every slot an image index in `0..size-1` or -1,
 * every image in exactly one slot, and no DP-SGD (whose batches are not drawn from slots).
 * @throws InputError naming the first slot or image that is wrong.
 */
export function checkSlots(data: TrainData, privately: boolean): void {
  const slots = data.slots;
  if (slots === undefined) return;
  const where = 'train data.slots';
  if (privately) throw new InputError(where, 'no slots under DP-SGD (coupled training runs without dp)', `${slots.length} slots`);
  const seen = new Uint8Array(data.size);
  slots.forEach((index, slot) => {
    if (index === -1) return;
    if (!(Number.isInteger(index) && index >= 0 && index < data.size)) throw new InputError(`${where}[${slot}]`, `an image index in 0..${data.size - 1}, or -1 (empty)`, String(index));
    if (seen[index] === 1) throw new InputError(`${where}[${slot}]`, 'each image in one slot', `image ${index} again`);
    seen[index] = 1;
  });
  const missing = seen.indexOf(0);
  if (missing >= 0) throw new InputError(where, `a slot for each of the ${data.size} images`, `none for image ${missing}`);
}

/**
 * One step's batch of a slotted stream: `chunk` holds slot numbers; the images of its filled
 * slots, with every empty slot holding a copy of the chunk's first filled image so that each
 * slot keeps its row (and so its augmentation draws), and `keep`, the rows of the filled slots,
 * which alone reach the loss. `undefined` when every slot of the chunk is empty.
 */
export function slotBatchOf(data: TrainData, slots: Int32Array, chunk: Int32Array, withLabels: boolean): StepBatch | undefined {
  const keep = Int32Array.from(Array.from(chunk.keys()).filter((row) => slots[chunk[row]] >= 0));
  if (keep.length === 0) return undefined;
  if (keep.length === chunk.length) return batchOf(data, Int32Array.from(chunk, (slot) => slots[slot]), withLabels);
  const fill = slots[chunk[keep[0]]];
  const indices = Int32Array.from(chunk, (slot) => (slots[slot] >= 0 ? slots[slot] : fill));
  const kept = Int32Array.from(keep, (row) => indices[row]);
  return { images: data.batch(indices), labels: withLabels ? data.labels!(kept) : undefined, keep };
}

/** One step's batch: the images at `indices` `[indices.length, h, w, c]` and, when `withLabels`, their labels. */
export function batchOf(data: TrainData, indices: Int32Array, withLabels: boolean): StepBatch {
  return { images: data.batch(indices), labels: withLabels ? data.labels!(indices) : undefined };
}
