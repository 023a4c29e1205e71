import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  backendIdentity,
  conformanceRecordPath,
  findConformanceRecord,
  removeConformanceRecord,
  sslmemVersion,
  writeConformanceRecord,
} from '../../src/backend/conformance-record';

describe('conformance records', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sslmem-record-test-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const env = { SSLMEM_CACHE_DIR: dir };
  const gpu = { package: '@tensorflow/tfjs-node-gpu', packageVersion: '4.22.0', sslmem: '0.1.0', device: 'GPU NVIDIA H200 driver 550.1' };

  test('live in SSLMEM_CACHE_DIR, else XDG_CACHE_HOME/sslmem, else ~/.cache/sslmem', () => {
    assert.equal(conformanceRecordPath(env), join(dir, 'conformance.json'));
    assert.equal(conformanceRecordPath({ XDG_CACHE_HOME: '/x/cache' }), '/x/cache/sslmem/conformance.json');
    assert.equal(conformanceRecordPath({}), join(homedir(), '.cache', 'sslmem', 'conformance.json'));
  });

  test('a record counts only for the same package, package version, sslmem version and device', () => {
    writeConformanceRecord(gpu, 52, env);
    assert.equal(findConformanceRecord(gpu, env)?.cases, 52);
    for (const other of [{ packageVersion: '4.21.0' }, { sslmem: '0.2.0' }, { device: 'GPU NVIDIA A100 driver 550.1' }, { package: '@tensorflow/tfjs-node' }]) {
      assert.equal(findConformanceRecord({ ...gpu, ...other }, env), undefined, JSON.stringify(other));
    }
    writeConformanceRecord({ ...gpu, device: 'other' }, 52, env);
    writeConformanceRecord(gpu, 53, env);
    const file = JSON.parse(readFileSync(conformanceRecordPath(env), 'utf8'));
    assert.equal(file.records.length, 2, 'a new pass replaces the old record of the same identity');
    assert.equal(removeConformanceRecord(gpu, env), true);
    assert.equal(removeConformanceRecord(gpu, env), false);
    assert.equal(findConformanceRecord(gpu, env), undefined);
    assert.equal(findConformanceRecord({ ...gpu, device: 'other' }, env)?.cases, 52);
  });

  test('an unreadable file counts as no record and is replaced by the next pass', () => {
    const broken = join(dir, 'broken');
    mkdirSync(broken);
    writeFileSync(join(broken, 'conformance.json'), '{ not json');
    assert.equal(findConformanceRecord(gpu, { SSLMEM_CACHE_DIR: broken }), undefined);
    writeConformanceRecord(gpu, 1, { SSLMEM_CACHE_DIR: broken });
    assert.equal(findConformanceRecord(gpu, { SSLMEM_CACHE_DIR: broken })?.cases, 1);
  });

  test('identity: undefined for a package not installed; SSLMEM_DEVICE overrides the device', () => {
    assert.equal(backendIdentity('@tensorflow/tfjs-node-gpu', {}), undefined);
    const cpu = backendIdentity('@tensorflow/tfjs-backend-cpu', { SSLMEM_DEVICE: 'box' });
    assert.deepEqual(cpu, { package: '@tensorflow/tfjs-backend-cpu', packageVersion: '4.22.0', sslmem: sslmemVersion(), device: 'box' });
    assert.match(backendIdentity('@tensorflow/tfjs-backend-cpu', {})!.device, /^CPU /);
    assert.match(sslmemVersion(), /^\d+\.\d+\.\d+/);
  });
});
