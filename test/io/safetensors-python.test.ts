// Cross-check with the reference implementation: Python's `safetensors` package reads
// what sslmem writes and sslmem reads what Python writes. Skipped where no Python can
// import safetensors and numpy (e.g. CI without them); set SSLMEM_PYTHON to choose one.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSafetensorsFile, writeSafetensorsFile } from '../../src/io/safetensors';

const found = spawnSync('bash', ['scripts/python-with.sh', 'safetensors', 'numpy'], { encoding: 'utf8' });
const python = found.status === 0 ? found.stdout.trim() : undefined;

describe('safetensors against Python', { skip: python === undefined ? 'no Python with safetensors and numpy' : false }, () => {
  test('Python reads our file and we read Python\'s', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sslmem-stpy-'));
    try {
      const ours = join(dir, 'js.safetensors');
      const theirs = join(dir, 'py.safetensors');
      await writeSafetensorsFile(
        ours,
        {
          w: { shape: [2, 2], data: Float32Array.from([0.1, -2.5, Math.PI, -0]) },
          c: { shape: [2], data: Int32Array.from([-7, 2147483647]) },
          u: { shape: [3], data: Uint8Array.from([1, 2, 255]) },
        },
        { hello: 'world' },
      );
      const script = [
        'import json, sys, numpy as np',
        'from safetensors import safe_open',
        'from safetensors.numpy import load_file, save_file',
        'd = load_file(sys.argv[1])',
        'meta = safe_open(sys.argv[1], "np").metadata()',
        'print(json.dumps({k: [str(v.dtype), list(v.shape), v.ravel().tolist()] for k, v in d.items()} | {"meta": meta}))',
        'save_file({"a": (np.arange(6, dtype=np.float32) / 7).reshape(2, 3), "b": np.array([1, -2], dtype=np.int32)}, sys.argv[2], metadata={"k": "v"})',
      ].join('\n');
      const out = spawnSync(python!, ['-c', script, ours, theirs], { encoding: 'utf8' });
      assert.equal(out.status, 0, out.stderr);
      const read = JSON.parse(out.stdout);
      assert.deepEqual(read.w, ['float32', [2, 2], [Math.fround(0.1), -2.5, Math.fround(Math.PI), -0]]);
      assert.deepEqual(read.c, ['int32', [2], [-7, 2147483647]]);
      assert.deepEqual(read.u, ['uint8', [3], [1, 2, 255]]);
      assert.deepEqual(read.meta, { hello: 'world' });
      const back = await readSafetensorsFile(theirs);
      assert.deepEqual(back.metadata, { k: 'v' });
      assert.deepEqual([...back.arrays.a.data], [0, 1, 2, 3, 4, 5].map((x) => Math.fround(x / 7)));
      assert.deepEqual(back.arrays.a.shape, [2, 3]);
      assert.deepEqual([...back.arrays.b.data], [1, -2]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
