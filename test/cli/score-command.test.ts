import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The data path of `sslmem score`, counted in the built library: the compiled modules call
// each other through their exports objects, so a wrapper put on an export sees every call
// from another module.
const dist = join(__dirname, '..', '..', 'dist');
const built = existsSync(join(dist, 'cli', 'main.js'));

type Counter = { count: number; restore(): void };

/** Counts the calls of `module[name]` (those `when` accepts) until `restore`. */
function countCalls(module: Record<string, unknown>, name: string, when: (args: unknown[]) => boolean = () => true): Counter {
  const original = module[name] as (...args: unknown[]) => unknown;
  const counter = {
    count: 0,
    restore: () => {
      module[name] = original;
    },
  };
  module[name] = (...args: unknown[]) => {
    if (when(args)) counter.count++;
    return original(...args);
  };
  return counter;
}

describe('sslmem score: one validation, one plan, one data load (built CLI, in process)', { skip: built ? false : 'dist/ not built (npm run build)' }, () => {
  const root = mkdtempSync(join(tmpdir(), 'sslmem-score-path-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const common = ['--dataset', 'synthetic', '--preset', 'quick', '--set', 'split.trainSize=60', '--set', 'split.extraSize=10', '--set', 'probe.trainSize=60', '--set', 'probe.testSize=10'];
  const small = [...common, '--set', 'train.batchSize=16', '--epochs', '1', '--seeds', '0,1', '--workers', '1', '--quiet', '--runs', join(root, 'runs')];

  async function counted(args: string[]): Promise<Record<string, number>> {
    const { main } = require(join(dist, 'cli', 'main.js'));
    const { bufferIo } = require(join(dist, 'cli', 'cli-io.js'));
    const counters = {
      // Every validation first checks that the config is plain data, under the name "experiment config ...".
      validations: countCalls(require(join(dist, 'util', 'safe-keys.js')), 'assertPlainData', (a) => typeof a[1] === 'string' && a[1].startsWith('experiment config')),
      dataLoads: countCalls(require(join(dist, 'design', 'experiment-data.js')), 'loadExperimentData'),
      sidePlans: countCalls(require(join(dist, 'plans', 'side-plan.js')), 'sidePlan'),
      foldPlans: countCalls(require(join(dist, 'plans', 'fold-plan.js')), 'foldPlan'),
    };
    try {
      const io = bufferIo();
      const code = await main(['score', ...args], io);
      assert.equal(code, 0, io.err());
    } finally {
      Object.values(counters).forEach((c) => c.restore());
    }
    return Object.fromEntries(Object.entries(counters).map(([k, c]) => [k, c.count]));
  }

  test('training, then from the run store, then --refresh: each time the config is validated once, the plan built once, the data loaded once', async () => {
    const once = { validations: 1, dataLoads: 1, sidePlans: 1, foldPlans: 0 };
    assert.deepEqual(await counted([...small, '--out', join(root, 'a')]), once, 'training the encoders');
    assert.deepEqual(await counted([...small, '--out', join(root, 'b')]), once, 'scores from the run store');
    assert.deepEqual(await counted([...small, '--refresh', '--out', join(root, 'c')]), once, 'scoring again with the stored encoders');
    assert.equal(readFileSync(join(root, 'a', 'scores.csv'), 'utf8'), readFileSync(join(root, 'c', 'scores.csv'), 'utf8'));
  });

  test('--all-points and --align-reg too', async () => {
    assert.deepEqual(await counted([...small, '--all-points', '--folds', '2', '--out', join(root, 'd')]), { validations: 1, dataLoads: 1, sidePlans: 0, foldPlans: 1 });
    assert.deepEqual(await counted([...small, '--align-reg', '0.5', '--out', join(root, 'e')]), { validations: 1, dataLoads: 1, sidePlans: 1, foldPlans: 0 });
  });
});
