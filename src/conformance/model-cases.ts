import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { digitAugmentation } from '../augment/digit-augmentation';
import { createEncoder } from '../encoders/create-encoder';
import type { Encoder, EncoderConfig } from '../encoders/encoder';
import type { Objective, ObjectiveBatch, ObjectiveConfig, ObjectiveState } from '../methods/objective';
import { createObjective } from '../methods/registry';
import { adam } from '../train/adam';
import { sgd } from '../train/sgd';
import { loadCheckpoint, saveCheckpoint } from '../train/checkpoint';
import { computeGradients, trainableVariables } from '../train/compute-gradients';
import { clippedGradientSum, type PerExampleMethod } from '../train/per-example-gradients';
import { trainStep, type TrainingParts } from '../train/train-step';
import { createRng } from '../util/rng';
import type { CaseOutputs, ConformanceCase } from './conformance-case';
import { seeded, seededImages, valuesOf } from './case-helpers';

type Shape3 = readonly [number, number, number];

/** Forward values and the gradients of every encoder variable (in order) for `sum(encoder(x) * g)`, training mode. */
function encoderCase(config: EncoderConfig, batch: number, seed: number): Float32Array[] {
  const encoder = createEncoder(config);
  try {
    return tf.tidy(() => {
      const x = seededImages(batch, config.inputShape as Shape3, seed);
      const g = seeded([batch, encoder.outDim], seed + 1);
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(encoder.apply(x, true), g)), [...encoder.variables]);
      return valuesOf([value, ...encoder.variables.map((v) => grads[v.name])]);
    });
  } finally {
    encoder.dispose();
  }
}

/** The encoders of the project at (nearly) their sizes, forward + every variable's gradient. */
export function encoderCases(): ConformanceCase[] {
  const cases: Array<[string, string, EncoderConfig, number, number, string?]> = [
    ['MLP encoder forward + grads', '784-512-512-128, batch 16', { kind: 'mlp', inputShape: [28, 28, 1], hidden: [512, 512], outDim: 128, batchNorm: true, seed: 1 }, 16, 1e-3],
    ['CNN encoder forward + grads', 'conv 32-64-128 + dense 128 on 16x16x3, batch 2', { kind: 'cnn', inputShape: [16, 16, 3], seed: 2 }, 2, 1e-3, '16x16 input (cpu reference slow)'],
    [
      'ResNet encoder forward + grads',
      'widths 8-16-32, stride-2 downsampling, 16x16x3, batch 2',
      { kind: 'resnet', inputShape: [16, 16, 3], widths: [8, 16, 32], blocks: [1, 1, 1], downsample: 'stride', seed: 3 },
      2,
      1e-3,
      'narrower and smaller than the presets (cpu reference slow)',
    ],
    ['ViT encoder forward + grads', 'dim 192, 3 heads, patch 4 on 32x32x3, batch 2', { kind: 'vit', inputShape: [32, 32, 3], dim: 192, depth: 1, heads: 3, patchSize: 4, seed: 4 }, 2, 1e-3, '1 of ViT-tiny\'s 12 blocks (cpu reference slow)'],
  ];
  return cases.map(([kernel, shape, config, batch, tolerance, note]) => ({
    kernel,
    shape,
    tolerance,
    ...(note === undefined ? {} : { note }),
    run: () => encoderCase(config, batch, 10),
  }));
}

const labelsOf = (n: number, classes: number) => tf.tensor1d(Array.from({ length: n }, (_, i) => (i * 7) % classes), 'int32');

/** Runs `f` with a fresh encoder, objective state and a batch of `n` seeded examples (labels `i*7 mod classes`). */
function withModel<T>(encoderConfig: EncoderConfig, objectiveConfig: ObjectiveConfig, n: number, f: (encoder: Encoder, objective: Objective, state: ObjectiveState, batch: ObjectiveBatch) => T): T {
  const encoder = createEncoder(encoderConfig);
  const objective = createObjective(objectiveConfig);
  const state = objective.init(encoder, createRng(1));
  const shape = encoderConfig.inputShape as Shape3;
  const views = Array.from({ length: objective.numViews }, (_, v) => seededImages(n, shape, 20 + v));
  const batch: ObjectiveBatch = objective.needsLabels ? { views, labels: labelsOf(n, 10) } : { views };
  try {
    return f(encoder, objective, state, batch);
  } finally {
    tf.dispose([...views, ...(batch.labels ? [batch.labels] : [])]);
    state.dispose();
    encoder.dispose();
  }
}

