import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../src/backend';
import { withOverrides } from '../../src/design/experiment-config';
import { loadExperimentData, type ExperimentData } from '../../src/design/experiment-data';
import { preset } from '../../src/design/presets';
import { foldPlan } from '../../src/plans/fold-plan';
import { jobKey } from '../../src/plans/job-key';
import { jobSource, trainingIds } from '../../src/plans/train-job';
import { sideJob, type TrainingJob } from '../../src/plans/training-job';
import { validateTrainingJob } from '../../src/plans/validate-job';
import { shuffledBatches } from '../../src/train/epoch-batches';
import { stepsPerEpochOf } from '../../src/train/train-options';
import { InputError } from '../../src/util/errors';
import { createRng } from '../../src/util/rng';

// Coupled training (train.coupling: 'shared-stream'): the encoders a design compares draw
// one stream of slots, so a point both train on meets the same batches in the same rows.

const base = withOverrides(preset('quick', 'synthetic'), {
  split: { trainSize: 80, extraSize: 10 },
  train: { epochs: 2, batchSize: 16, checkpointEpochs: [] },
  seeds: [0],
  probe: { trainSize: 80, testSize: 10 },
});
const coupled = withOverrides(base, { train: { coupling: 'shared-stream' } });
let data: ExperimentData;

before(async () => {
  await initBackend();
  data = await loadExperimentData(base);
});

/** The train-split ids of every batch of `epoch`, row by row, as the trainer draws them (-1: an empty slot). */
function batchesOf(job: TrainingJob, epoch: number): number[][] {
  const source = jobSource(job, data);
  const ids = [...trainingIds(job, data)];
  const slots = source.slots;
  const stream = slots?.length ?? source.size;
  const steps = stepsPerEpochOf(stream, job.train.batchSize, job.train.dropLast ?? true);
  return [...shuffledBatches(stream, job.train.batchSize, steps, epoch, createRng(job.seed))].map((chunk) =>
    Array.from(chunk, (at) => (slots === undefined ? ids[at] : slots[at] < 0 ? -1 : ids[slots[at]])),
  );
}

describe('coupled training', () => {
  test('f and g: the shared points hold the same rows of the same batches; the rows differ only where S_C and S_I do', () => {
    const { S_S, S_C, S_I } = data.split;
    const shared = new Set(S_S);
    for (const epoch of [0, 1]) {
      const f = batchesOf(sideJob(coupled, 'f', 0), epoch);
      const g = batchesOf(sideJob(coupled, 'g', 0), epoch);
      assert.equal(f.length, g.length);
      let alike = 0;
      f.forEach((rows, b) =>
        rows.forEach((id, row) => {
          const other = g[b][row];
          if (shared.has(id) || shared.has(other)) {
            assert.equal(other, id, `epoch ${epoch} batch ${b} row ${row}`);
            alike++;
          } else {
            assert.ok(S_C.includes(id) && S_I.includes(other), `epoch ${epoch} batch ${b} row ${row}: ${id} (f) against ${other} (g)`);
          }
        }),
      );
      assert.ok(alike > 0.9 * S_S.length, `${alike} shared rows of ${S_S.length}`);
    }
    // The control: independent f and g of the same seed meet their shared points elsewhere.
    const f = batchesOf(sideJob(base, 'f', 0), 0).flat();
    const g = batchesOf(sideJob(base, 'g', 0), 0).flat();
    const same = f.filter((id, i) => shared.has(id) && g[i] === id).length;
    assert.ok(same < 0.5 * S_S.length, `${same} of ${S_S.length} shared points in the same row`);
  });

  test('K-fold: g_k meets the batches of f with the rows of fold k empty', () => {
    const plan = foldPlan(coupled, data, { folds: 4 });
    const inFold = new Set(Array.from(plan.pool).filter((_, i) => plan.foldOf[i] === 2));
    const f = batchesOf(plan.full(0), 1);
    const g = batchesOf(plan.without(2, 0), 1);
    assert.deepEqual(g, f.map((rows) => rows.map((id) => (inFold.has(id) ? -1 : id))));
    assert.ok(g.flat().includes(-1));
  });

  test('coupled and independent runs have different keys; naming the default keeps the old key', () => {
    const independent = withOverrides(base, { train: { coupling: 'independent' } });
    for (const side of ['f', 'g'] as const) {
      assert.notEqual(jobKey(sideJob(coupled, side, 0)), jobKey(sideJob(base, side, 0)));
      assert.equal(jobKey(sideJob(independent, side, 0)), jobKey(sideJob(base, side, 0)));
    }
    const folds = foldPlan(base, data, { folds: 4 });
    const set = folds.full(0).trainSet;
    assert.ok(set.kind === 'ids' && set.slots === undefined, 'an independent fold job has no pool');
    assert.notEqual(jobKey(foldPlan(coupled, data, { folds: 4 }).without(1, 0)), jobKey(folds.without(1, 0)));
  });

  test('a coupling that is not one of the two, coupling under DP-SGD, and a pool without the ids are refused', () => {
    assert.throws(() => withOverrides(base, { train: { coupling: 'shared' } }), (e: unknown) => e instanceof InputError && /train\.coupling/.test((e as Error).message) && /shared-stream/.test((e as Error).message));
    assert.throws(() => withOverrides(coupled, { dp: { epsilon: 8 } }), /train\.coupling.*DP-SGD/s);
    const job = foldPlan(coupled, data, { folds: 4 }).without(0, 0);
    const ids = job.trainSet.kind === 'ids' ? job.trainSet.ids : [];
    const stray = { ...job, trainSet: { kind: 'ids', ids, slots: ids.slice(1) } } as TrainingJob;
    assert.throws(() => jobSource(stray, data), /trainSet\.slots.*outside/s);
    assert.throws(() => validateTrainingJob({ ...job, trainSet: { kind: 'ids', ids, slots: [3, 2] } }, 'job'), /trainSet\.slots\[1\]/);
    assert.throws(() => validateTrainingJob({ ...job, trainSet: { kind: 'ids', ids, pool: [1] } }, 'job'), /a field "pool"/);
  });
});
