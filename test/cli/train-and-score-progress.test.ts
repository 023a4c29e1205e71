import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as aq from 'arquero';
import { bufferIo } from '../../src/cli/cli-io';
import type { RunContext } from '../../src/cli/run-context';
import { statusLine } from '../../src/cli/status-line';
import { trainAndScore } from '../../src/cli/train-and-score-progress';
import { runStore } from '../../src/runs/run-store';

const root = mkdtempSync(join(tmpdir(), 'sslmem-progress-'));
after(() => rmSync(root, { recursive: true, force: true }));

function context(): { ctx: RunContext; io: ReturnType<typeof bufferIo> } {
  const io = bufferIo();
  const ctx = { store: runStore(join(root, 'runs')), line: statusLine(io.stderr), io, workers: 1 } as unknown as RunContext;
  return { ctx, io };
}

const epoch = { label: 'f seed 0', seed: 0, epoch: 1, epochs: 1, loss: 1 };

describe('trainAndScore progress', () => {
  test('"trained in" is printed only once the trainings succeeded (the encoders are stored), not when they fail', async () => {
    const failing = context();
    await assert.rejects(
      trainAndScore(failing.ctx, false, {
        kind: 'scores',
        key: { a: 1 },
        reused: 'reused',
        plan: [],
        compute: async ({ onEpoch }) => {
          onEpoch(epoch);
          throw new Error('could not write the encoder run (ENOSPC)');
        },
      }),
      /ENOSPC/,
    );
    assert.doesNotMatch(failing.io.err(), /trained in/);
    const working = context();
    await trainAndScore(working.ctx, false, {
      kind: 'scores',
      key: { a: 2 },
      reused: 'reused',
      plan: [],
      compute: async ({ onEpoch }) => {
        onEpoch(epoch);
        onEpoch({ ...epoch, note: 'waiting for g seed 0: being trained by pid 1 on host' });
        return aq.table({ x: [1] });
      },
    });
    assert.match(working.io.err(), /waiting for g seed 0: being trained by pid 1 on host\n/);
    assert.match(working.io.err(), /trained in /);
  });
});
