import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import { encoderRepresenter, projectorRepresenter } from '../../src/memorization/representer';
import type { Encoder } from '../../src/encoders/encoder';
import type { ObjectiveState } from '../../src/methods/objective';
import { InputError } from '../../src/util/errors';

before(async () => {
  await tf.setBackend('cpu');
});

describe('representers', () => {
  const modes: boolean[] = [];
  const encoder = {
    config: { kind: 'fake', inputShape: [1, 2, 1] },
    outDim: 2,
    variables: [],
    state: [],
    apply: (x: tf.Tensor4D, training: boolean) => {
      modes.push(training);
      return tf.reshape(x, [x.shape[0], 2]) as tf.Tensor2D;
    },
    dispose: () => undefined,
  } as unknown as Encoder;

  test('encoder and projector representers run in eval mode', () => {
    const x = tf.tensor4d([1, 2, 3, 4], [2, 1, 2, 1]);
    const before = tf.memory().numTensors;
    const state = {
      variables: [],
      state: [],
      project: (z: tf.Tensor2D, training: boolean) => {
        modes.push(training);
        return tf.mul(z, 10) as tf.Tensor2D;
      },
      dispose: () => undefined,
    } as ObjectiveState;
    const z = encoderRepresenter(encoder)(x);
    const p = projectorRepresenter(encoder, state)(x);
    assert.deepEqual(Array.from(z.dataSync()), [1, 2, 3, 4]);
    assert.deepEqual(Array.from(p.dataSync()), [10, 20, 30, 40]);
    assert.deepEqual(modes, [false, false, false]);
    z.dispose();
    p.dispose();
    assert.equal(tf.memory().numTensors, before, 'the projector representer frees the intermediate representation');
    x.dispose();
  });

  test('an objective without projector -> InputError', () => {
    const state = { variables: [], state: [], dispose: () => undefined } as ObjectiveState;
    assert.throws(() => projectorRepresenter(encoder, state), (e: unknown) => e instanceof InputError && /state\.project/.test(e.message));
  });
});
