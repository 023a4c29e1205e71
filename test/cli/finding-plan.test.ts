import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../src/backend';
import { bufferIo } from '../../src/cli/cli-io';
import { main } from '../../src/cli/main';
import { nextFindingStage, shellLine } from '../../src/cli/finding-plan';
import type { FindingSettings } from '../../src/findings/finding';
import { localRunner } from '../../src/plans/runner';
import { writePlanFile } from '../../src/plans/plan-file';
import { runStore } from '../../src/runs/run-store';
import { toyStagedFinding } from './toy-findings';

// The stage `sslmem plan --finding` writes: the first one the run store lacks, the next one
// once `sslmem run-job` (as a Slurm array task runs it) has trained the first. The process test
// of `sslmem plan --finding` with a registered staged finding is in finding-command.test.ts.

const dir = mkdtempSync(join(tmpdir(), 'sslmem-finding-plan-'));
before(async () => {
  await initBackend({ backend: 'cpu' });
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** `sslmem run-job PLAN I` for every job, as a Slurm array runs them (in this process: the keys are computed from the same sources as the plan's). */
async function runJobs(path: string, count: number, runs: string): Promise<void> {
  for (let i = 0; i < count; i++) {
    const io = bufferIo();
    assert.equal(await main(['run-job', path, String(i), '--runs', runs, '--backend', 'cpu'], io), 0, io.err());
    assert.match(io.out(), new RegExp(`job ${i} \\((f|g) seed \\d\\): trained in `));
  }
}

describe('nextFindingStage', () => {
  test('stage 1, then (after run-job trained it) stage 2, then nothing', async () => {
    const runs = join(dir, 'runs');
    const store = runStore(runs);
    const settings = toyStagedFinding.settings('quick');
    const first = await nextFindingStage(toyStagedFinding, settings, store);
    assert.equal(first.index, 0);
    assert.equal(first.stages[1].jobs, undefined, 'stage 2 is unknown before stage 1 is stored');
    assert.deepEqual(first.missing.map((j) => j.label), ['f seed 0', 'g seed 0']);
    const path1 = join(dir, 'stage1.json');
    await runJobs(path1, writePlanFile(path1, first.stages[0].jobs ?? []), runs);

    const second = await nextFindingStage(toyStagedFinding, settings, store);
    assert.equal(second.index, 1);
    assert.deepEqual(second.missing.map((j) => j.label), ['f seed 1', 'g seed 1']);
    const path2 = join(dir, 'stage2.json');
    await runJobs(path2, writePlanFile(path2, second.stages[1].jobs ?? []), runs);

    const done = await nextFindingStage(toyStagedFinding, settings, store);
    assert.equal(done.index, undefined);
    assert.deepEqual(done.missing, []);
    const local = localRunner({ store, workers: 1 });
    const trained: string[] = [];
    const study = await toyStagedFinding.run(settings, {
      runner: { encoders: local.encoders, run: async (plan, options) => { const outcome = await local.run(plan, options); trained.push(...outcome.trained.map((j) => j.label)); return outcome; } },
    });
    assert.deepEqual(trained, [], 'run finds every stage in the store and trains nothing');
    assert.ok(study.scores.numRows() > 0);
  });

  test('a later stage left unknown although the one before is stored: an error naming both', async () => {
    const runs = join(dir, 'runs-broken');
    const broken = {
      ...toyStagedFinding,
      plan: async (settings: FindingSettings) => ({ stages: [{ name: 'first', description: 'nothing to train', jobs: [] }, { name: 'second', description: 'never known', after: 'first' }] }),
    };
    await assert.rejects(nextFindingStage(broken, toyStagedFinding.settings('quick'), runStore(runs)), /finding toy-staged, plan stage second: expected its trainings once stage first is in the run store .*, found none/);
  });
});

test('shellLine quotes only what the shell would split or expand', () => {
  assert.equal(shellLine(['sslmem', 'finding', 'x', '--set', 'train.epochs=2', '--set', 'seeds=[0,1]', '--runs', '/a b/runs']), "sslmem finding x --set train.epochs=2 --set 'seeds=[0,1]' --runs '/a b/runs'");
  assert.equal(shellLine(["it's"]), `'it'\\''s'`);
});
