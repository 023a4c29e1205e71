import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../src/backend';
import { scoresOverSplits } from '../../src/findings/scores-over-splits';
import { runStore } from '../../src/runs/run-store';
import { tinyConfig } from './tiny-config';

describe('recipes of the finding notebooks (tiny synthetic runs)', () => {
  const root = mkdtempSync(join(tmpdir(), 'sslmem-findings-'));
  const store = runStore(root);
  const config = tinyConfig();
  before(async () => {
    await initBackend();
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test('scoresOverSplits runs on stored encoders', async () => {
    const splits = await scoresOverSplits(config, [0, 1], { store, workers: 1 });
    assert.deepEqual(splits.tests.array('split_seed'), [0, 1]);
    assert.deepEqual(splits.tests.array('n_C'), [32, 32]);
    assert.equal(splits.scores.numRows(), 2 * (16 + 32 + 32 + 20));
  });
});
