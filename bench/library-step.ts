/**
 * The benchmark's training steps built from the built library: encoder (encoders/), SimCLR
 * objective with its projector (src/objectives), loss + gradients (`computeGradients`)
 * and Adam (src/train). A step is what `trainStep` does minus the augmentation: two fixed
 * random views of one batch, loss and gradients, one Adam update (lr 1e-3), the loss read
 * back. The PyTorch reference (bench/pytorch_reference.py) times the same.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Encoder } from '../src/encoders';
import { adam, cnnEncoder, computeGradients, createRng, mlpEncoder, simclr, trainableVariables, vitEncoder } from './library';

/** The benchmark models. */
export type StepName = 'mlp' | 'cnn' | 'vit';

/** All benchmark models, in table order. */
export const stepNames: readonly StepName[] = ['mlp', 'cnn', 'vit'];

/** Batch size (images per view) of each benchmark step. */
export const stepBatch: Readonly<Record<StepName, number>> = { mlp: 128, cnn: 128, vit: 64 };

/** The ViT of the benchmark: 4 blocks, D=128, 4 heads, patch 4 on 32x32x3 (smaller than the library's ViT-tiny default). */
export const benchVitOptions = { dim: 128, depth: 4, heads: 4, patchSize: 4, inputShape: [32, 32, 3] as const };

function buildEncoder(name: StepName, seed: number): Encoder {
  switch (name) {
    case 'mlp':
      return mlpEncoder({ seed }); // 784-512-512-128 on 28x28x1
    case 'cnn':
      return cnnEncoder({ seed }); // conv 32, 64, 128 + dense 128 on 32x32x3
    case 'vit':
      return vitEncoder({ ...benchVitOptions, seed });
  }
}

/** A ready-to-time training step. */
export interface LibraryStep {
  /** Runs one step and returns its loss. */
  run(): number;
  /** Tensors alive between steps (to check that a step leaks none). */
  liveTensors(): number;
  dispose(): void;
}

/** Builds the `name` step (encoder, SimCLR head, Adam, two fixed random views). */
export function libraryStep(name: StepName, seed = 0): LibraryStep {
  const encoder = buildEncoder(name, seed);
  const objective = simclr({ temperature: 0.5 });
  const rng = createRng(seed);
  const state = objective.init(encoder, rng.fork('objective'));
  const optimizer = adam();
  const variables = trainableVariables(encoder, state);
  const [h, w, c] = encoder.config.inputShape;
  const batch = stepBatch[name];
  const views = [0, 1].map((v) => tf.randomUniform([batch, h, w, c], 0, 1, 'float32', seed * 2 + v) as tf.Tensor4D);
  const lossRng = rng.fork('loss');
  return {
    run: () =>
      tf.tidy(() => {
        const { loss, grads } = computeGradients(encoder, objective, state, views, lossRng);
        const value = loss.dataSync()[0];
        optimizer.apply(grads, variables, 1e-3);
        return value;
      }),
    liveTensors: () => tf.memory().numTensors,
    dispose: () => {
      tf.dispose(views);
      optimizer.dispose();
      state.dispose();
      encoder.dispose();
    },
  };
}
