import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../src/backend';
import { withOverrides } from '../../src/design/experiment-config';
import { loadExperimentData, type ExperimentData } from '../../src/design/experiment-data';
import { preset } from '../../src/design/presets';
import { runStore } from '../../src/runs/run-store';
import { trainingPool } from '../../src/plans/fold-plan';
import { holdInterruptSignal } from '../../src/plans/interrupt-signal';
import { interruptedLine, PlanInterruptedError } from '../../src/plans/plan-interrupted-error';
import { localRunner, type JobMessage } from '../../src/plans/runner';
import { subsetJob } from '../../src/plans/training-job';
import { inspect } from 'node:util';

// A plan stops on its abort signal, and on SIGINT where the process survives SIGINT (a
// Jupyter kernel): checkpoints stay, and the error is one line saying what was kept.

const config = withOverrides(preset('quick', 'synthetic'), {
  split: { trainSize: 80, extraSize: 10 },
  encoder: { hidden: [16], outDim: 8 },
  objective: { projector: { hidden: [8], outDim: 8 } },
  train: { epochs: 400, batchSize: 16, checkpointEpochs: [2] },
  seeds: [0],
  probe: { trainSize: 80, testSize: 10 },
});
const root = mkdtempSync(join(tmpdir(), 'sslmem-interrupt-'));
let data: ExperimentData;

before(async () => {
  await initBackend();
  data = await loadExperimentData(config);
});
after(() => rmSync(root, { recursive: true, force: true }));

describe('interruptedLine', () => {
  test('says how many encoders are stored and where the rest resume', () => {
    assert.equal(interruptedLine(1, 3, [20, 20]), 'interrupted: 1 of 3 encoders stored, the rest resume from epoch 20');
    assert.equal(interruptedLine(0, 2, [10, 20]), 'interrupted: 0 of 2 encoders stored, the rest resume from epochs 10-20');
    assert.equal(interruptedLine(1, 2, [0]), 'interrupted: 1 of 2 encoders stored, the other starts over (no checkpoint yet)');
    const error = new PlanInterruptedError(0, 2, [20, 20]);
    assert.equal(inspect(error), error.message, 'printed by a kernel as one line, without a stack');
  });
});

describe('a running plan', () => {
  for (const workers of [1, 2]) {
    test(`stops on its signal (${workers === 1 ? 'in this thread' : 'two worker threads'}), keeps checkpoints and says where it resumes`, async () => {
      const store = runStore(join(root, `signal-${workers}`));
      const pool = trainingPool(data);
      const plan = [subsetJob(config, pool.slice(0, 40), 0, 'a'), subsetJob(config, pool.slice(40), 0, 'b')];
      const controller = new AbortController();
      const late: JobMessage[] = [];
      const seen = new Set<string>();
      const outcome = localRunner({ store, workers }).run(plan, {
        signal: controller.signal,
        onEpoch: (m) => {
          if (controller.signal.aborted) late.push(m);
          if (m.epoch >= 3) seen.add(m.label);
          if (seen.size === workers) controller.abort();
        },
      });
      const error = await outcome.then(() => assert.fail('the plan ran to its end'), (e: unknown) => e);
      assert.ok(error instanceof PlanInterruptedError, String(error));
      // In this thread the second job never started; two workers ran both past epoch 2.
      assert.equal(error.message, `interrupted: 0 of 2 encoders stored, the rest resume from ${workers === 1 ? 'epochs 0-2' : 'epoch 2'}`);
      assert.deepEqual(late, [], 'no progress after the abort');
      const work = readdirSync(join(store.root, 'encoder')).filter((d) => d.endsWith('.work'));
      assert.ok(work.some((d) => existsSync(join(store.root, 'encoder', d, 'epoch-0002.safetensors'))), 'a checkpoint is left for resuming');
    });
  }

  test('SIGINT aborts it where the process has SIGINT listeners (a kernel), which it sets aside meanwhile and gives back', async () => {
    const store = runStore(join(root, 'sigint'));
    const pool = trainingPool(data);
    const plan = [subsetJob(config, pool.slice(0, 40), 1, 'a')];
    let hostCalls = 0;
    const host = () => hostCalls++;
    process.on('SIGINT', host);
    try {
      const outcome = localRunner({ store, workers: 1 }).run(plan, {
        onEpoch: (m) => {
          if (m.epoch === 3) process.emit('SIGINT');
        },
      });
      await assert.rejects(outcome, (e: unknown) => e instanceof PlanInterruptedError && e.message === 'interrupted: 0 of 1 encoder stored, the other resumes from epoch 2');
      assert.equal(hostCalls, 0, "the host's listener was set aside while the plan ran");
      assert.deepEqual(process.listeners('SIGINT'), [host], 'and given back afterwards');
    } finally {
      process.removeListener('SIGINT', host);
    }
  });

  test('without SIGINT listeners there is nothing to hold (SIGINT ends the process, workers included)', () => {
    assert.equal(process.listenerCount('SIGINT'), 0);
    assert.equal(holdInterruptSignal(), undefined);
  });
});