/** Each example's gradient norm from one backward pass on a batch of one, example by example. */
function normsOneAtATime(encoder: Encoder, objective: Objective, state: ObjectiveState, batch: ObjectiveBatch): Float32Array {
  const n = batch.views[0].shape[0];
  return Float32Array.from({ length: n }, (_, i) =>
    tf.tidy(() => {
      const views = batch.views.map((v) => tf.slice(v, [i, 0, 0, 0], [1, ...v.shape.slice(1)]) as tf.Tensor4D);
      const single = batch.labels === undefined ? { views } : { views, labels: tf.slice(batch.labels, [i], [1]) };
      const { grads } = computeGradients(encoder, objective, state, single, createRng(0));
      return Math.sqrt(Object.values(grads).reduce((s, g) => s + tf.sum(tf.square(g)).dataSync()[0], 0));
    }),
  );
}

/** The per-example norms that `clippedGradientSum` finds with `method` (throws if ghost fell back to microbatches). */
function normsBy(method: PerExampleMethod, encoder: Encoder, objective: Objective, state: ObjectiveState, batch: ObjectiveBatch): Float32Array {
  const out = clippedGradientSum(encoder, objective, state, batch, createRng(0), { clip: 1, method });
  tf.dispose([out.loss, ...Object.values(out.sum)]);
  if (out.method !== method) throw new Error(`clippedGradientSum ran ${out.method}, not ${method}`);
  return out.norms;
}

/**
 * DP-SGD's per-example gradient norms (ghost clipping and microbatches) on the backend
 * under test against gradients computed one example at a time on the reference backend.
 */
export function perExampleCases(): ConformanceCase[] {
  const supervised: ObjectiveConfig = { name: 'supervised', classes: 10 };
  /** A model of the table; `ghost` where its ghost row needs a wider tolerance than 1e-4, and says why. */
  interface Model {
    readonly shape: string;
    readonly encoder: EncoderConfig;
    readonly objective: ObjectiveConfig;
    readonly batch: number;
    readonly ghost?: { readonly tolerance: number; readonly note: string };
  }
  const models: Model[] = [
    {
      shape: 'MLP 784-512-512-128 (layer norm), supervised, batch 4',
      encoder: { kind: 'mlp', inputShape: [28, 28, 1], hidden: [512, 512], outDim: 128, batchNorm: true, norm: 'layer', seed: 5 },
      objective: supervised,
      batch: 4,
      // The fourth example has a first-layer pre-activation that OpenBLAS's AVX2 (Haswell)
      // kernels round to 6.6e-8 and the cpu reference to <= 0: one ReLU unit is on in one and
      // off in the other, which moves that example's norm by 3.1e-4 (43.0820 against 43.0687);
      // its AVX-512 kernels and our SIMD products stay under 1e-4.
      ghost: { tolerance: 1e-3, note: 'reference: one example at a time; 3e-4 on OpenBLAS AVX2' },
    },
    {
      shape: 'CNN 8-16-32 (group norm) on 16x16x3, supervised, batch 3',
      encoder: { kind: 'cnn', inputShape: [16, 16, 3], widths: [8, 16, 32], outDim: 32, norm: 'group', seed: 6 },
      objective: supervised,
      batch: 3,
    },
    {
      shape: 'ViT dim 64, 2 heads, 1 block, patch 4 on 32x32x3, supervised, batch 3',
      encoder: { kind: 'vit', inputShape: [32, 32, 3], dim: 64, depth: 1, heads: 2, patchSize: 4, seed: 7 },
      objective: supervised,
      batch: 3,
    },
    {
      shape: 'MLP 784-128-64 + BYOL heads (layer norm), batch 3',
      encoder: { kind: 'mlp', inputShape: [28, 28, 1], hidden: [128], outDim: 64, seed: 8 },
      objective: { name: 'byol', projector: { hidden: [64], outDim: 32, batchNorm: true, norm: 'layer' }, predictor: { hidden: [32], batchNorm: true, norm: 'layer' } },
      batch: 3,
    },
  ];
  const rowOf = (method: PerExampleMethod, model: Model): { tolerance: number; note: string } =>
    method === 'microbatch'
      ? { tolerance: 1e-3, note: 'reference: one at a time; float32 sums of up to 401k squares' }
      : (model.ghost ?? { tolerance: 1e-4, note: 'reference: one example at a time' });
  const cases: ConformanceCase[] = [];
  for (const method of ['ghost', 'microbatch'] as const) {
    for (const model of models) {
      const { encoder, objective, batch } = model;
      cases.push({
        kernel: `per-example grad norms (${method})`,
        shape: model.shape,
        ...rowOf(method, model),
        run: () => withModel(encoder, objective, batch, (e, o, s, b) => [normsBy(method, e, o, s, b)]),
        reference: () => withModel(encoder, objective, batch, (e, o, s, b) => [normsOneAtATime(e, o, s, b)]),
      });
    }
  }
  return cases;
}

