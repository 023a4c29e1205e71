import type { RunProvenance } from '../runs/provenance';
import { runKey } from '../runs/run-key';
import { jobRunConfig } from './job-key';
import type { TrainingJob } from './training-job';

function isProvenance(value: unknown): value is RunProvenance {
  const p = value as Partial<RunProvenance> | undefined;
  return (
    typeof p === 'object' && p !== null && typeof p.library === 'string' && typeof p.code === 'object' && p.code !== null &&
    typeof p.code.module === 'string' && typeof p.code.fingerprint === 'string' && typeof p.arithmetic === 'object' && p.arithmetic !== null
  );
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const short = (text: string) => (text.length > 16 ? `${text.slice(0, 12)}...` : text);

/**
 * Why `job` does not have the run key `expected` here, or undefined when it has. A run key
 * hashes the job's content (every field but the label) with the provenance of the machine
 * that computes it (library version, training code, arithmetic): with `recorded`, the
 * provenance the key was computed under (a plan file's or a queued job's), the key is
 * computed again from the job with that provenance, which tells the parts apart: when it
 * still differs, the job's content was changed after the key was computed; when it matches,
 * the library version, the library code or the arithmetic of this machine differs, and the
 * message names which and how. Without a usable `recorded` provenance it says that the
 * parts cannot be told apart. Call after `initBackend` (the arithmetic is part of the key).
 */
export function keyMismatch(job: TrainingJob, expected: string, recorded?: unknown): string | undefined {
  const mine = jobRunConfig(job);
  const key = runKey(mine);
  if (key === expected) return undefined;
  const head = `job ${job.label}: this machine would store run ${key.slice(0, 12)}..., the plan expects ${expected.slice(0, 12)}...`;
  if (!isProvenance(recorded)) {
    return `${head}: the plan records no provenance (library build and arithmetic) to compare, so it cannot say whether the job's content, the library build or the arithmetic differs; plan it again with this sslmem`;
  }
  const theirs = runKey({ ...mine, provenance: recorded }, { version: recorded.library });
  if (theirs !== expected) {
    return `${head}: the job's content differs from what its key was computed from (a field of the job was changed after it was planned; every field but the label is part of the key); plan or queue it again instead of editing it`;
  }
  const own = mine.provenance as RunProvenance;
  const parts: string[] = [];
  if (recorded.library !== own.library) parts.push(`the library version differs (sslmem ${own.library} here, ${recorded.library} where it was planned)`);
  if (recorded.code.module !== own.code.module || recorded.code.fingerprint !== own.code.fingerprint) {
    parts.push(`the library build differs (code of ${own.code.module} ${short(own.code.fingerprint)} here, ${recorded.code.module} ${short(recorded.code.fingerprint)} where it was planned): install the same sslmem build on both, or plan again`);
  }
  if (!same(recorded.arithmetic, own.arithmetic)) {
    const backend = (recorded.arithmetic as { backend?: unknown }).backend;
    parts.push(`the arithmetic differs (${JSON.stringify(own.arithmetic)} here, ${JSON.stringify(recorded.arithmetic).slice(0, 200)} where it was planned)${typeof backend === 'string' ? `: train with --backend ${backend.slice(0, 20)}` : ''}`);
  }
  // The job and the provenance hash to the expected key, so one of the three must differ.
  return `${head}: the job's content is as planned; ${parts.length > 0 ? parts.join('; ') : 'its provenance differs in a field this sslmem does not know'}`;
}
