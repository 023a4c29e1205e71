/**
 * Worker task of the two-encoder throughput benchmark: trains one MLP encoder (f or g)
 * for `steps` SimCLR steps on its own single-threaded backend. After the warm-up the
 * workers meet at a barrier (a shared counter) so that the timed parts overlap.
 */
import type { TaskContext } from '../src/parallel'; // types only; the code runs from dist (./library)
import { setupBackend } from './backend';
import { libraryStep, stepBatch } from './library-step';

/** Arguments of `trainMlpEncoder`. */
export interface TwoEncodersTaskArgs {
  readonly seed: number;
  readonly warmup: number;
  readonly steps: number;
  /** `Int32Array` view of one counter shared by all workers of the run. */
  readonly barrier: SharedArrayBuffer;
  /** Number of workers that meet at the barrier. */
  readonly parties: number;
  /** Backend threads of this worker. */
  readonly threads: number;
}

/** Timed part of one worker: wall-clock start and end (ms since the epoch) and images trained. */
export interface TwoEncodersTaskResult {
  readonly start: number;
  readonly end: number;
  readonly images: number;
  readonly backend: string;
  readonly threads: number;
}

function now(): number {
  return performance.timeOrigin + performance.now();
}

/** Trains one MLP encoder for `warmup` + `steps` steps; see the file comment. */
export async function trainMlpEncoder(args: TwoEncodersTaskArgs, context: TaskContext): Promise<TwoEncodersTaskResult> {
  const backend = await setupBackend(args.threads);
  const step = libraryStep('mlp', args.seed);
  try {
    for (let i = 0; i < args.warmup; i++) step.run();
    const counter = new Int32Array(args.barrier);
    Atomics.add(counter, 0, 1);
    Atomics.notify(counter, 0);
    for (let seen = Atomics.load(counter, 0); seen < args.parties; seen = Atomics.load(counter, 0)) {
      Atomics.wait(counter, 0, seen, 60_000);
    }
    const start = now();
    for (let i = 0; i < args.steps; i++) {
      step.run();
      context.progress((i + 1) / args.steps);
    }
    const end = now();
    return { start, end, images: args.steps * stepBatch.mlp, backend: backend.name, threads: backend.threads };
  } finally {
    step.dispose();
  }
}
