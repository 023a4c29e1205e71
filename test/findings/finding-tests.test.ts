import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../src/backend';
import { withOverrides } from '../../src/design/experiment-config';
import { preset } from '../../src/design/presets';
import { scoresOverSplits } from '../../src/findings/scores-over-splits';
import { runStore } from '../../src/runs/run-store';

describe('recipes of the finding notebooks (tiny synthetic runs)', () => {
  const root = mkdtempSync(join(tmpdir(), 'sslmem-findings-'));
  const store = runStore(root);
  const config = withOverrides(preset('quick', 'synthetic'), {
    split: { trainSize: 80, extraSize: 20, fractions: { shared: 0.2, candidate: 0.4, independent: 0.4 } },
    encoder: { hidden: [16], outDim: 8 },
    objective: { projector: { hidden: [8], outDim: 8 } },
    train: { epochs: 4, batchSize: 16, checkpointEpochs: [2] },
    seeds: [0, 1],
    score: { pairs: 2 },
    probe: { trainSize: 80, testSize: 20, epochs: 3 },
  });
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
