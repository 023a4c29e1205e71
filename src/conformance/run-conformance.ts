import * as tf from '@tensorflow/tfjs-core';
import { initBackend, type BackendChoice, type BackendInfo } from '../backend/init-backend';
import { InputError } from '../util/errors';
import { caseError, type CaseOutputs, type ConformanceCase, type ConformanceRow } from './conformance-case';
import { conformanceCases } from './conformance-cases';

/** Options of `runConformance`. */
export interface ConformanceOptions {
  /**
   * The backend under test: a choice of `initBackend` (`wasm`, `cpu`, `tensorflow`,
   * `tensorflow-gpu`, `auto`), initialised through it, or the name of any tfjs backend
   * already registered (e.g. a test's fake), activated as it is.
   */
  readonly backend: string;
  /** The tfjs backend computing the expected values. Default `cpu`. */
  readonly reference?: string;
  /** The cases to run. Default `conformanceCases()`, all of them. */
  readonly cases?: readonly ConformanceCase[];
  /**
   * Activate `backend` with its kernels as registered now, without `initBackend` (which
   * would register our wasm kernels again): to check a kernel set changed by hand, e.g.
   * wasm's shipped kernels after `unregisterWasmTrainingKernels()`. Default false.
   */
  readonly asIs?: boolean;
  /** Called after each row (a script prints progress with it). */
  readonly onRow?: (row: ConformanceRow) => void;
}

/** What `runConformance` found. */
export interface ConformanceReport {
  /** The tfjs backend under test, as active while the suite ran. */
  readonly backend: string;
  /** What `initBackend` said, when the backend was one of its choices. */
  readonly info?: BackendInfo;
  readonly reference: string;
  /** One row per case, then `numTensors` over the whole suite. */
  readonly rows: readonly ConformanceRow[];
  /** Whether every row passed. */
  readonly ok: boolean;
  /** The rows that failed. */
  readonly failures: readonly ConformanceRow[];
  /** Wall time of the suite, seconds. */
  readonly seconds: number;
}

const choices: readonly string[] = ['auto', 'tensorflow', 'tensorflow-gpu', 'wasm', 'cpu'];

async function activate(name: string): Promise<void> {
  if (tf.getBackend() === name) return;
  if (!(await tf.setBackend(name))) throw new Error(`runConformance: backend ${name} failed to initialise`);
  // The cpu backend prints a hint to install tfjs-node on first use; a library stays silent.
  const backend = tf.backend() as unknown as { firstUse?: boolean };
  if (backend.firstUse === true) backend.firstUse = false;
}

/**
 * Runs the conformance suite: each case on the reference backend (cpu) and on the backend
 * under test, compared by `caseError` within the case's tolerance; a case that throws,
 * returns NaN or leaves tensors behind on the backend under test fails. A last row checks
 * that `tf.memory().numTensors` is the same after the suite as before. Leaves the backend
 * under test active.
 */
export async function runConformance(options: ConformanceOptions): Promise<ConformanceReport> {
  const reference = options.reference ?? 'cpu';
  if (tf.findBackendFactory(reference) == null) throw new InputError('runConformance options.reference', 'a registered tfjs backend', JSON.stringify(reference));
  let info: BackendInfo | undefined;
  let target = options.backend;
  if (choices.includes(options.backend) && options.asIs !== true) {
    info = await initBackend({ backend: options.backend as BackendChoice });
    target = info.name;
  } else if (tf.findBackendFactory(options.backend) == null) {
    throw new InputError('runConformance options.backend', `one of ${choices.join(', ')} or a registered tfjs backend`, JSON.stringify(options.backend));
  }
  const started = Date.now();
  await activate(target);
  const tensorsBefore = tf.memory().numTensors;
  const rows: ConformanceRow[] = [];
  const push = (row: ConformanceRow) => {
    rows.push(row);
    options.onRow?.(row);
  };
  for (const c of options.cases ?? conformanceCases()) push(await runCase(c, target, reference));
  await activate(target);
  const leaked = tf.memory().numTensors - tensorsBefore;
  push({ kernel: 'numTensors flat', shape: `whole suite on ${target}`, maxError: leaked, tolerance: 0, ok: leaked === 0, note: 'tensors left after the suite' });
  const failures = rows.filter((r) => !r.ok);
  return { backend: target, ...(info === undefined ? {} : { info }), reference, rows, ok: failures.length === 0, failures, seconds: (Date.now() - started) / 1000 };
}

async function runCase(c: ConformanceCase, target: string, reference: string): Promise<ConformanceRow> {
  const base = { kernel: c.kernel, shape: c.shape, tolerance: c.tolerance, ...(c.note === undefined ? {} : { note: c.note }) };
  let expected: CaseOutputs;
  try {
    await activate(reference);
    expected = await (c.reference ?? c.run)(tf);
  } catch (error) {
    return { ...base, maxError: null, ok: false, problem: `the reference backend ${reference} failed: ${(error as Error).message}` };
  }
  try {
    await activate(target);
    const before = tf.memory().numTensors;
    const started = performance.now();
    const outputs = await c.run(tf);
    const ms = Math.round(performance.now() - started);
    const leaked = tf.memory().numTensors - before;
    const error = caseError(outputs, expected);
    const maxError = Number.isNaN(error) ? null : error;
    const problems = [
      ...(maxError === null ? [outputs.length !== expected.length || outputs.some((o, j) => o.length !== expected[j].length) ? 'outputs differ in shape from the reference' : 'NaN in the outputs'] : []),
      ...(leaked !== 0 ? [`${leaked} tensors left behind`] : []),
    ];
    const ok = maxError !== null && maxError <= c.tolerance && leaked === 0;
    return { ...base, maxError, ok, ...(problems.length > 0 ? { problem: problems.join('; ') } : {}), ms };
  } catch (error) {
    return { ...base, maxError: null, ok: false, problem: `threw: ${(error as Error).message.split('\n')[0]}` };
  }
}