/** The small models the training runs use: an MLP on 28x28x1 (a ViT for MAE). */
const trainMlp: EncoderConfig = { kind: 'mlp', inputShape: [28, 28, 1], hidden: [128, 128], outDim: 64, seed: 11 };
const trainVit: EncoderConfig = { kind: 'vit', inputShape: [28, 28, 1], dim: 32, depth: 1, heads: 2, patchSize: 7, seed: 12 };
const head = { hidden: [64], outDim: 32 };

/**
 * The framework configs of the training runs (each framework with small heads). They train
 * with SGD (momentum 0.9, lr 0.05): Adam divides each gradient by its own running scale, so
 * where a true gradient is near zero it turns the rounding of two backends into whole steps
 * apart (BYOL's and SimSiam's batch-normed heads drift 5e-3 and 3e-2 from cpu in five Adam
 * steps on wasm), while under SGD every framework stays within 2e-6 and a wrong kernel still
 * shows. Adam's own kernel is a case of its own, and SimCLR trains once more with Adam.
 */
const frameworks: ReadonlyArray<[string, ObjectiveConfig, EncoderConfig, 'sgd' | 'adam']> = [
  ['simclr', { name: 'simclr', temperature: 0.5, projector: head }, trainMlp, 'sgd'],
  ['byol', { name: 'byol', projector: head, predictor: { hidden: [64] } }, trainMlp, 'sgd'],
  ['simsiam', { name: 'simsiam', projector: head, predictor: { hidden: [16] } }, trainMlp, 'sgd'],
  ['dino', { name: 'dino', head: { hidden: [64], bottleneck: 16, prototypes: 128 } }, trainMlp, 'sgd'],
  ['vicreg', { name: 'vicreg', expander: head }, trainMlp, 'sgd'],
  ['mae', { name: 'mae', decoderDim: 32, decoderHeads: 2 }, trainVit, 'sgd'],
  ['supervised', { name: 'supervised', classes: 10 }, trainMlp, 'sgd'],
  ['simclr', { name: 'simclr', temperature: 0.5, projector: head }, trainMlp, 'adam'],
];

/** Learning rate of each optimizer in the training runs. */
const trainLr = { sgd: 0.05, adam: 1e-3 } as const;

const trainSteps = 5;
const trainBatch = 16;

/** Builds the training parts of a framework run (Adam unless `optimizer` says SGD), seeded. */
function trainingParts(objectiveConfig: ObjectiveConfig, encoderConfig: EncoderConfig, optimizer: 'sgd' | 'adam' = 'adam'): TrainingParts {
  const encoder = createEncoder(encoderConfig);
  const objective = createObjective(objectiveConfig);
  const objectiveState = objective.init(encoder, createRng(3).fork('objective'));
  return { encoder, objective, objectiveState, optimizer: optimizer === 'sgd' ? sgd({ momentum: 0.9 }) : adam() };
}

function disposeParts(parts: TrainingParts): void {
  parts.optimizer.dispose();
  parts.objectiveState.dispose();
  parts.encoder.dispose();
}

