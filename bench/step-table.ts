/**
 * The step table's rows, measured side by side (bench/interleave.ts): for one model, our
 * step on each product path at each thread count (a process each, bench/step-server.ts)
 * and PyTorch's at each thread count (one `pytorch_reference.py --serve`) stay alive while
 * blocks of their steps alternate. Each side's time is the median over blocks of its block
 * medians; per path, our fastest thread count is set against PyTorch's fastest, block by
 * block, and the row's ratio is the median of those per-block ratios.
 */
import type { BenchBackend } from './backend';
import { laptopEpochFlops, stepFlops } from './flops';
import { blockRatio, fastest, interleave, type Side } from './interleave';
import { median } from './library';
import { stepBatch, stepEncoder, stepViews, type StepName } from './library-step';
import type { PytorchServer } from './pytorch';
import { startOurStepper, type OurStepper } from './step-server';
import type { KernelProfile } from './kernel-profile';

/** Which matrix products a row ran with. */
export type ProductPath = 'native' | 'wasm';

/** How one model is measured. */
export interface StepTableOptions {
  readonly paths: readonly ProductPath[];
  readonly threadCounts: readonly number[];
  readonly blocks: number;
  readonly blockSteps: number;
  readonly warmup: number;
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
 * Measures model `name` on every path beside PyTorch (`server`, or none); one row per path.
 * `laptop-epoch` counts epochs of the laptop preset's encoder f instead of steps.
 */
export async function interleavedStepRows(name: StepName | 'laptop-epoch', backend: BenchBackend, server: PytorchServer | null, options: StepTableOptions): Promise<StepTableRow[]> {
  const ours = new Map<string, { path: ProductPath; threads: number; stepper: OurStepper }>();
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
    const pytorchThreads = new Map<string, string>();
    const setting = [...ours.values()].find((o) => o.stepper.setting !== undefined)?.stepper.setting;
    const epoch = name === 'laptop-epoch' && setting !== undefined ? { ...setting, lr: 1e-3 } : undefined;
    if (server !== null && (name !== 'laptop-epoch' || epoch !== undefined)) {
      for (const threads of options.threadCounts) {
        const label = `pytorch ${threads}t`;
        pytorchLabels.push(label);
        pytorchThreads.set(label, String(threads));
        sides.push({
          label,
          run: async (steps) => {
            const r = await server.run(name, threads, steps, epoch);
            pytorchLosses.first ??= r.lossFirst;
            pytorchLosses.last = r.loss;
            return r.times;
          },
        });
      }
    }
    const unit = name === 'laptop-epoch' ? 'epoch' : 'step';
    const shape = name === 'laptop-epoch' ? `${setting?.images ?? '?'} images, batch ${setting?.batch ?? '?'}` : `batch ${stepBatch[name]} x ${stepViews[name]} view${stepViews[name] === 1 ? '' : 's'}`;
    options.log(`${name}: ${options.warmup} warm-up ${unit}s, then ${options.blocks} blocks of ${options.blockSteps} ${unit}(s) alternating ${sides.map((s) => s.label).join(', ')} (${shape})`);
    let series: Map<string, number[]>;
    try {
      series = await interleave(sides, options.blocks, options.blockSteps, options.warmup, (b, medians) =>
        options.log(`  block ${b + 1}: ${[...medians].map(([label, ms]) => `${label} ${ms.toFixed(1)}`).join(', ')} ms/${unit}`),
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
        pytorch_threads: refLabel === null ? null : Number(pytorchThreads.get(refLabel)),
        timing: `interleaved: ${options.blocks} blocks of ${options.blockSteps} ${unit}(s) per side after ${options.warmup} warm-up; times are medians over blocks of block medians; the ratio is the median over blocks of the per-block ratio at each side's fastest thread count`,
        blocks: Array.from({ length: options.blocks }, (_, b) => ({
          ours_ms_by_threads: Object.fromEntries(labels.map((l) => [String(ours.get(l)!.threads), series.get(l)![b]])),
          pytorch_ms_by_threads: Object.fromEntries(pytorchLabels.filter((l) => series.has(l)).map((l) => [pytorchThreads.get(l)!, series.get(l)![b]])),
          ratio: ratio?.perBlock[b] ?? null,
        })),
        ours_ms_by_threads: Object.fromEntries(labels.map((l) => [String(ours.get(l)!.threads), median(series.get(l)!)])),
        pytorch_ms_by_threads: Object.fromEntries(pytorchLabels.filter((l) => series.has(l)).map((l) => [pytorchThreads.get(l)!, median(series.get(l)!)])),
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
    await Promise.allSettled([...ours.values()].map((o) => o.stepper.close()));
  }
}
