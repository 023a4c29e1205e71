import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveExperimentConfig } from '../../src/cli/experiment-options';
import { withObjective, withOverrides } from '../../src/design/experiment-config';
import { preset } from '../../src/design/presets';
import { objectiveNames } from '../../src/methods/registry';

describe('withObjective', () => {
  const quick = preset('quick');

  test('every objective by name; the encoder stays where it can be trained', () => {
    for (const name of objectiveNames) {
      const c = withObjective(quick, name);
      assert.equal(c.objective.name, name);
      assert.equal(c.encoder.kind, name === 'mae' ? 'vit' : 'mlp', name);
    }
    assert.equal(withObjective(quick, 'supervised').objective.classes, 10);
    assert.deepEqual(withObjective(quick, { name: 'byol', momentum: 0.996 }).objective, { name: 'byol', momentum: 0.996 });
  });

  test('an encoder the objective cannot train is an error naming both, with the way out', () => {
    assert.throws(() => withOverrides(quick, { objective: { name: 'mae' } }), /config "quick"\.encoder: expected an encoder objective "mae" can train \(withObjective.*\), found mae masks patch tokens, so it trains a ViT \(encoder kind "vit"\); found encoder kind "mlp"/);
    assert.throws(() => withOverrides(quick, { objective: { name: 'supervised', classes: 7 } }), /objective\.classes: expected 10 \(the classes of mnist\), found 7/);
    assert.throws(() => withObjective(quick, { name: 'byol', momentun: 0.9 }), /byol config\.momentun: expected one of the fields/);
  });

  test('the CLI: --objective switches, --set can refine it, an explicit encoder is kept and checked', () => {
    assert.equal(resolveExperimentConfig({ objective: 'mae' }).encoder.kind, 'vit');
    assert.equal(resolveExperimentConfig({ objective: 'dino', set: ['objective.localCrops=2'] }).objective.localCrops, 2);
    assert.throws(() => resolveExperimentConfig({ objective: 'mae', set: ['encoder.kind=mlp', 'encoder.hidden=[32]'] }), /mae masks patch tokens/);
    assert.equal(resolveExperimentConfig({ objective: 'mae', set: ['encoder.kind=vit', 'encoder.dim=32', 'encoder.heads=2', 'encoder.depth=1'] }).encoder.dim, 32);
  });
});
