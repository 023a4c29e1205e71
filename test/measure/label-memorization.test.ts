import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../src/backend';
import { withOverrides } from '../../src/design/experiment-config';
import { preset } from '../../src/design/presets';
import { labelMemorization } from '../../src/measure/label-memorization';
import { rankingReliability } from '../../src/measure/ranking-reliability';
import { runStore } from '../../src/runs/run-store';

const config = withOverrides(preset('quick', 'synthetic'), {
  split: { trainSize: 60, extraSize: 10 },
  encoder: { hidden: [16], outDim: 8 },
  train: { epochs: 2, batchSize: 16, checkpointEpochs: [] },
  seeds: [3, 5],
  probe: { trainSize: 60, testSize: 10 },
});
const root = mkdtempSync(join(tmpdir(), 'sslmem-label-mem-'));
before(async () => {
  await initBackend();
});
after(() => rmSync(root, { recursive: true, force: true }));

test('label memorization keeps each seed its own score (raw_seed<S>, after the old columns), whose mean is the score', async () => {
  const table = await labelMemorization(config, { store: runStore(root), workers: 1 });
  assert.deepEqual(table.columnNames(), ['id', 'set', 'label', 'p_f', 'p_g', 'score', 'raw_seed3', 'raw_seed5']);
  const [score, a, b] = ['score', 'raw_seed3', 'raw_seed5'].map((c) => table.array(c) as ArrayLike<number>);
  for (let i = 0; i < score.length; i++) assert.ok(Math.abs((a[i] + b[i]) / 2 - score[i]) < 1e-12, `row ${i}`);
  assert.ok(Array.from(a).some((v, i) => v !== b[i]), 'the seeds differ');
  const reliability = rankingReliability(table, { sets: ['S_C'], bootstrap: 0 });
  assert.deepEqual(reliability.seedList, [3, 5]);
  assert.equal(reliability.points, table.filter((d: { set: string }) => d.set === 'S_C').numRows());
});
