import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../src/backend';
import { encoderRunConfig } from '../../src/plans/encoder-run';
import { withObjective, withOverrides, withPrivacy } from '../../src/design/experiment-config';
import { memorizationScoresKey } from '../../src/measure/memorization-scores';
import { preset } from '../../src/design/presets';
import { resolveExperimentDp } from '../../src/design/privacy-config';
import { runKey } from '../../src/runs/run-key';
import { InputError } from '../../src/util/errors';

before(async () => {
  await initBackend();
});

describe('DP-SGD in experiment configs', () => {
  const quick = preset('quick');

  test('dp defaults: delta 1e-5, clip 1, Poisson sampling, ghost norms; unknown fields and missing noise are errors', () => {
    assert.deepEqual(resolveExperimentDp({ epsilon: 8 }), { clip: 1, delta: 1e-5, sampling: 'poisson', method: 'ghost', epsilon: 8 });
    assert.deepEqual(resolveExperimentDp({ noise: 1.2, epsilon: 8 }), { clip: 1, delta: 1e-5, sampling: 'poisson', method: 'ghost', noise: 1.2 });
    assert.throws(() => resolveExperimentDp({ epsilonn: 8 }), (e: unknown) => e instanceof InputError && /dp\.epsilonn/.test(e.message));
    assert.throws(() => resolveExperimentDp({ clip: 2 }), (e: unknown) => e instanceof InputError && /target epsilon/.test(e.message));
    assert.throws(() => resolveExperimentDp({ epsilon: -1 }), (e: unknown) => e instanceof InputError && /dp\.epsilon/.test(e.message));
  });

  test('objectives whose loss couples the batch are refused, naming why and what works', () => {
    for (const name of ['simclr', 'vicreg', 'dino']) {
      assert.throws(
        () => withOverrides(withObjective(quick, name), { dp: { epsilon: 8 } }),
        (e: unknown) => e instanceof InputError && e.message.includes(`"${name}"`) && /couples the examples of a batch/.test(e.message) && /mae \(on a ViT/.test(e.message),
        name,
      );
    }
    for (const name of ['mae', 'supervised']) assert.equal(withOverrides(withObjective(quick, name), { dp: { epsilon: 8 } }).dp?.epsilon, 8, name);
  });

  test('batch norm is refused with the --set that replaces it; withPrivacy switches it', () => {
    const byol = withObjective(quick, 'byol');
    assert.throws(
      () => withOverrides(byol, { dp: { epsilon: 8 } }),
      (e: unknown) => e instanceof InputError && /--set objective\.projector\.norm=layer --set objective\.predictor\.norm=layer/.test(e.message),
    );
    const bn = withOverrides(withObjective(quick, 'supervised'), { encoder: { batchNorm: true } });
    assert.throws(() => withOverrides(bn, { dp: { epsilon: 8 } }), (e: unknown) => e instanceof InputError && /--set encoder\.norm=layer/.test(e.message));
    const cnn = withOverrides(withObjective(quick, 'supervised'), { encoder: { kind: 'cnn', widths: [8, 16], outDim: 16 } });
    assert.throws(() => withOverrides(cnn, { dp: { epsilon: 8 } }), (e: unknown) => e instanceof InputError && /--set encoder\.norm=group/.test(e.message));
    const privateByol = withPrivacy(byol, { epsilon: 8 });
    assert.equal((privateByol.objective.projector as { norm: string }).norm, 'layer');
    assert.equal((privateByol.objective.predictor as { norm: string }).norm, 'layer');
    assert.equal((withPrivacy(cnn, { epsilon: 8 }).encoder as { norm?: string }).norm, 'group');
    assert.equal((withPrivacy(bn, { epsilon: 8 }).encoder as { norm?: string }).norm, 'layer');
    assert.throws(() => withPrivacy(quick, { epsilon: 8 }), (e: unknown) => e instanceof InputError && /"simclr"/.test(e.message));
  });

  test('dp is part of the run keys, with defaults filled in', () => {
    const mae = withObjective(quick, 'mae');
    const key = (c: typeof mae) => runKey(encoderRunConfig(c, 'f', 0));
    const eight = withOverrides(mae, { dp: { epsilon: 8 } });
    assert.notEqual(key(eight), key(mae));
    assert.equal(key(eight), key(withOverrides(mae, { dp: { epsilon: 8, delta: 1e-5, clip: 1 } })));
    assert.notEqual(key(eight), key(withOverrides(mae, { dp: { epsilon: 20 } })));
    assert.notEqual(runKey(memorizationScoresKey(eight)), runKey(memorizationScoresKey(mae)));
  });
});
