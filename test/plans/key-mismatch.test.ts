import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../src/backend';
import { preset } from '../../src/design/presets';
import { jobKey, jobRunConfig } from '../../src/plans/job-key';
import { keyMismatch } from '../../src/plans/key-mismatch';
import { sidePlan } from '../../src/plans/side-plan';
import type { RunProvenance } from '../../src/runs/provenance';
import { runKey } from '../../src/runs/run-key';

before(async () => {
  await initBackend({ backend: 'cpu' });
});

// A job planned elsewhere: its key computed with `provenance` (as that machine would).
function plannedWith(provenance: RunProvenance) {
  const [job] = sidePlan(preset('quick'));
  return { job, key: runKey({ ...jobRunConfig(job), provenance }, { version: provenance.library }) };
}

describe('keyMismatch: which part of a run key differs', () => {
  test('nothing when the key matches', () => {
    const [job] = sidePlan(preset('quick'));
    assert.equal(keyMismatch(job, jobKey(job), jobRunConfig(job).provenance), undefined);
  });

  test('an edited job: its content, not the build or the arithmetic', () => {
    const [job] = sidePlan(preset('quick'));
    const recorded = jobRunConfig(job).provenance;
    const edited = { ...job, train: { ...job.train, lr: 0.5 } };
    const why = keyMismatch(edited, jobKey(job), recorded)!;
    assert.match(why, /the job's content differs from what its key was computed from/);
    assert.doesNotMatch(why, /library|arithmetic differs/);
    // The label is not part of the key: a relabelled job matches.
    assert.equal(keyMismatch({ ...job, label: 'renamed' }, jobKey(job), recorded), undefined);
  });

  test('another library version, another build of the code, another arithmetic: each named', () => {
    const own = jobRunConfig(sidePlan(preset('quick'))[0]).provenance as RunProvenance;
    const version = plannedWith({ ...own, library: '9.9.9' });
    assert.match(keyMismatch(version.job, version.key, { ...own, library: '9.9.9' })!, /content is as planned; the library version differs \(sslmem \S+ here, 9\.9\.9 where it was planned\)/);
    const build = { ...own, code: { ...own.code, fingerprint: 'f'.repeat(64) } };
    const b = plannedWith(build);
    const whyBuild = keyMismatch(b.job, b.key, build)!;
    assert.match(whyBuild, /the library build differs \(code of plans\/train-job-task [0-9a-f]{12}\.\.\. here, plans\/train-job-task ffffffffffff\.\.\. where it was planned\)/);
    assert.doesNotMatch(whyBuild, /arithmetic|content differs/);
    const arithmetic = { ...own, arithmetic: { ...own.arithmetic, backend: 'wasm', simd: true } };
    const a = plannedWith(arithmetic);
    const whyArithmetic = keyMismatch(a.job, a.key, arithmetic)!;
    assert.match(whyArithmetic, /the arithmetic differs \(\{"backend":"cpu".*here, \{"backend":"wasm".* where it was planned\): train with --backend wasm/);
    assert.doesNotMatch(whyArithmetic, /library|content differs/);
  });

  test('without a recorded provenance it says the parts cannot be told apart', () => {
    const [job] = sidePlan(preset('quick'));
    assert.match(keyMismatch(job, 'a'.repeat(64))!, /records no provenance .* cannot say whether the job's content, the library build or the arithmetic differs/);
    assert.match(keyMismatch(job, 'a'.repeat(64), { library: 1 })!, /records no provenance/);
  });
});
