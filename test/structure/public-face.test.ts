import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// The public face of the built library: `sslmem` is a short list of names and loads neither
// the queue (bullmq, ioredis) nor the PNG encoder; `sslmem/parts` and `sslmem/engine` resolve
// through the package's exports map, for a package that depends on sslmem.

const root = resolve(__dirname, '../..');
const main = join(root, 'dist/index.js');
const built = existsSync(main) && existsSync(join(root, 'dist/parts.js')) && existsSync(join(root, 'dist/engine.js'));

/** Runs `code` in a fresh node whose working directory is `cwd`; returns its JSON output. */
function inChild(code: string, cwd: string): unknown {
  return JSON.parse(execFileSync(process.execPath, ['-e', code], { cwd, encoding: 'utf8' }));
}

/** Modules of bullmq, ioredis and pngjs in the child's require cache after `require(entry)`. */
const heavyAfter = (entry: string): string =>
  `require(${JSON.stringify(entry)}); console.log(JSON.stringify(Object.keys(require.cache).filter((k) => /[\\\\/]node_modules[\\\\/](bullmq|ioredis|pngjs)[\\\\/]/.test(k)).map((k) => k.match(/node_modules[\\\\/]([^\\\\/]+)/)[1]).filter((n, i, all) => all.indexOf(n) === i).sort()))`;

describe('the public face (dist/)', { skip: built ? false : 'dist/ not built (npm run build)' }, () => {
  test('the main entry exports at most 150 names, among them what a notebook calls', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const names = Object.keys(require(main) as object);
    assert.ok(names.length <= 150, `expected at most 150 names from ${main}, found ${names.length}`);
    for (const name of ['findings', 'findingNamed', 'findingNames', 'planJobs', 'verdictOutcome', 'trainStages', 'initBackend', 'describeBackend', 'trainingProgress', 'showTable', 'showFigure', 'showImageGrid', 'showVerdict', 'printTable', 'preset', 'withOverrides', 'withObjective', 'withPrivacy', 'memorizationScores', 'allPointScores', 'labelMemorization', 'layerMemorization', 'tTest', 'spearman', 'createEncoder', 'createObjective', 'trainEncoder', 'lineFigure', 'runStore', 'localRunner']) {
      assert.ok(names.includes(name), `expected sslmem to export ${name}; it exports ${names.length} names without it`);
    }
    for (const plumbing of ['queueRunner', 'startQueueWorker', 'readIdx', 'applyDense', 'logGamma', 'encodePng', 'resolveOptions', 'sidePlan', 'ntXentLoss']) {
      assert.ok(!names.includes(plumbing), `expected ${plumbing} outside the main entry (sslmem/parts or sslmem/engine)`);
    }
  });

  test('every sslmem.NAME the notebooks and the README call is a name of the main entry', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const values = Object.keys(require(main) as object);
    const types = [...readFileSync(join(root, 'dist/index.d.ts'), 'utf8').matchAll(/export type \{([^}]*)\}/g)].flatMap((m) => m[1].split(',').map((n) => n.trim()));
    const exported = new Set([...values, ...types]);
    const sources = [
      ...readdirSync(join(root, 'notebooks')).filter((f) => f.endsWith('.ipynb')).map((f) => ({ file: `notebooks/${f}`, text: readFileSync(join(root, 'notebooks', f), 'utf8') })),
      { file: 'README.md', text: [...readFileSync(join(root, 'README.md'), 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]).join('\n') },
    ];
    const missing = sources.flatMap(({ file, text }) => [...new Set([...text.matchAll(/\bsslmem\.([A-Za-z]\w*)/g)].map((m) => m[1]))].filter((n) => !exported.has(n)).map((n) => `${file}: sslmem.${n}`));
    assert.deepEqual(missing, [], 'names called through `sslmem.` that src/index.ts does not export');
  });

  test('requiring the main entry loads no bullmq, ioredis or pngjs; the engine loads the queue', () => {
    assert.deepEqual(inChild(heavyAfter(main), root), [], 'modules loaded by require(dist/index.js)');
    assert.deepEqual(inChild(heavyAfter(join(root, 'dist/engine.js')), root), ['bullmq', 'ioredis'], 'modules loaded by require(dist/engine.js)');
  });

  test('sslmem, sslmem/parts and sslmem/engine resolve through the exports map for a package that depends on sslmem', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sslmem-face-'));
    try {
      mkdirSync(join(dir, 'node_modules'));
      symlinkSync(root, join(dir, 'node_modules', 'sslmem'), 'dir');
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'user', version: '0.0.0', dependencies: { sslmem: '*' } }));
      const seen = inChild(
        `const keys = (m) => Object.keys(require(m));
         console.log(JSON.stringify({
           files: ['sslmem', 'sslmem/parts', 'sslmem/engine', 'sslmem/package.json', 'sslmem/dist/cli/main.js'].map((m) => require('path').relative(${JSON.stringify(root)}, require.resolve(m))),
           main: keys('sslmem').length,
           parts: ['simclr', 'projectionHead', 'ntXentLoss', 'mlpEncoder', 'createDense', 'multiView', 'trainStep', 'computeGradients', 'adam', 'sslmemScores', 'alignmentLoss', 'resolveOptions', 'createRng', 'runConformance'].filter((n) => !keys('sslmem/parts').includes(n)),
           engine: ['localRunner', 'queueRunner', 'startQueueWorker', 'sidePlan', 'foldPlan', 'jobKey', 'encoderStore', 'runStore', 'verifyRuns', 'runInWorkers'].filter((n) => !keys('sslmem/engine').includes(n)),
           hidden: (() => { try { require.resolve('sslmem/src/index.ts'); return 'resolved'; } catch (e) { return e.code; } })(),
         }));`,
        dir,
      ) as { files: string[]; main: number; parts: string[]; engine: string[]; hidden: string };
      assert.deepEqual(seen.files, ['dist/index.js', 'dist/parts.js', 'dist/engine.js', 'package.json', 'dist/cli/main.js'].map((f) => join(f)));
      assert.ok(seen.main > 50 && seen.main <= 150, `expected sslmem's names through the exports map, found ${seen.main}`);
      assert.deepEqual(seen.parts, [], 'names missing from sslmem/parts');
      assert.deepEqual(seen.engine, [], 'names missing from sslmem/engine');
      assert.equal(seen.hidden, 'ERR_PACKAGE_PATH_NOT_EXPORTED', 'a path outside the exports map (sslmem/src/index.ts)');
      assert.ok(existsSync(join(root, 'dist/parts.d.ts')) && existsSync(join(root, 'dist/engine.d.ts')), 'the types of sslmem/parts and sslmem/engine');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
