/**
 * The step table's rows, measured side by side (bench/interleave.ts): for one model, our
 * step on each product path at each thread count (a process each, bench/step-server.ts)
 * and PyTorch's at each thread count and in our two-thread side's arrangement (torch's own
 * kernels on one thread, its BLAS on two), each in a `pytorch_reference.py --serve` process of
 * its own, stay alive while blocks of their steps alternate. One process per side on both
 * sides: PyTorch's arrangements sharing one process ran their blocks up to a fifth faster
 * than alone (the process's code and allocator still warm from the block before), a head
 * start our processes never get. A block's time is its ms per step (the block's time over its
 * steps: what a user waits for, slow steps included); each side's time is the median over
 * blocks; per path, our fastest thread count is set against PyTorch's fastest arrangement,
 * block by block, and the row's ratio is the median of those per-block ratios.
 */
import type { BenchBackend } from './backend';
import { laptopEpochFlops, stepFlops } from './flops';
import { blockRatio, fastest, interleave, type Side } from './interleave';
import { median } from './library';
import { stepBatch, stepEncoder, stepViews, type StepName } from './library-step';
import type { PytorchServer } from './pytorch';
import { startOurStepper, type OurStepper } from './step-server';
import type { KernelProfile } from './kernel-profile';

/** Starts a PyTorch process (`pytorch_reference.py --serve`) for one side. */
export type StartPytorch = () => Promise<PytorchServer>;

/** Which matrix products a row ran with. */
export type ProductPath = 'native' | 'wasm';

/** How one model is measured. */
export interface StepTableOptions {
  readonly paths: readonly ProductPath[];
  readonly threadCounts: readonly number[];
  readonly blocks: number;
  readonly blockSteps: number;
  readonly warmup: number;
  /** ms each side keeps warming up (in blocks) after its `warmup` steps. */
  readonly warmupMs: number;
  /** Also profile our fastest side of each path after the blocks (`--profile`): steps to profile, or 0. */
  readonly profileSteps: number;
  /** The environment of our process on a path (`SSLMEM_NATIVE: '0'` for our SIMD products). */
  readonly envOf: (path: ProductPath) => Record<string, string>;
  readonly log: (message: string) => void;
}

/** A row of the step table, before the bench adds the peak and the kernels. */
export type StepTableRow = Record<string, unknown> & {
  readonly step: StepName | 'laptop-epoch' | 'two-encoders';
  readonly path: ProductPath;
  readonly ours_ms: number | null;
  readonly pytorch_ms: number | null;
  readonly ratio: number | null;
  readonly gflops: number | null;
};

/**
 * Measures model `name` on every path beside PyTorch (each side a process `startPytorch`
 * starts, or none); one row per path. `laptop-epoch` counts epochs of the laptop preset's
 * encoder f instead of steps.
 */
