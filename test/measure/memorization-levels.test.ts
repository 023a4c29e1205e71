import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as aq from 'arquero';
import { memorizationLevels } from '../../src/measure/memorization-levels';

describe('memorization levels', () => {
  test('rescaled levels reach 0 and 1 also when scores straddle 0', () => {
    const t = aq.table({ set: ['S_C', 'S_C', 'S_C', 'S_C', 'S_S'], s: [-0.5, 0, 0.25, 0.5, 9] });
    const levels = memorizationLevels(t, { score: 's', rescale: true });
    assert.deepEqual(levels.array('level_value'), [1, 0.75, 0.5, 0]);
    assert.deepEqual(levels.array('level'), ['>= 0.8', '[0.6, 0.8)', '[0.4, 0.6)', '[0, 0.2)']);
    assert.deepEqual(memorizationLevels(t, { score: 's' }).array('level'), ['[0.4, 0.6)', '[0.2, 0.4)', '[0, 0.2)', '< 0']);
  });

});
