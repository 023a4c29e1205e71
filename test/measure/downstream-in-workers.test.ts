import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../src/backend';
import { withOverrides } from '../../src/design/experiment-config';
import { preset } from '../../src/design/presets';
import { downstreamKey, downstreamKind, type DownstreamTask } from '../../src/measure/downstream-tasks';
import { downstreamJobTask, downstreamOfJobs } from '../../src/measure/downstream-in-workers';
import { localRunner } from '../../src/plans/runner';
import { sideJob } from '../../src/plans/training-job';
import { runStore } from '../../src/runs/run-store';

const config = withOverrides(preset('quick', 'synthetic'), {
  split: { trainSize: 60, extraSize: 12 },
  encoder: { hidden: [16], outDim: 8 },
  train: { epochs: 1, batchSize: 16, checkpointEpochs: [] },
  probe: { trainSize: 60, testSize: 12, epochs: 3 },
});
const tasks: readonly DownstreamTask[] = ['probe', 'knn', 'few-label-knn'];
const root = mkdtempSync(join(tmpdir(), 'sslmem-downstream-workers-'));
before(async () => {
  await initBackend();
});
after(() => rmSync(root, { recursive: true, force: true }));

test('downstreamOfJobs: the results computed in worker threads equal those computed in this thread, in the jobs\' order, each stored once', async () => {
  const store = runStore(root);
  const jobs = [sideJob(config, 'f', 0), sideJob(config, 'g', 0), sideJob(config, 'f', 1)];
  await localRunner({ store, workers: 1 }).run(jobs);
  const inWorkers = await downstreamOfJobs(config, [...jobs, jobs[0]], { tasks, store, workers: 2 });
  assert.equal(inWorkers.length, 4, 'one result per job asked, repeats included');
  assert.deepEqual(inWorkers[3], inWorkers[0]);
  for (const job of jobs) for (const task of tasks) assert.ok(store.has(downstreamKind, downstreamKey(config, job, task)), `${job.label} ${task} stored`);
  assert.notDeepEqual(inWorkers[0], inWorkers[1], 'f and g are different encoders');

  for (const job of jobs) for (const task of tasks) store.remove(downstreamKind, downstreamKey(config, job, task));
  let loads = 0;
  const here = await downstreamOfJobs(config, jobs, { tasks, store, workers: 1, load: (job) => ((loads += 1), localRunner({ store }).encoders.load(job)) });
  assert.equal(loads, 3, 'with one worker every job is evaluated in this thread');
  assert.deepEqual(here, inWorkers.slice(0, 3), 'same numbers whichever thread computed them');

  loads = 0;
  const cached = await downstreamOfJobs(config, jobs, { tasks, store, workers: 2, load: (job) => ((loads += 1), localRunner({ store }).encoders.load(job)) });
  assert.deepEqual(cached, here);
  assert.equal(loads, 0, 'all from the run store: nothing loaded, no worker started');
});

test('downstreamJobTask refuses a job whose run key the caller computed differently', async () => {
  const job = sideJob(config, 'f', 0);
  await assert.rejects(downstreamJobTask({ config, job, tasks, settings: {}, root, backend: 'wasm', key: 'not-the-key' }), /not-the-key|run key/);
});
