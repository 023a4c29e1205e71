/**
 * The benchmark's DP-SGD rows, built from the built library: one `dpTrainStep` of a method
 * row's model and batch (`dp-mae`: the `mae` row's ViT, MAE objective and batch of 64;
 * `dp-supervised`: the `supervised` row's MLP, classifier and batch of 128 with its fixed
 * random labels), per-example gradients by `ghost` clipping, clip 1, noise multiplier 1,
 * expected batch size = the batch, Adam at lr 1e-3; and, to compare, the library's
 * non-DP `trainStep` of the same model on the same batch. Both steps get the same
 * augmentation as the method rows: none (`identity`, which copies the batch), on fixed
 * random images. The PyTorch reference of these rows is bench/pytorch_dp.py.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Encoder } from '../src/encoders';
import type { PerExampleMethod } from '../src/train/per-example-gradients';
import { adam, createRng, dpTrainStep, identity, trainStep } from './library';
import { benchClasses, buildEncoder, buildObjective, stepBatch, stepEncoder, type MethodStepName } from './library-step';

/** The DP-SGD rows. */
export type DpStepName = 'dp-mae' | 'dp-supervised';

/** The DP rows, in table order. */
export const dpStepNames: readonly DpStepName[] = ['dp-mae', 'dp-supervised'];

/** The method row whose model and batch each DP row runs. */
export const dpStepBase: Readonly<Record<DpStepName, MethodStepName>> = { 'dp-mae': 'mae', 'dp-supervised': 'supervised' };

/** DP-SGD settings of the rows (the expected batch size is the row's batch). */
export const dpSettings = { clip: 1, noise: 1, method: 'ghost' } as const satisfies { clip: number; noise: number; method: PerExampleMethod };

/** What the DP steps should cost at most, as a multiple of the same non-DP step. */
export const dpOverheadTarget = 3;

/** A ready-to-time step of a DP row: the DP-SGD step, or the same model's non-DP step. */
export interface LibraryDpStep {
  /** Runs one step: its loss and, for the DP step, the per-example method `dpTrainStep` reported (absent if it reported none). */
  run(): { readonly loss: number; readonly method?: PerExampleMethod };
  /** What the model's hidden norms are: `none`, or `layer` where the base row's batch norm was replaced (DP-SGD refuses batch norm). */
  readonly norm: string;
  liveTensors(): number;
  dispose(): void;
}

/** Steps of the run the schedules are told about (as bench/library-step.ts). */
const scheduleSteps = 10_000;

/**
 * The base row's encoder, with layer norm in place of batch norm if its config has batch
 * norm (DP-SGD refuses batch norm: it mixes the examples of a batch).
 */
function dpEncoder(name: DpStepName, seed: number): { encoder: Encoder; norm: string } {
  const kind = stepEncoder[dpStepBase[name]];
  const encoder = buildEncoder(kind, seed);
  if ((encoder.config as { batchNorm?: boolean }).batchNorm !== true) return { encoder, norm: 'none' };
  encoder.dispose();
  return { encoder: buildEncoder(kind, seed, 'layer'), norm: 'layer (in place of the row encoder\'s batch norm, which DP-SGD refuses)' };
}

/** Builds the DP row `name`: its DP-SGD step when `dp`, else the non-DP `trainStep` of the same model and batch. */
export function libraryDpStep(name: DpStepName, dp: boolean, seed = 0): LibraryDpStep {
  const base = dpStepBase[name];
  const { encoder, norm } = dpEncoder(name, seed);
  const objective = buildObjective(base);
  const rng = createRng(seed);
  const objectiveState = objective.init(encoder, rng.fork('objective'));
  const optimizer = adam();
  const parts = { encoder, objective, objectiveState, optimizer };
  const [h, w, c] = encoder.config.inputShape;
  const batchSize = stepBatch[base];
  const images = tf.randomUniform([batchSize, h, w, c], 0, 1, 'float32', seed * 2) as tf.Tensor4D;
  const labelRng = rng.fork('labels');
  const labels = objective.needsLabels ? Int32Array.from({ length: batchSize }, () => labelRng.int(benchClasses)) : undefined;
  const batch = () => (labels === undefined ? { images } : { images, labels });
  const plan = { ...dpSettings, expectedBatchSize: batchSize };
  const stepRng = rng.fork('steps');
  let step = 0;
  return {
    run: () => {
      const position = { step, totalSteps: scheduleSteps };
      const r = stepRng.fork(step);
      step++;
      if (!dp) return { loss: trainStep(parts, batch, identity, r, 1e-3, position) };
      const out = dpTrainStep(parts, batch, identity, r, 1e-3, position, plan);
      return out.method === undefined ? { loss: out.loss } : { loss: out.loss, method: out.method };
    },
    norm,
    liveTensors: () => tf.memory().numTensors,
    dispose: () => {
      images.dispose();
      optimizer.dispose();
      objectiveState.dispose();
      encoder.dispose();
    },
  };
}
