/**
 * Worker task of the step table: times one benchmark model on a backend of its own with
 * the given thread count (a fresh worker per thread count, since a wasm backend's
 * thread pool is fixed once it starts).
 */
import { setupBackend } from './backend';
import { libraryStep, type StepName } from './library-step';

/** Arguments of `timeStep`. */
export interface StepTaskArgs {
  readonly name: StepName;
  readonly threads: number;
  readonly warmup: number;
  readonly steps: number;
}

/** What `timeStep` measured. */
export interface StepTaskResult {
  readonly backend: string;
  /** The kernel behind the matrix products (the BLAS or our SIMD). */
  readonly products: string;
  /** Threads the backend actually runs (may be fewer than asked). */
  readonly threads: number;
  /** Median ms per step. */
  readonly ms: number;
  /** Loss of the last step. */
  readonly loss: number;
  /** Loss of the first step (warm-up included): with `loss`, whether training moves the loss. */
  readonly firstLoss: number;
  /** Tensors left behind per step (0 unless a step leaks). */
  readonly leakedPerStep: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median ms of `steps` library steps after `warmup` steps. */
export async function timeStep(args: StepTaskArgs): Promise<StepTaskResult> {
  const backend = await setupBackend(args.threads);
  const step = libraryStep(args.name);
  try {
    let loss = Number.NaN;
    let firstLoss: number | undefined;
    for (let i = 0; i < args.warmup; i++) {
      loss = step.run();
      firstLoss ??= loss;
    }
    const live = step.liveTensors();
    const times: number[] = [];
    for (let i = 0; i < args.steps; i++) {
      const t0 = performance.now();
      loss = step.run();
      times.push(performance.now() - t0);
      firstLoss ??= loss;
    }
    const leakedPerStep = (step.liveTensors() - live) / args.steps;
    return { backend: backend.name, products: backend.products, threads: backend.threads, ms: median(times), loss, firstLoss: firstLoss ?? loss, leakedPerStep };
  } finally {
    step.dispose();
  }
}
