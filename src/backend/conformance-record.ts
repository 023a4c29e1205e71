import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, homedir } from 'node:os';
import * as path from 'node:path';

/**
 * What a conformance record is about: one native backend package at one version, under
 * one version of sslmem, on one device. A record counts only for the same four values.
 */
export interface BackendIdentity {
  /** `@tensorflow/tfjs-node-gpu` or `@tensorflow/tfjs-node`. */
  readonly package: string;
  /** Its installed version, e.g. `4.22.0`. */
  readonly packageVersion: string;
  /** This library's version. */
  readonly sslmem: string;
  /** The device it computes on: the GPU names (nvidia-smi) for the GPU package, the CPU model otherwise. */
  readonly device: string;
}

/** One passing run of the conformance suite, kept in the user's cache. */
export interface ConformanceRecord extends BackendIdentity {
  /** ISO time of the run. */
  readonly passedAt: string;
  /** Cases that passed (all of them). */
  readonly cases: number;
}

interface RecordFile {
  readonly format: 'sslmem-conformance-1';
  readonly records: ConformanceRecord[];
}

/**
 * The file holding the records: `$SSLMEM_CACHE_DIR/conformance.json`, else
 * `$XDG_CACHE_HOME/sslmem/conformance.json`, else `~/.cache/sslmem/conformance.json`.
 */
export function conformanceRecordPath(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.SSLMEM_CACHE_DIR?.trim() || path.join(env.XDG_CACHE_HOME?.trim() || path.join(homedir(), '.cache'), 'sslmem');
  return path.join(dir, 'conformance.json');
}

/** This library's version (package.json two folders above this file, in src/ and dist/ alike). */
export function sslmemVersion(): string {
  try {
    return String(JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version);
  } catch {
    return 'unknown';
  }
}

/** Installed version of `name`, or undefined when it is not installed. */
export function installedVersion(name: string): string | undefined {
  try {
    return String(JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')).version);
  } catch {
    return undefined;
  }
}

let gpuNames: string | undefined;

/** Names of this machine's NVIDIA GPUs with the driver version (nvidia-smi), or `no GPU found (...)`; asked once per process. */
export function gpuDevice(): string {
  if (gpuNames === undefined) {
    try {
      const out = execFileSync('nvidia-smi', ['--query-gpu=name,driver_version', '--format=csv,noheader'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] });
      const lines = out.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
      gpuNames = lines.length > 0 ? lines.map((l) => `GPU ${l.replace(/,\s*/, ' driver ')}`).join('; ') : 'no GPU found (nvidia-smi listed none)';
    } catch (error) {
      gpuNames = `no GPU found (nvidia-smi: ${(error as { code?: string }).code === 'ENOENT' ? 'not installed' : 'failed'})`;
    }
  }
  return gpuNames;
}

/** The identity of `pkg` on this machine, or undefined when it is not installed. `SSLMEM_DEVICE` overrides the device (tests, clusters). */
export function backendIdentity(pkg: string, env: NodeJS.ProcessEnv = process.env): BackendIdentity | undefined {
  const packageVersion = installedVersion(pkg);
  if (packageVersion === undefined) return undefined;
  const device = env.SSLMEM_DEVICE?.trim() || (pkg.endsWith('-gpu') ? gpuDevice() : `CPU ${cpus()[0]?.model?.trim() ?? 'unknown'}`);
  return { package: pkg, packageVersion, sslmem: sslmemVersion(), device };
}

const same = (a: BackendIdentity, b: BackendIdentity) => a.package === b.package && a.packageVersion === b.packageVersion && a.sslmem === b.sslmem && a.device === b.device;

function readRecords(file: string): ConformanceRecord[] {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<RecordFile>;
    return Array.isArray(parsed.records) ? parsed.records.filter((r) => typeof r?.package === 'string') : [];
  } catch {
    return [];
  }
}

function writeRecords(file: string, records: ConformanceRecord[]): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify({ format: 'sslmem-conformance-1', records } satisfies RecordFile, null, 2)}\n`);
  renameSync(temp, file);
}

/** The record of a passing suite for exactly this identity, if any. */
export function findConformanceRecord(identity: BackendIdentity, env: NodeJS.ProcessEnv = process.env): ConformanceRecord | undefined {
  return readRecords(conformanceRecordPath(env)).find((r) => same(r, identity));
}

/** Records a passing suite for `identity` (replacing an older record of the same identity); returns the file written. */
export function writeConformanceRecord(identity: BackendIdentity, cases: number, env: NodeJS.ProcessEnv = process.env): string {
  const file = conformanceRecordPath(env);
  const records = readRecords(file).filter((r) => !same(r, identity));
  records.push({ ...identity, passedAt: new Date().toISOString(), cases });
  writeRecords(file, records);
  return file;
}

/** Removes the record of `identity` (after a failed suite); returns whether there was one. */
export function removeConformanceRecord(identity: BackendIdentity, env: NodeJS.ProcessEnv = process.env): boolean {
  const file = conformanceRecordPath(env);
  const records = readRecords(file);
  const kept = records.filter((r) => !same(r, identity));
  if (kept.length === records.length) return false;
  writeRecords(file, kept);
  return true;
}
