import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '../../src/util/rng';
import {
  augmentationFromConfig,
  augmentationPresets,
  compose,
  digitAugmentation,
  gaussianBlur,
  naturalImageAugmentation,
  randomAffine,
  randomErasing,
  type AugmentationConfig,
} from '../../src/augment';
import { assertRejects, assertSameValues, randomImages, useCpu } from './helpers';

/** The config after a JSON round trip, as an experiment file would store it. */
const viaJson = (config: AugmentationConfig): AugmentationConfig => JSON.parse(JSON.stringify(config));

describe('augmentationFromConfig', () => {
  before(useCpu);

  test('presets build the same augmentation as their factories, after a JSON round trip', () => {
    const gray = randomImages(3, 10, 10, 1);
    const rgb = randomImages(3, 10, 10, 3);
    const pairs: [AugmentationConfig, ReturnType<typeof digitAugmentation>, tf.Tensor4D][] = [
      [{ preset: 'digits' }, digitAugmentation(), gray],
      [{ preset: 'digits', affine: { rotation: [-30, 30] }, noise: null }, digitAugmentation({ affine: { rotation: [-30, 30] }, noise: null }), gray],
      [{ preset: 'natural' }, naturalImageAugmentation(), rgb],
      [{ preset: 'natural', blur: { p: 1 }, grayscale: null }, naturalImageAugmentation({ blur: { p: 1 }, grayscale: null }), rgb],
      [
        { preset: 'pipeline', steps: [{ op: 'randomAffine', rotation: [-10, 10] }, { op: 'gaussianBlur', p: 1 }, { op: 'randomErasing', p: 1 }] },
        compose([randomAffine({ rotation: [-10, 10] }), gaussianBlur({ p: 1 }), randomErasing({ p: 1 })]),
        rgb,
      ],
    ];
    for (const [config, aug, images] of pairs) {
      const a = augmentationFromConfig(viaJson(config))(images, createRng(6));
      const b = aug(images, createRng(6));
      assertSameValues(a, b, JSON.stringify(config));
      tf.dispose([a, b]);
    }
    const none = augmentationFromConfig({ preset: 'none' })(rgb, createRng(1));
    assertSameValues(none, rgb);
    tf.dispose([gray, rgb, none]);
  });

  test('the registry lists the presets', () => {
    assert.deepEqual(Object.keys(augmentationPresets).sort(), ['digits', 'natural', 'none', 'pipeline']);
  });

  test('bad configs are rejected with the field named', () => {
    assertRejects(() => augmentationFromConfig({ preset: 'cifar' } as never), 'config.preset');
    assertRejects(() => augmentationFromConfig(null as never), 'config');
    assertRejects(() => augmentationFromConfig({ preset: 'none', p: 1 } as never), 'config.p');
    assertRejects(() => augmentationFromConfig({ preset: 'digits', flip: {} } as never), 'options.flip');
    assertRejects(() => augmentationFromConfig({ preset: 'pipeline', steps: [{ op: 'rotate' }] } as never), 'steps[0].op');
    assertRejects(() => augmentationFromConfig({ preset: 'pipeline', steps: [{ op: 'gaussianBlur', size: 3 }] } as never), 'options.size');
    assertRejects(() => augmentationFromConfig({ preset: 'pipeline', steps: 'blur' } as never), 'config.steps');
    assertRejects(() => augmentationFromConfig({ preset: 'pipeline', steps: [], extra: 1 } as never), 'config.extra');
  });
});
