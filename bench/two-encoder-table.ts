/**
 * The `two-encoders` row: training f and g at once, as the notebooks do (two encoders, one
 * thread each, both cores busy), measured side by side like the step table. Each side is two
 * processes stepping the MLP's SimCLR step together (`concurrentSide`): ours on each product
 * path (two `startOurStepper`s at one thread) and PyTorch (two `pytorch_reference.py --serve`
 * at one thread); blocks of steps alternate between the sides, and a block's time per step is
 * its wall time over its steps, so ms per pair of steps (one of f, one of g).
 */
import type { BenchBackend } from './backend';
import { stepFlops } from './flops';
import { blockRatio, concurrentSide, interleave, type Side } from './interleave';
import { median } from './library';
import { stepBatch } from './library-step';
import { startPytorchServer, type PytorchServer } from './pytorch';
import { startOurStepper, type OurStepper } from './step-server';
import type { ProductPath, StepTableRow } from './step-table';

/** How the row is measured. */
export interface TwoEncoderOptions {
  readonly paths: readonly ProductPath[];
  readonly blocks: number;
  /** Steps of each encoder per block. */
  readonly blockSteps: number;
  readonly warmup: number;
  /** ms each side keeps warming up (in blocks) after its `warmup` steps. */
  readonly warmupMs: number;
  /** The system Python with torch, or null for no reference. */
  readonly python: string | null;
  readonly envOf: (path: ProductPath) => Record<string, string>;
  readonly log: (message: string) => void;
}

/** One row per product path (ms per pair of steps); `pytorch_blas` names PyTorch's BLAS. */
export async function interleavedTwoEncoderRows(backend: BenchBackend, options: TwoEncoderOptions): Promise<{ rows: StepTableRow[]; pytorchBlas: string | null }> {
  const ours = new Map<ProductPath, OurStepper[]>();
  const servers: PytorchServer[] = [];
  const errors = new Map<ProductPath, string>();
  const sides: Side[] = [];
  let pytorchBlas: string | null = null;
  const label = (path: ProductPath): string => `ours ${path} 2 x 1t`;
  try {
    for (const path of options.paths) {
      try {
        const pair: OurStepper[] = [];
        ours.set(path, pair);
        for (const encoder of ['f', 'g']) pair.push(await startOurStepper('mlp', 1, `${label(path)} (${encoder})`, options.envOf(path)));
        sides.push(concurrentSide(label(path), pair));
      } catch (error) {
        errors.set(path, (error as Error).message.split('\n')[0]);
        options.log(`  ${label(path)} failed to start: ${errors.get(path)}`);
      }
    }
    if (options.python !== null) {
      try {
        for (let i = 0; i < 2; i++) servers.push(await startPytorchServer(options.python));
        pytorchBlas = servers[0].blas;
        sides.push(concurrentSide('pytorch 2 x 1t', servers.map((server) => ({ label: 'pytorch', run: async (steps: number) => (await server.run('mlp', 1, steps)).times }))));
      } catch (error) {
        options.log(`  pytorch failed to start: ${(error as Error).message.split('\n')[0]}`);
      }
    }
    options.log(`two-encoders: ${options.warmup} warm-up steps and ${options.warmupMs / 1000} s of them, then ${options.blocks} blocks of ${options.blockSteps} steps of f and g at once, alternating ${sides.map((s) => s.label).join(', ')} (MLP, batch ${stepBatch.mlp} x 2 views)`);
    let series = new Map<string, number[]>();
    try {
      series = await interleave(
        sides,
        options.blocks,
        options.blockSteps,
        options.warmup,
        (b, means) => options.log(`  block ${b + 1}: ${[...means].map(([l, ms]) => `${l} ${ms.toFixed(1)}`).join(', ')} ms per pair of steps`),
        { warmupMs: options.warmupMs },
      );
    } catch (error) {
      const message = (error as Error).message.split('\n')[0];
      options.log(`  failed: ${message}`);
      for (const path of options.paths) errors.set(path, message);
    }
    const flops = 2 * stepFlops.mlp(stepBatch.mlp);
    const reference = series.get('pytorch 2 x 1t') ?? null;
    const refMs = reference === null ? null : median(reference);
    const rows = options.paths.map((path): StepTableRow => {
      const mine = series.get(label(path));
      if (mine === undefined) {
        return { step: 'two-encoders', path, build: 'dist', backend: backend.name, threads: null, ours_ms: null, pytorch_ms: refMs, ratio: null, gflops: null, error: errors.get(path) ?? 'no measurement' };
      }
      const ms = median(mine);
      const ratio = reference === null ? null : blockRatio(mine, reference);
      return {
        step: 'two-encoders',
        path,
        build: 'dist',
        backend: backend.name,
        threads: 1,
        ours_ms: ms,
        pytorch_ms: refMs,
        ratio: ratio?.median ?? null,
        ratio_quartiles: ratio === null ? null : [ratio.q1, ratio.q3],
        gflops: flops / ms / 1e6,
        pytorch_gflops: refMs === null ? null : flops / refMs / 1e6,
        // Two processes of one thread on each side (the table prints no thread count for this row).
        pytorch_threads: null,
        cores: 2,
        products: ours.get(path)?.[0]?.products,
        arrangement: 'two processes, one thread each, stepping together',
        images_per_s: (2 * stepBatch.mlp * 1000) / ms,
        pytorch_images_per_s: refMs === null ? null : (2 * stepBatch.mlp * 1000) / refMs,
        timing: `interleaved: ${options.blocks} blocks of ${options.blockSteps} steps of each encoder per side after ${options.warmup} warm-up steps and ${options.warmupMs / 1000} s of warming up; ms per pair of steps is a block's wall time over its steps; times are medians over blocks, the ratio the median over blocks of the per-block ratio`,
        blocks: mine.map((v, b) => ({ ours_ms: v, pytorch_ms: reference?.[b] ?? null, ratio: ratio?.perBlock[b] ?? null })),
        batch: stepBatch.mlp,
        encoder: 'mlp',
        gflop_per_pair: flops / 1e9,
      };
    });
    return { rows, pytorchBlas };
  } finally {
    for (const pair of ours.values()) for (const stepper of pair) await stepper.close();
    for (const server of servers) await server.close();
  }
}