/** `steps` training steps (`trainStep`: digit augmentation, loss, gradients, the optimizer at `lr`, afterStep) from `first`; returns the losses. */
function trainLosses(parts: TrainingParts, images: tf.Tensor4D, labels: Int32Array, first: number, steps: number, lr = 1e-3): number[] {
  const augment = digitAugmentation();
  const losses: number[] = [];
  for (let step = first; step < first + steps; step++) {
    const rng = createRng(7).fork(step);
    losses.push(trainStep(parts, () => ({ images: tf.clone(images), labels }), augment, rng, lr, { step, totalSteps: 100 }));
  }
  return losses;
}

/** A short training run of every framework; its loss curve must match the reference backend's. */
export function trainingCases(): ConformanceCase[] {
  return frameworks.map(([name, objectiveConfig, encoderConfig, optimizer]) => ({
    kernel: `training run: ${name}${optimizer === 'adam' ? ' (Adam)' : ''}`,
    shape: `${encoderConfig.kind === 'mlp' ? 'MLP 784-128-128-64' : 'ViT dim 32, 1 block, patch 7'} on 28x28x1, batch ${trainBatch}, ${trainSteps} steps`,
    tolerance: 1e-4,
    note: `loss curve, small model, ${optimizer === 'sgd' ? `SGD lr ${trainLr.sgd}` : `Adam lr ${trainLr.adam}`}`,
    run: () => {
      const parts = trainingParts(objectiveConfig, encoderConfig, optimizer);
      const images = seededImages(trainBatch, [28, 28, 1], 30);
      try {
        return [trainLosses(parts, images, Int32Array.from({ length: trainBatch }, (_, i) => (i * 3) % 10), 0, trainSteps, trainLr[optimizer])];
      } finally {
        images.dispose();
        disposeParts(parts);
      }
    },
  }));
}

/**
 * Checkpoint round trip on the backend under test: two SimCLR steps, save, load into a
 * fresh model; the loaded variables and optimizer moments equal the saved ones, and one
 * more step from each gives the same loss and variables. Outputs are those differences,
 * expected to be exactly 0.
 */
export function checkpointCase(): ConformanceCase {
  return {
    kernel: 'checkpoint save/load round trip',
    shape: 'SimCLR, MLP 784-128-128-64, after 2 steps; then 1 step each',
    tolerance: 0,
    note: 'differences, expected 0',
    reference: () => [[0], [0]],
    run: async () => {
      const [name, objectiveConfig, encoderConfig] = frameworks[0];
      const parts = trainingParts(objectiveConfig, encoderConfig);
      const images = seededImages(trainBatch, [28, 28, 1], 31);
      const labels = new Int32Array(trainBatch);
      const dir = await mkdtemp(join(tmpdir(), 'sslmem-conformance-'));
      let loaded: Awaited<ReturnType<typeof loadCheckpoint>> | undefined;
      try {
        trainLosses(parts, images, labels, 0, 2);
        const path = join(dir, `${name}.safetensors`);
        await saveCheckpoint(path, { ...parts, epoch: 0, seed: 3 });
        loaded = await loadCheckpoint(path);
        const before = [...stateValues(parts)];
        const after = [...stateValues(loaded)];
        const valueDiff = maxDiff(before, after);
        const [lossA] = trainLosses(parts, images, labels, 2, 1);
        const [lossB] = trainLosses(loaded, images, labels, 2, 1);
        const stepDiff = Math.max(Math.abs(lossA - lossB), maxDiff([...stateValues(parts)], [...stateValues(loaded)]));
        return [[valueDiff], [stepDiff]];
      } finally {
        loaded?.dispose();
        images.dispose();
        disposeParts(parts);
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Values of every trainable variable, state variable and optimizer slot, in a fixed order. */
function* stateValues(parts: Pick<TrainingParts, 'encoder' | 'objectiveState' | 'optimizer'>): Generator<Float32Array> {
  for (const v of [...trainableVariables(parts.encoder, parts.objectiveState), ...parts.encoder.state, ...parts.objectiveState.state]) yield v.dataSync() as Float32Array;
  const { slots } = parts.optimizer.state();
  for (const slot of Object.keys(slots).sort()) for (const t of Object.values(slots[slot])) yield t.dataSync() as Float32Array;
}

function maxDiff(a: readonly Float32Array[], b: readonly Float32Array[]): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let worst = 0;
  a.forEach((x, j) => {
    if (x.length !== b[j].length) worst = Number.POSITIVE_INFINITY;
    else x.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - b[j][i]))));
  });
  return worst;
}
