import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../src/backend';
import { withOverrides } from '../../src/design/experiment-config';
import { preset } from '../../src/design/presets';
import { findings, findingNamed } from '../../src/findings/registry';
import { planJobs, verdictOutcome } from '../../src/findings/finding';
import { jobKey } from '../../src/plans/job-key';
import { runStore } from '../../src/runs/run-store';
import { recordingRunner } from './record-runs';
import { splitPower } from '../../src/findings/candidates-vs-shared/verdict';
import { normalQuantile } from '../../src/stats/distribution-quantiles';

const finding = findings['candidates-vs-shared'];
const settings = {
  ...finding.settings('quick'),
  config: withOverrides(preset('quick', 'synthetic'), {
    split: { trainSize: 80, extraSize: 20 },
    encoder: { hidden: [16], outDim: 8 },
    objective: { projector: { hidden: [8], outDim: 8 } },
    train: { epochs: 2, batchSize: 32, checkpointEpochs: [] },
    seeds: [0],
    probe: { trainSize: 80, testSize: 10 },
  }),
  splitSeeds: [0, 1],
};

const root = mkdtempSync(join(tmpdir(), 'sslmem-finding-02-'));
before(async () => {
  await initBackend();
});
after(() => rmSync(root, { recursive: true, force: true }));

test('the registry names the finding; an unknown name is refused with the list', () => {
  assert.equal(findingNamed('candidates-vs-shared'), finding);
  assert.throws(() => findingNamed('__proto__'), /expected one of .*candidates-vs-shared.*found "__proto__"/);
});

test('run trains exactly the plan, in one call, then measures without training', async () => {
  const { runner, calls } = recordingRunner(runStore(root));
  const plan = await finding.plan(settings);
  assert.equal(plan.stages.length, 1);
  assert.equal(planJobs(plan).length, 2 * settings.splitSeeds.length * settings.config.seeds.length);
  const study = await finding.run(settings, { runner });
  assert.deepEqual(calls[0].plan.map(jobKey), planJobs(plan).map(jobKey));
  assert.equal(calls[0].outcome.trained.length, planJobs(plan).length);
  for (const later of calls.slice(1)) assert.equal(later.outcome.trained.length, 0, 'measurements train nothing');

  const tables = finding.summary(study);
  assert.deepEqual(Object.keys(tables).sort(), ['highly_memorized', 'offsets', 'set_tests', 'statistics', 'tests']);
  assert.deepEqual(tables.tests.array('split_seed'), [0, 1]);
  const verdict = finding.verdict(study);
  assert.equal(verdict.parts.length, 2);
  assert.equal(verdict.holds, verdict.parts.every((p) => p.holds));
  assert.equal(verdict.lines.at(-1), verdict.sentence);
  assert.match(verdict.sentence, verdict.holds ? /holds at this scale/ : /not confirmed at this scale: S_C > S_S at p < 1e-3 on \d of 2 splits/);
  assert.ok(['holds', 'partly', 'not confirmed'].includes(verdictOutcome(verdict)));
  assert.deepEqual(finding.figures(study).map((f) => f.name), ['scores-per-set', 'scores-box', 'alignment-vs-memorization']);

  // A second run finds everything in the store.
  calls.length = 0;
  const again = await finding.run(settings, { runner });
  assert.equal(calls.reduce((n, c) => n + c.outcome.trained.length, 0), 0);
  assert.deepEqual(again.tests.objects(), study.tests.objects());
});

test('splitPower: power 0.8 exactly where t = z(1 - alpha) + z(0.8), sizes scale with (needed / t)^2', () => {
  const t = normalQuantile(1 - 1e-3) + normalQuantile(0.8);
  const exact = splitPower({ split_seed: 0, n_C: 500, n_S: 250, t }, 1e-3);
  assert.ok(Math.abs(exact.power - 0.8) < 1e-9, String(exact.power));
  assert.equal(exact.candidatesNeeded, 500);
  assert.equal(exact.sharedNeeded, 250);
  const strong = splitPower({ split_seed: 1, n_C: 500, n_S: 250, t: 2 * t }, 1e-3);
  assert.ok(strong.power > 0.99);
  assert.equal(strong.candidatesNeeded, 125);
  assert.equal(splitPower({ split_seed: 2, n_C: 500, n_S: 250, t: -1 }, 1e-3).candidatesNeeded, Infinity);
});