export async function interleavedStepRows(name: StepName | 'laptop-epoch', backend: BenchBackend, startPytorch: StartPytorch | null, options: StepTableOptions): Promise<StepTableRow[]> {
  const ours = new Map<string, { path: ProductPath; threads: number; stepper: OurStepper }>();
  const servers: PytorchServer[] = [];
  const errors = new Map<ProductPath, string>();
  const sides: Side[] = [];
  let pytorchError: string | undefined;
  const pytorchLosses: { first: number | null; last: number | null } = { first: null, last: null };
  try {
    for (const path of options.paths) {
      for (const threads of options.threadCounts) {
        const label = `ours ${path} ${threads}t`;
        try {
          const stepper = await startOurStepper(name, threads, label, options.envOf(path));
          ours.set(label, { path, threads: stepper.threads, stepper });
          sides.push(stepper);
        } catch (error) {
          errors.set(path, (error as Error).message.split('\n')[0]);
          options.log(`  ${label} failed to start: ${errors.get(path)}`);
        }
      }
    }
    const pytorchLabels: string[] = [];
    /** Per PyTorch side: its key in `pytorch_ms_by_threads` (`1`, `2`, `1+2blas`), torch's threads and its BLAS's. */
    const pytorchThreads = new Map<string, { key: string; threads: number; blas: number }>();
    const setting = [...ours.values()].find((o) => o.stepper.setting !== undefined)?.stepper.setting;
    const epoch = name === 'laptop-epoch' && setting !== undefined ? { ...setting, lr: 1e-3 } : undefined;
    if (startPytorch !== null && (name !== 'laptop-epoch' || epoch !== undefined)) {
      // PyTorch at each thread count, and, where ours runs two or more, also in the arrangement
      // of our side at that count: torch's own kernels on one thread, its BLAS's products on all.
      const maxThreads = Math.max(...options.threadCounts);
      const arrangements = [
        ...options.threadCounts.map((threads) => ({ label: `pytorch ${threads}t`, key: String(threads), threads, blas: threads })),
        ...(maxThreads > 1 ? [{ label: `pytorch 1t+${maxThreads}blas`, key: `1+${maxThreads}blas`, threads: 1, blas: maxThreads }] : []),
      ];
      // A process per arrangement, and all of them or none: without PyTorch's fastest
      // arrangement, a ratio would flatter ours.
      for (const { label } of arrangements) {
        try {
          servers.push(await startPytorch());
        } catch (error) {
          pytorchError = `${label} failed to start: ${(error as Error).message.split('\n')[0]}`;
          options.log(`  ${pytorchError}`);
          break;
        }
      }
      if (pytorchError === undefined) {
        arrangements.forEach(({ label, key, threads, blas }, i) => {
          pytorchLabels.push(label);
          pytorchThreads.set(label, { key, threads, blas });
          sides.push({
            label,
            run: async (steps) => {
              const r = await servers[i].run(name, threads, steps, epoch, blas);
              pytorchLosses.first ??= r.lossFirst;
              pytorchLosses.last = r.loss;
              return r.times;
            },
          });
        });
      }
    }
    const unit = name === 'laptop-epoch' ? 'epoch' : 'step';
    const shape = name === 'laptop-epoch' ? `${setting?.images ?? '?'} images, batch ${setting?.batch ?? '?'}` : `batch ${stepBatch[name]} x ${stepViews[name]} view${stepViews[name] === 1 ? '' : 's'}`;
    options.log(`${name}: ${options.warmup} warm-up ${unit}s and ${options.warmupMs / 1000} s of them, then ${options.blocks} blocks of ${options.blockSteps} ${unit}(s) alternating ${sides.map((s) => s.label).join(', ')} (${shape})`);
    let series: Map<string, number[]>;
    try {
      series = await interleave(
        sides,
        options.blocks,
        options.blockSteps,
        options.warmup,
        (b, means) => options.log(`  block ${b + 1}: ${[...means].map(([label, ms]) => `${label} ${ms.toFixed(1)}`).join(', ')} ms/${unit}`),
        { warmupMs: options.warmupMs },
      );
    } catch (error) {
      const message = (error as Error).message.split('\n')[0];
      options.log(`  failed: ${message}`);
      if (message.startsWith('pytorch')) pytorchError = message;
      else for (const path of options.paths) errors.set(path, message);
      series = new Map();
    }
    const flops = name === 'laptop-epoch' ? (setting === undefined ? Number.NaN : laptopEpochFlops(setting.images, setting.batch)) : stepFlops[name](stepBatch[name]);
    const refLabel = pytorchLabels.length > 0 && pytorchLabels.every((l) => series.has(l)) ? fastest(series, pytorchLabels) : null;
    const refSeries = refLabel === null ? null : series.get(refLabel)!;
    const refMs = refSeries === null ? null : median(refSeries);
    // Profiles last: their timers cost a little and must not touch the timed blocks.
    const profiles = new Map<ProductPath, KernelProfile | string>();
    if (options.profileSteps > 0) {
      for (const path of options.paths) {
        const labels = [...ours].filter(([l, o]) => o.path === path && series.has(l)).map(([l]) => l);
        if (labels.length === 0) continue;
        const best = ours.get(fastest(series, labels))!;
        try {
          profiles.set(path, await best.stepper.profile(options.profileSteps));
        } catch (error) {
          profiles.set(path, (error as Error).message.split('\n')[0]);
        }
      }
    }
    return options.paths.map((path): StepTableRow => {
      const labels = [...ours].filter(([, o]) => o.path === path).map(([label]) => label).filter((l) => series.has(l));
      const error = errors.get(path);
      if (labels.length === 0) {
        return { step: name, path, build: 'dist', backend: backend.name, threads: null, ours_ms: null, pytorch_ms: refMs, ratio: null, gflops: null, error: error ?? 'no measurement' };
      }
      const best = fastest(series, labels);
      const mine = ours.get(best)!;
      const ms = median(series.get(best)!);
      const ratio = refSeries === null ? null : blockRatio(series.get(best)!, refSeries);
      const losses = mine.stepper.losses();
      return {
        step: name,
        path,
        build: 'dist',
        backend: backend.name,
        threads: mine.threads,
        ours_ms: ms,
        pytorch_ms: refMs,
        ratio: ratio?.median ?? null,
        ratio_quartiles: ratio === null ? null : [ratio.q1, ratio.q3],
        gflops: flops / ms / 1e6,
        pytorch_gflops: refMs !== null ? flops / refMs / 1e6 : null,
        pytorch_threads: refLabel === null ? null : pytorchThreads.get(refLabel)!.threads,
        pytorch_blas_threads: refLabel === null ? null : pytorchThreads.get(refLabel)!.blas,
        timing: `interleaved: ${options.blocks} blocks of ${options.blockSteps} ${unit}(s) per side after ${options.warmup} warm-up ${unit}(s) and ${options.warmupMs / 1000} s of warming up; a block's time is its ms per ${unit} (the block's time over its ${unit}s), a side's the median over blocks; the ratio is the median over blocks of the per-block ratio at each side's fastest arrangement`,
        blocks: Array.from({ length: options.blocks }, (_, b) => ({
          ours_ms_by_threads: Object.fromEntries(labels.map((l) => [String(ours.get(l)!.threads), series.get(l)![b]])),
          pytorch_ms_by_threads: Object.fromEntries(pytorchLabels.filter((l) => series.has(l)).map((l) => [pytorchThreads.get(l)!.key, series.get(l)![b]])),
          ratio: ratio?.perBlock[b] ?? null,
        })),
        ours_ms_by_threads: Object.fromEntries(labels.map((l) => [String(ours.get(l)!.threads), median(series.get(l)!)])),
        pytorch_ms_by_threads: Object.fromEntries(pytorchLabels.filter((l) => series.has(l)).map((l) => [pytorchThreads.get(l)!.key, median(series.get(l)!)])),
        ...(name === 'laptop-epoch'
          ? { images: setting?.images ?? null, batch: setting?.batch ?? null, encoder: setting?.encoder ?? null, gflop_per_epoch: flops / 1e9 }
          : { batch: stepBatch[name], views: stepViews[name], encoder: stepEncoder[name], gflop_per_step: flops / 1e9 }),
        loss_first: losses?.first ?? null,
        loss_last: losses?.last ?? null,
        pytorch_loss_first: pytorchLosses.first,
        pytorch_loss_last: pytorchLosses.last,
        leaked_tensors_per_step: Math.max(0, ...labels.map((l) => ours.get(l)!.stepper.leaked())),
        products: mine.stepper.products,
        ...(profiles.has(path) ? { profile: profiles.get(path) } : {}),
        ...(pytorchError !== undefined ? { pytorch_error: pytorchError } : {}),
      };
    });
  } finally {
    await Promise.allSettled([...ours.values()].map((o) => o.stepper.close()).concat(servers.map((server) => server.close())));
  }
}
