/**
 * Worker task of the DP rows: times one DP-SGD step of a row (bench/library-dp-step.ts) and
 * the non-DP step of the same model, interleaved (DP, non-DP, DP, ...) so that both see the
 * same load on this shared machine, on a backend of its own with the given thread count.
 */
import { setupBackend } from './backend';
import { libraryDpStep, type DpStepName } from './library-dp-step';

/** Arguments of `timeDpStep`. */
export interface DpStepTaskArgs {
  readonly name: DpStepName;
  readonly threads: number;
  readonly warmup: number;
  readonly steps: number;
}

/** What `timeDpStep` measured. */
export interface DpStepTaskResult {
  readonly backend: string;
  readonly threads: number;
  /** Median ms of the DP-SGD step. */
  readonly ms: number;
  /** Median ms of the non-DP step of the same model and batch. */
  readonly nondpMs: number;
  /** Loss of the first (warm-up included) and the last DP step. */
  readonly firstLoss: number;
  readonly loss: number;
  readonly nondpFirstLoss: number;
  readonly nondpLoss: number;
  /** The per-example method `dpTrainStep` reported (`ghost`, or `microbatch` when it fell back). */
  readonly method: string;
  /** The methods `dpTrainStep` reported over the steps (`unreported` where a result had none). */
  readonly methodsReported: readonly string[];
  readonly norm: string;
  /** Tensors left behind per step of either kind (0 unless a step leaks). */
  readonly leakedPerStep: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median ms of `steps` DP steps and as many non-DP steps, after `warmup` of each. */
export async function timeDpStep(args: DpStepTaskArgs): Promise<DpStepTaskResult> {
  const backend = await setupBackend(args.threads);
  const dp = libraryDpStep(args.name, true);
  const nondp = libraryDpStep(args.name, false);
  try {
    const dpLosses: number[] = [];
    const nondpLosses: number[] = [];
    const reported = new Set<string>();
    const runDp = (): void => {
      const r = dp.run();
      dpLosses.push(r.loss);
      reported.add(r.method ?? 'unreported');
    };
    const runNondp = (): void => void nondpLosses.push(nondp.run().loss);
    for (let i = 0; i < args.warmup; i++) {
      runDp();
      runNondp();
    }
    const live = dp.liveTensors();
    const times: number[] = [];
    const nondpTimes: number[] = [];
    for (let i = 0; i < args.steps; i++) {
      let t0 = performance.now();
      runDp();
      times.push(performance.now() - t0);
      t0 = performance.now();
      runNondp();
      nondpTimes.push(performance.now() - t0);
    }
    const leakedPerStep = (dp.liveTensors() - live) / (2 * args.steps);
    const known = [...reported].filter((m) => m !== 'unreported');
    const method = known.length > 0 ? known.join('+') : 'unreported';
    return {
      backend: backend.name,
      threads: backend.threads,
      ms: median(times),
      nondpMs: median(nondpTimes),
      firstLoss: dpLosses[0],
      loss: dpLosses[dpLosses.length - 1],
      nondpFirstLoss: nondpLosses[0],
      nondpLoss: nondpLosses[nondpLosses.length - 1],
      method,
      methodsReported: [...reported],
      norm: dp.norm,
      leakedPerStep,
    };
  } finally {
    dp.dispose();
    nondp.dispose();
  }
}
