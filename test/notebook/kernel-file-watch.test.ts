import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

// tslab's type checker watches every file a cell read and every folder a module was looked
// for; two change notices between cells (a rebuilt dist/, an npm install) used to kill the
// kernel with "Unexpected pending rebuildTimer". The project's kernel
// (scripts/tslab-kernel.cjs, registered by scripts/setup-jupyter.sh) runs tslab without them.

const root = resolve(__dirname, '../..');
const python = spawnSync('bash', ['scripts/python-with.sh', 'nbclient', 'nbformat'], { cwd: root, encoding: 'utf8' });
const skip = python.status === 0 ? false : 'no Python can import nbclient: run `bash scripts/setup-jupyter.sh`';
const work = mkdtempSync(join(root, 'test', '.kernel-watch-'));
after(() => rmSync(work, { recursive: true, force: true }));

const cells = [
  `import * as sslmem from ${JSON.stringify(join(root, 'dist', 'index'))};\nimport * as fs from 'node:fs';\nconsole.log(typeof sslmem.findings);`,
  [
    // A rebuild touches the declarations the checker read, a module folder appears and goes, an
    // install rewrites a package manifest (each with its own content: nothing really changes).
    `const declarations = ${JSON.stringify(join(root, 'dist', 'notebook', 'show-verdict.d.ts'))};`,
    'fs.writeFileSync(declarations, fs.readFileSync(declarations));',
    `const folder = ${JSON.stringify(join(root, 'dist', 'findings', 'node_modules'))};`,
    'fs.mkdirSync(folder);',
    'fs.rmdirSync(folder);',
    `const manifest = ${JSON.stringify(join(root, 'node_modules', '@types', 'node', 'package.json'))};`,
    'fs.writeFileSync(manifest, fs.readFileSync(manifest));',
    'await new Promise((r) => setTimeout(r, 2000));',
    "console.log('changed');",
  ].join('\n'),
  "console.log('alive');",
];

test('the kernel survives files changing under it between cells', { skip, timeout: 300_000 }, () => {
  const notebook = join(work, 'watch.ipynb');
  writeFileSync(
    notebook,
    JSON.stringify({
      cells: cells.map((source, i) => ({ cell_type: 'code', id: `cell${i}`, execution_count: null, metadata: {}, outputs: [], source })),
      metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
      nbformat: 4,
      nbformat_minor: 5,
    }),
  );
  const out = join(work, 'out.ipynb');
  const r = spawnSync(python.stdout.trim(), ['scripts/run-notebook.py', notebook, out, '--preset', 'quick', '--cell-timeout', '200', '--quiet'], { cwd: root, encoding: 'utf8', timeout: 280_000 });
  const text = JSON.parse(readFileSync(out, 'utf8'))
    .cells.flatMap((c: { outputs: Array<{ text?: string | string[] }> }) => c.outputs.map((o) => [o.text ?? ''].flat().join('')))
    .join('');
  assert.doesNotMatch(text, /rebuildTimer/, text);
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.equal(text, 'object\nchanged\nalive\n');
});
