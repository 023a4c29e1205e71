/**
 * The benchmark's training steps built from the built library: an encoder (encoders/), an
 * objective with its heads (methods/: SimCLR for the `mlp`, `cnn` and `vit` rows, the
 * method of the row's name otherwise), loss + gradients (`computeGradients`) and Adam
 * (train/). A step is what `trainStep` does minus the augmentation: fixed random views of
 * one batch (as many as the objective asks for; labels for `supervised`), loss and
 * gradients, one Adam update (lr 1e-3), `afterStep` (the EMA target of BYOL and DINO)
 * where the objective has one, the loss read back. The PyTorch reference
 * (bench/pytorch_reference.py, bench/pytorch_methods.py) times the same.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Encoder } from '../src/encoders';
import type { Objective } from '../src/methods';
import { adam, cnnEncoder, computeGradients, createObjective, createRng, mlpEncoder, simclr, trainableVariables, vitEncoder } from './library';

/** The SimCLR steps of the three benchmark encoders. */
export type ModelStepName = 'mlp' | 'cnn' | 'vit';

/** One step of each other objective: on the `mlp` row's encoder and batch, `mae` on the `vit` row's. */
export type MethodStepName = 'byol' | 'simsiam' | 'dino' | 'vicreg' | 'mae' | 'supervised';

/** The benchmark steps. */
export type StepName = ModelStepName | MethodStepName;

/** The method steps, in table order. */
export const methodStepNames: readonly MethodStepName[] = ['byol', 'simsiam', 'dino', 'vicreg', 'mae', 'supervised'];

/** All benchmark steps, in table order. */
export const stepNames: readonly StepName[] = ['mlp', 'cnn', 'vit', ...methodStepNames];

/** The encoder of each step (a method step uses the encoder of that SimCLR row). */
export const stepEncoder: Readonly<Record<StepName, ModelStepName>> = {
  mlp: 'mlp',
  cnn: 'cnn',
  vit: 'vit',
  byol: 'mlp',
  simsiam: 'mlp',
  dino: 'mlp',
  vicreg: 'mlp',
  mae: 'vit',
  supervised: 'mlp',
};

/** Batch size (images per view) of each benchmark step: the batch of its encoder's row. */
export const stepBatch: Readonly<Record<StepName, number>> = Object.fromEntries(
  stepNames.map((name) => [name, { mlp: 128, cnn: 128, vit: 64 }[stepEncoder[name]]]),
) as Record<StepName, number>;

/** Views of each image per step (1 for MAE and supervised, 2 otherwise). */
export const stepViews: Readonly<Record<StepName, number>> = Object.fromEntries(
  stepNames.map((name) => [name, name === 'mae' || name === 'supervised' ? 1 : 2]),
) as Record<StepName, number>;

/** Classes of the random labels of the `supervised` step (the objective's default). */
export const benchClasses = 10;

/** The ViT of the benchmark: 4 blocks, D=128, 4 heads, patch 4 on 32x32x3 (smaller than the library's ViT-tiny default). */
export const benchVitOptions = { dim: 128, depth: 4, heads: 4, patchSize: 4, inputShape: [32, 32, 3] as const };

/**
 * The encoder of a row. `norm` replaces the kind of norm a batch-norm MLP puts after its
 * hidden layers (the DP rows, bench/library-dp-step.ts: batch norm is refused under
 * DP-SGD); the benchmark MLP has no batch norm, so it changes nothing there.
 */
export function buildEncoder(name: ModelStepName, seed: number, norm?: 'layer' | 'group'): Encoder {
  switch (name) {
    case 'mlp':
      return mlpEncoder(norm === undefined ? { seed } : { seed, norm }); // 784-512-512-128 on 28x28x1
    case 'cnn':
      return cnnEncoder({ seed }); // conv 32, 64, 128 + dense 128 on 32x32x3
    case 'vit':
      return vitEncoder({ ...benchVitOptions, seed });
  }
}

/** The objective of a step: SimCLR (temperature 0.5) for the encoder rows, else the named method with its defaults. */
export function buildObjective(name: StepName): Objective {
  return stepEncoder[name] === name ? simclr({ temperature: 0.5 }) : createObjective({ name });
}

/** A ready-to-time training step. */
export interface LibraryStep {
  /** Runs one step and returns its loss. */
  run(): number;
  /** Tensors alive between steps (to check that a step leaks none). */
  liveTensors(): number;
  dispose(): void;
}

/** Steps of the run `afterStep` is told about (BYOL's and DINO's momentum schedules): far more than a benchmark takes. */
const scheduleSteps = 10_000;

/** Builds the `name` step (encoder, objective and its heads, Adam, fixed random views and labels). */
export function libraryStep(name: StepName, seed = 0): LibraryStep {
  const encoder = buildEncoder(stepEncoder[name], seed);
  const objective = buildObjective(name);
  const rng = createRng(seed);
  const state = objective.init(encoder, rng.fork('objective'));
  const optimizer = adam();
  const variables = trainableVariables(encoder, state);
  const [h, w, c] = encoder.config.inputShape;
  const batch = stepBatch[name];
  const views = Array.from({ length: objective.numViews }, (_, v) => tf.randomUniform([batch, h, w, c], 0, 1, 'float32', seed * 2 + v) as tf.Tensor4D);
  const labelRng = rng.fork('labels');
  const labels = objective.needsLabels ? tf.tensor1d(Int32Array.from({ length: batch }, () => labelRng.int(benchClasses)), 'int32') : undefined;
  const input = labels === undefined ? { views } : { views, labels };
  const lossRng = rng.fork('loss');
  const afterStep = objective.afterStep;
  let step = 0;
  return {
    run: () => {
      // A fresh loss rng per step, as trainStep forks one per step: MAE draws a new mask each step.
      const value = tf.tidy(() => {
        const { loss, grads } = computeGradients(encoder, objective, state, input, lossRng.fork(step));
        const value = loss.dataSync()[0];
        optimizer.apply(grads, variables, 1e-3);
        return value;
      });
      if (afterStep) tf.tidy(() => afterStep(encoder, state, { step, totalSteps: scheduleSteps }));
      step++;
      return value;
    },
    liveTensors: () => tf.memory().numTensors,
    dispose: () => {
      tf.dispose(views);
      labels?.dispose();
      optimizer.dispose();
      state.dispose();
      encoder.dispose();
    },
  };
}
