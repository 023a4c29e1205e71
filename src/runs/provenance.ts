import { currentArithmetic, type Arithmetic } from '../backend/arithmetic';
import { codeFingerprint } from './code-fingerprint';
import { libraryVersion } from './library-version';

/**
 * Where a stored run's numbers come from, besides its config: the library version, the code
 * that computed it (a module and its fingerprint, see `codeFingerprint`) and the arithmetic
 * it ran with. Callers put it into the config they key a run by, so that a change to any
 * of them computes afresh instead of serving numbers that today's code would not give.
 */
export interface RunProvenance {
  readonly library: string;
  /** The module that computes the run (below the library root, no extension) and the fingerprint of its code. */
  readonly code: { readonly module: string; readonly fingerprint: string };
  readonly arithmetic: Arithmetic;
}

/**
 * The provenance of a run computed now by library module `module` (e.g.
 * `plans/train-job-task`), with the backend `initBackend` chose.
 */
export function runProvenance(module: string): RunProvenance {
  return { library: libraryVersion(), code: { module, fingerprint: codeFingerprint(module) }, arithmetic: currentArithmetic() };
}

/**
 * Why a run with this provenance could not be computed again by the library as it is now
 * (another library version, or changed code); undefined when it could. The arithmetic is not
 * judged: a shared store holds runs of other machines' backends.
 */
export function staleness(provenance: unknown): string | undefined {
  const p = provenance as Partial<RunProvenance> | undefined;
  if (p === undefined || typeof p !== 'object' || p === null || typeof p.code?.module !== 'string') return 'it records no provenance (made by an older sslmem)';
  if (p.library !== libraryVersion()) return `it was made by sslmem ${p.library}, this is ${libraryVersion()}`;
  let now: string;
  try {
    now = codeFingerprint(p.code.module);
  } catch {
    return `its module ${p.code.module} is no longer in the library`;
  }
  return now === p.code.fingerprint ? undefined : `the code of ${p.code.module} changed since`;
}
