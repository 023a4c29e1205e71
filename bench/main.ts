/**
 * sslmem benchmark: times the library's SimCLR training steps (MLP, CNN, ViT) and one step
 * of each other objective (BYOL, SimSiam, DINO, VICReg and supervised on the MLP, MAE on
 * the ViT) on the backend `initBackend` picks (on wasm at 1 and 2 threads, each in a fresh worker), runs the PyTorch reference in the same run, prints a table
 * and writes reports/bench.json (atomically). Also measures training two encoders (f and g)
 * at once, two processes of one thread each on both sides, side by side
 * (bench/two-encoder-table.ts). And one DP-SGD step (`dpTrainStep`,
 * ghost clipping) of the `mae` and `supervised` rows' models against the non-DP step of
 * the same model (`dp-mae`, `dp-supervised`; PyTorch: per-example clipping by microbatches).
 *
 * Run: node --import tsx bench/main.ts [--steps N] [--warmup N] [--only mlp,cnn,vit,byol,...,dp-mae,two-encoders]
 *      [--no-pytorch] [--quick] [--throughput-steps N] [--threads N] [--out reports/bench.json]
 */
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runInWorkers, writeFileAtomic } from './library';
import { setupBackend, type BenchBackend } from './backend';
import { stepFlops } from './flops';
import { stepBatch, stepEncoder, stepNames, stepViews, type StepName } from './library-step';
import { dpOverheadTarget, dpSettings, dpStepBase, dpStepNames, type DpStepName } from './library-dp-step';
import type { DpStepTaskArgs, DpStepTaskResult } from './dp-step-task';
import { findTorchPython, runPytorchReference, startPytorchServer, type PytorchReport } from './pytorch';
import { interleavedStepRows, type StartPytorch } from './step-table';
import type { KernelProfile } from './kernel-profile';
import { interleavedTwoEncoderRows } from './two-encoder-table';
import { measureSgemmPeak, type SgemmPeak } from './sgemm-peak';
import { nativeBlasLabel } from './library';

import type { ProductPath } from './step-table';

/** Worker options that keep a path: `SSLMEM_NATIVE=0` leaves the binding unloaded in the worker. */
function pathEnv(path: ProductPath): { env?: Record<string, string> } {
  return path === 'wasm' ? { env: { SSLMEM_NATIVE: '0' } } : {};
}

/** One row of reports/bench.json. */
export interface BenchRow {
  readonly step: StepName | DpStepName | 'two-encoders' | 'laptop-epoch';
  /** Which build of the library ran: `dist`, the compiled one the CLI and the notebooks load. */
  readonly build: 'dist';
  readonly backend: string;
  /** Backend threads of our run (per worker for `two-encoders`). */
  readonly threads: number;
  /** Median ms per step (for `two-encoders`: ms per pair of steps, one of f and one of g, at the best arrangement). */
  readonly ours_ms: number | null;
  readonly pytorch_ms: number | null;
  /** ours_ms / pytorch_ms (> 1: we are slower). */
  readonly ratio: number | null;
  /** Our GFLOP/s (FLOPs counted analytically, bench/flops.ts). */
  readonly gflops: number | null;
  readonly [extra: string]: unknown;
}

interface Options {
  readonly steps?: number;
  readonly warmup: number;
  /** Seconds each side of the interleaved rows keeps warming up after its warm-up steps. */
  readonly warmupSeconds: number;
  readonly only: ReadonlyArray<StepName | DpStepName | 'two-encoders' | 'laptop-epoch'>;
  readonly pytorch: boolean;
  readonly quick: boolean;
  readonly throughputSteps: number;
  readonly threads?: number;
  readonly rounds: number;
  readonly blocks: number;
  readonly profile: boolean;
  readonly out: string;
}

const usage = `usage: node --import tsx bench/main.ts [options]
  --steps N             step table: steps per block (default mlp 16, cnn 1, vit 1, byol 8, simsiam 12,
                        dino 10, vicreg 10, mae 3, supervised 24, laptop-epoch 2; --quick: 4, 1, 1, 4, 4,
                        4, 4, 2, 4, 1);
                        DP rows: timed steps per round (default dp-mae 3, dp-supervised 5; --quick: 1, 2)
  --blocks N            step table: blocks per side, ours and PyTorch alternating (default 9; --quick: 3)
  --warmup N            untimed steps first (default 2; --quick: 1)
  --warmup-seconds S    step table, two-encoders, laptop-epoch: then untimed blocks until each side has
                        warmed up S seconds (default 10; --quick: 0): the JavaScript engine compiles a
                        step's hot functions over its first few hundred steps (ours settle in 2-10 s)
  --only LIST           comma list of mlp, cnn, vit, byol, simsiam, dino, vicreg, mae, supervised,
                        dp-mae, dp-supervised, two-encoders, laptop-epoch (default: all)
  --no-pytorch          skip the PyTorch reference
  --quick               few steps, for a smoke run
  --throughput-steps N  two-encoders: steps of each encoder per block (default 20; --quick: 5)
  --rounds N            DP rows and laptop-epoch: rounds of (ours, PyTorch); medians reported (default 3; --quick: 1)
  --profile             after each step-table row, where our step's time goes (products, other
                        kernels, outside the kernels; the costliest kernels), printed and in the JSON
  --threads N           backend threads for the step table (default on wasm: 1 and 2, the faster reported)
  --out PATH            where to write the JSON (default reports/bench.json)`;

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      steps: { type: 'string' },
      warmup: { type: 'string' },
      'warmup-seconds': { type: 'string' },
      only: { type: 'string' },
      'no-pytorch': { type: 'boolean', default: false },
      quick: { type: 'boolean', default: false },
      'throughput-steps': { type: 'string' },
      threads: { type: 'string' },
      rounds: { type: 'string' },
      blocks: { type: 'string' },
      profile: { type: 'boolean', default: false },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const int = (name: string, text: string | undefined, min: number): number | undefined => {
    if (text === undefined) return undefined;
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) throw new Error(`bench: --${name}: expected an integer >= ${min}, found ${JSON.stringify(text)}`);
    return n;
  };
  const seconds = (name: string, text: string | undefined): number | undefined => {
    if (text === undefined) return undefined;
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n) || n < 0) throw new Error(`bench: --${name}: expected a number of seconds >= 0, found ${JSON.stringify(text)}`);
    return n;
  };
  const known = [...stepNames, ...dpStepNames, 'two-encoders', 'laptop-epoch'] as const;
  const only = (values.only ?? known.join(',')).split(',').filter((s) => s.length > 0);
  for (const name of only) {
    if (!(known as readonly string[]).includes(name)) throw new Error(`bench: --only: expected names among ${known.join(', ')}, found ${JSON.stringify(name)}`);
  }
  const quick = values.quick ?? false;
  return {
    steps: int('steps', values.steps, 1),
    warmup: int('warmup', values.warmup, 0) ?? (quick ? 1 : 2),
    warmupSeconds: seconds('warmup-seconds', values['warmup-seconds']) ?? (quick ? 0 : 10),
    only: only as Options['only'],
    pytorch: !(values['no-pytorch'] ?? false),
    quick,
    throughputSteps: int('throughput-steps', values['throughput-steps'], 1) ?? (quick ? 5 : 20),
    threads: int('threads', values.threads, 1),
    rounds: int('rounds', values.rounds, 1) ?? (quick ? 1 : 3),
    blocks: int('blocks', values.blocks, 1) ?? (quick ? 3 : 9),
    profile: values.profile ?? false,
    out: resolve(values.out ?? join('reports', 'bench.json')),
  };
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** Our DP row for one round: the DP and the non-DP step at each thread count, each in a fresh worker. */
async function timeOurDpStep(name: DpStepName, threadCounts: readonly number[], warmup: number, steps: number, path: ProductPath = 'wasm'): Promise<OurDpStep> {
  const module = join(__dirname, 'dp-step-task.ts');
  const byThreads: Record<string, { dp_ms: number; nondp_ms: number; dp_overhead: number }> = {};
  let best: { ms: number; threads: number } | null = null;
  let nondpBest: { ms: number; threads: number } | null = null;
  let first: DpStepTaskResult | undefined;
  const methods = new Set<string>();
  let leaked = 0;
  let error: string | undefined;
  for (const threads of threadCounts) {
    log(`${name}, ${threads} thread(s): ${warmup} warm-up + ${steps} timed DP-SGD steps, each followed by the non-DP step of the same model (batch ${stepBatch[dpStepBase[name]]})`);
    try {
      const [r] = await runInWorkers<DpStepTaskResult>(
        [{ module, fn: 'timeDpStep', args: { name, threads, warmup, steps } satisfies DpStepTaskArgs }],
        { poolSize: 1, ...pathEnv(path) },
      );
      if (r.leakedPerStep !== 0) log(`  warning: ${name} steps leak ${r.leakedPerStep} tensors per step`);
      log(
        `  DP ${r.ms.toFixed(1)} ms/step (loss ${r.firstLoss.toFixed(3)} -> ${r.loss.toFixed(3)}, per-example method ${r.method}), ` +
          `non-DP ${r.nondpMs.toFixed(1)} ms/step: overhead ${(r.ms / r.nondpMs).toFixed(2)}x (${r.backend} with ${r.threads} thread(s))`,
      );
      if (r.method !== dpSettings.method) log(`  !!! WARNING: ${name} asked for '${dpSettings.method}' per-example gradients and ran '${r.method}' (one backward pass per example)`);
      byThreads[String(r.threads)] = { dp_ms: r.ms, nondp_ms: r.nondpMs, dp_overhead: r.ms / r.nondpMs };
      if (best === null || r.ms < best.ms) best = { ms: r.ms, threads: r.threads };
      if (nondpBest === null || r.nondpMs < nondpBest.ms) nondpBest = { ms: r.nondpMs, threads: r.threads };
      first ??= r;
      methods.add(r.method);
      leaked = Math.max(leaked, r.leakedPerStep);
    } catch (e) {
      error = (e as Error).message.split('\n')[0];
      log(`  failed: ${error}`);
    }
  }
  return {
    ms: best?.ms ?? null,
    threads: best?.threads ?? null,
    nondpMs: nondpBest?.ms ?? null,
    nondpThreads: nondpBest?.threads ?? null,
    byThreads,
    first,
    method: methods.size === 0 ? null : [...methods].join('+'),
    leakedPerStep: leaked,
    error,
  };
}

interface OurDpStep {
  /** Best median ms of the DP step over the thread counts tried (null if every run failed). */
  readonly ms: number | null;
  readonly threads: number | null;
  /** Best median ms of the non-DP step of the same model (timed interleaved with the DP step). */
  readonly nondpMs: number | null;
  readonly nondpThreads: number | null;
  readonly byThreads: Record<string, { dp_ms: number; nondp_ms: number; dp_overhead: number }>;
  /** The first thread count's result (losses, method, norm). */
  readonly first?: DpStepTaskResult;
  /** The per-example method(s) that ran. */
  readonly method: string | null;
  readonly leakedPerStep: number;
  readonly error?: string;
}

/**
 * A row's GFLOP/s as a percentage of the one-core peak times the cores it keeps busy: its
 * thread count, or two for two encoders at once.
 */
function pctOfPeak(row: BenchRow, peak: number | null): number | null {
  const cores = typeof row.cores === 'number' ? row.cores : row.threads > 0 ? row.threads : 1;
  return row.gflops !== null && peak !== null ? (100 * row.gflops) / (peak * cores) : null;
}

function fmt(value: number | null | undefined, digits = 1): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '-' : value.toFixed(digits);
}

function printTable(rows: readonly BenchRow[]): void {
  const header = ['step', 'products', 'threads', 'ours ms', 'pytorch ms', 'ratio', 'GFLOP/s', '% of peak', 'pytorch GFLOP/s'];
  console.log(`library: dist (the compiled build); ${rows[0]?.kernels ?? ''}`);
  const kernels = [...new Set(rows.map((r) => `${String(r.path)}: ${String(r.products)}${r.peak_gflops != null ? ` (sgemm peak ${fmt(r.peak_gflops as number)} GFLOP/s)` : ''}`))];
  console.log(`products: ${kernels.join('; ')}; pytorch: ${String(rows[0]?.pytorch_blas ?? '-')}`);
  // A method row names the encoder it runs on, e.g. `byol (mlp)`.
  const stepLabel = (r: BenchRow): string =>
    dpStepNames.includes(r.step as DpStepName)
      ? `${r.step} (${stepEncoder[dpStepBase[r.step as DpStepName]]})`
      : stepNames.includes(r.step as StepName) && stepEncoder[r.step as StepName] !== r.step
        ? `${r.step} (${stepEncoder[r.step as StepName]})`
        : r.step;
  // PyTorch's arrangement: ` (2t)`, or ` (1t+2blas)` where its BLAS ran on more threads than torch.
  const pytorchArrangement = (r: BenchRow): string => {
    if (r.pytorch_threads === undefined || r.pytorch_threads === null) return '';
    const blas = r.pytorch_blas_threads;
    return typeof blas === 'number' && blas !== r.pytorch_threads ? ` (${String(r.pytorch_threads)}t+${blas}blas)` : ` (${String(r.pytorch_threads)}t)`;
  };
  const lines = rows.map((r) => [
    stepLabel(r),
    String(r.path ?? r.backend),
    String(r.threads),
    r.step === 'two-encoders' ? fmt(r.ours_ms) : `${fmt(r.ours_ms, r.step === 'laptop-epoch' ? 0 : 1)} (${String(r.threads)}t)`,
    r.pytorch_ms === null ? '-' : `${fmt(r.pytorch_ms)}${pytorchArrangement(r)}`,
    fmt(r.ratio, 2),
    fmt(r.gflops),
    fmt(r.pct_of_peak as number | null, 0),
    fmt(r.pytorch_gflops as number | null),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const show = (cells: string[]): string => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(show(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) console.log(show(l));
  const withLosses = rows.filter((r) => r.loss_first !== undefined && stepEncoder[r.step as StepName] !== r.step);
  if (withLosses.length > 0) {
    console.log('\nloss over the warm-up and timed steps of the first round, first -> last (fixed inputs; different initial weights):');
    for (const r of withLosses) {
      console.log(
        `  ${stepLabel(r).padEnd(widths[0])}  ${String(r.path).padEnd(6)}  ours ${fmt(r.loss_first as number, 4)} -> ${fmt(r.loss_last as number, 4)}` +
          `   pytorch ${fmt(r.pytorch_loss_first as number | null, 4)} -> ${fmt(r.pytorch_loss_last as number | null, 4)}` +
          `${(r.leaked_tensors_per_step as number) > 0 ? `   LEAKS ${String(r.leaked_tensors_per_step)} tensors/step` : ''}`,
      );
    }
  }
  const dpRows = rows.filter((r) => dpStepNames.includes(r.step as DpStepName));
  if (dpRows.length > 0) {
    console.log(
      `\nDP-SGD (clip ${dpSettings.clip}, noise ${dpSettings.noise}, expected batch = the batch, per-example method asked: ${dpSettings.method}): ` +
        `one DP step against the non-DP step of the same model and batch, interleaved in one run; target: overhead <= ${dpOverheadTarget}x:`,
    );
    for (const r of dpRows) {
      const overhead = r.dp_overhead as number | null;
      const verdict = overhead === null ? '' : overhead <= dpOverheadTarget ? ' (target met)' : ` (OVER the ${dpOverheadTarget}x target)`;
      console.log(
        `  ${stepLabel(r).padEnd(widths[0])}  ${String(r.path).padEnd(6)}  ours DP ${fmt(r.ours_ms)} ms, non-DP ${fmt(r.nondp_ms as number | null)} ms: dp_overhead ${fmt(overhead, 2)}x${verdict}; ` +
          `method ${String(r.method ?? '-')}; ` +
          `pytorch microbatch DP ${fmt(r.pytorch_ms)} ms, non-DP ${fmt(r.pytorch_nondp_ms as number | null)} ms (${fmt(r.pytorch_dp_overhead as number | null, 2)}x); ratio ${fmt(r.ratio, 2)}`,
      );
      if (r.warning !== undefined) console.log(`  !!! WARNING ${r.step}: ${String(r.warning)}`);
    }
  }
  const profiled = rows.filter((r) => r.profile !== undefined);
  if (profiled.length > 0) {
    console.log('\nwhere our time goes (--profile; ms per step, or per epoch with its set-up; the timers cost a little): products / other kernels / outside the kernels, then the costliest kernels');
    for (const r of profiled) {
      const p = r.profile as KernelProfile | string;
      const head = `  ${stepLabel(r).padEnd(widths[0])}  ${String(r.path).padEnd(6)}  `;
      if (typeof p === 'string') {
        console.log(`${head}profile failed: ${p}`);
        continue;
      }
      const top = p.top.slice(0, 4).map((k) => `${k.kernel} ${fmt(k.ms)}${k.calls > 1 ? ` (${fmt(k.calls, 0)}x)` : ''}`).join(', ');
      console.log(`${head}${fmt(p.step_ms)}: ${fmt(p.products_ms)} / ${fmt(p.kernels_ms - p.products_ms)} / ${fmt(p.outside_kernels_ms)} in ${fmt(p.kernel_calls, 0)} kernel calls; ${top}`);
    }
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const backend: BenchBackend = await setupBackend(options.threads);
  log(`backend ${backend.name}, ${backend.threads} thread(s): ${backend.reason}`);
  // Every row on both product paths where the native binding loads (wasm: our SIMD products).
  const paths: ProductPath[] = backend.name === 'wasm' && nativeBlasLabel() !== null ? ['native', 'wasm'] : ['wasm'];
  // The peak is measured at the start and again at the end (the better of the two counts):
  // on a busy machine one measurement can land in a bad moment.
  let peak: SgemmPeak | null = backend.name === 'wasm' ? measureSgemmPeak() : null;
  if (peak !== null) log(`sgemm peak (1024^3, 1 thread): native ${fmt(peak.native)} GFLOP/s (${peak.nativeLabel ?? 'no binding'}), our wasm SIMD ${fmt(peak.wasm)} GFLOP/s`);
  const withPath = (row: BenchRow, path: ProductPath, products: string | undefined): BenchRow => {
    const peakGflops = peak === null ? null : path === 'native' ? peak.native : peak.wasm;
    return {
      ...row,
      path,
      products: (products ?? (path === 'native' ? peak?.nativeLabel : 'our WebAssembly SIMD'))?.replace(/, chosen by sslmem[^)]*/, ''),
      peak_gflops: peakGflops,
      pct_of_peak: pctOfPeak(row, peakGflops),
    };
  };
  // Steps per block of the step table: a few hundred ms of steps on our native side (and more
  // on the slower ones), so that each side's block is mostly at its steady pace after the rest
  // before it (a block of four short steps measured mostly how fast a side wakes up).
  const blockSteps: Record<StepName, number> = options.quick
    ? { mlp: 4, cnn: 1, vit: 1, byol: 4, simsiam: 4, dino: 4, vicreg: 4, mae: 2, supervised: 4 }
    : { mlp: 16, cnn: 1, vit: 1, byol: 8, simsiam: 12, dino: 10, vicreg: 10, mae: 3, supervised: 24 };
  const defaultDpSteps: Record<DpStepName, number> = options.quick ? { 'dp-mae': 1, 'dp-supervised': 2 } : { 'dp-mae': 3, 'dp-supervised': 5 };
  const dpStepsOf = (name: DpStepName): number => options.steps ?? defaultDpSteps[name];
  const warmupMs = 1000 * options.warmupSeconds;
  const models = stepNames.filter((n) => options.only.includes(n));
  // Like PyTorch's, our steps run at each thread count the machine offers; the best counts.
  const threadCounts =
    options.threads !== undefined ? [options.threads] : backend.name === 'wasm' ? [...new Set([1, Math.min(2, availableParallelism())])] : [backend.threads];

  let python: string | null = null;
  let pytorchNote: string | null = null;
  let pytorchBlas: string | undefined;
  if (options.pytorch) {
    python = findTorchPython();
    if (python === null) {
      pytorchNote = 'skipped: no Python that can import torch (tried $SSLMEM_PYTHON, /usr/bin/python3, python3, python)';
      log(`pytorch: ${pytorchNote}`);
    }
  }
  const pytorch = async (only: readonly string[], steps?: number): Promise<PytorchReport | null> => {
    if (python === null) return null;
    log(`pytorch: ${python} bench/pytorch_reference.py --only ${only.join(',') || '(none)'}`);
    try {
      const report = await runPytorchReference(python, { only, steps, warmup: options.warmup });
      pytorchBlas = report.blas;
      return report;
    } catch (error) {
      pytorchNote = `failed: ${(error as Error).message}`;
      log(`pytorch: ${pytorchNote}`);
      return null;
    }
  };

  // The step table: ours and PyTorch alive side by side, blocks of steps alternating
  // (bench/step-table.ts), so each ratio compares steps run moments apart on this noisy machine.
  const rows: BenchRow[] = [];
  // One PyTorch process per side of a row, like ours (bench/step-table.ts says why).
  const torchPython = python;
  const startPytorch: StartPytorch | null =
    torchPython === null
      ? null
      : async () => {
          try {
            const server = await startPytorchServer(torchPython);
            pytorchBlas ??= server.blas;
            return server;
          } catch (error) {
            pytorchNote = `failed: ${(error as Error).message}`;
            throw error;
          }
        };
  for (const name of models) {
    log(`-- ${name}`);
    const table = await interleavedStepRows(name, backend, startPytorch, {
      paths,
      threadCounts,
      blocks: options.blocks,
      blockSteps: options.steps ?? blockSteps[name],
      warmup: options.warmup,
      warmupMs,
      profileSteps: options.profile ? 2 * (options.steps ?? blockSteps[name]) : 0,
      envOf: (path) => pathEnv(path).env ?? {},
      log,
    });
    for (const row of table) rows.push(withPath(row as unknown as BenchRow, row.path, row.products as string | undefined));
  }

  // DP rows: our DP step and the non-DP step of the same model in one worker, then PyTorch's (microbatch DP and non-DP), per round.
  for (const name of dpStepNames.filter((n) => options.only.includes(n))) {
    const rounds = new Map<ProductPath, { ours: OurDpStep; ref: PytorchReport['steps'][string] | undefined }[]>(paths.map((p) => [p, []]));
    for (let round = 0; round < options.rounds; round++) {
      log(`-- ${name}, round ${round + 1} of ${options.rounds}`);
      const ours = new Map<ProductPath, OurDpStep>();
      for (const path of paths) ours.set(path, await timeOurDpStep(name, threadCounts, options.warmup, dpStepsOf(name), path));
      const ref = (await pytorch([name], options.steps ?? (options.quick ? dpStepsOf(name) : undefined)))?.steps[name];
      if (ref !== undefined) log(`  pytorch: DP (microbatch) ${ref.ms.toFixed(1)} ms/step, non-DP ${ref.nondp_ms?.toFixed(1) ?? '-'} ms/step (${ref.threads} thread(s))`);
      for (const path of paths) rounds.get(path)!.push({ ours: ours.get(path)!, ref });
    }
    for (const path of paths) rows.push(withPath(dpRow(name, backend, rounds.get(path)!), path, undefined));
  }

  if (options.only.includes('two-encoders')) {
    // f and g at once, side by side like the step table (bench/two-encoder-table.ts).
    log('-- two-encoders');
    const two = await interleavedTwoEncoderRows(backend, {
      paths,
      blocks: options.blocks,
      blockSteps: options.throughputSteps,
      warmup: options.warmup,
      warmupMs,
      python,
      envOf: (path) => pathEnv(path).env ?? {},
      log,
    });
    pytorchBlas ??= two.pytorchBlas ?? undefined;
    for (const row of two.rows) rows.push(withPath(row as unknown as BenchRow, row.path, row.products as string | undefined));
  }
  if (options.only.includes('laptop-epoch')) {
    // Like the step table, side by side: ours (trainSide, real MNIST and its augmentation) and
    // PyTorch's (the same model and augmentation) alternate blocks of one epoch.
    log('-- laptop-epoch: one encoder f of the laptop preset, real MNIST, its augmentation');
    const table = await interleavedStepRows('laptop-epoch', backend, startPytorch, {
      paths,
      threadCounts,
      blocks: options.blocks,
      blockSteps: options.steps ?? (options.quick ? 1 : 2),
      warmup: 1,
      warmupMs,
      profileSteps: options.profile ? 2 : 0,
      envOf: (path) => pathEnv(path).env ?? {},
      log,
    });
    for (const row of table) rows.push(withPath(row as unknown as BenchRow, row.path, row.products as string | undefined));
  }
  if (peak !== null) {
    const again = measureSgemmPeak();
    log(`sgemm peak again (1024^3, 1 thread): native ${fmt(again.native)} GFLOP/s, our wasm SIMD ${fmt(again.wasm)} GFLOP/s`);
    const best = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.max(a, b));
    peak = { ...peak, native: best(peak.native, again.native), wasm: Math.max(peak.wasm, again.wasm) };
    for (const r of rows) {
      const mutable = r as Record<string, unknown>;
      const p = r.path === 'native' ? peak.native : peak.wasm;
      mutable.peak_gflops = p;
      mutable.pct_of_peak = pctOfPeak(r, p);
    }
  }
  for (const r of rows) (r as Record<string, unknown>).kernels = backend.description;
  if (pytorchNote !== null) for (const r of rows) (r as Record<string, unknown>).pytorch_note = pytorchNote;
  if (pytorchBlas !== undefined) for (const r of rows) (r as Record<string, unknown>).pytorch_blas = pytorchBlas;

  console.log('');
  printTable(rows);
  writeFileAtomic(options.out, `${JSON.stringify(rows, null, 2)}\n`);
  log(`\nwrote ${options.out}`);
}

function medianOf(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The second of the pair whose first is closest to `target` (pairs with nulls skipped). */
function nearestTo(target: number | null, pairs: readonly [number | null, number | null][]): number | undefined {
  if (target === null) return undefined;
  let best: [number, number] | undefined;
  for (const [value, tag] of pairs) {
    if (value === null || tag === null) continue;
    if (best === undefined || Math.abs(value - target) < Math.abs(best[0] - target)) best = [value, tag];
  }
  return best?.[1];
}

/** A DP row from its rounds: medians; the ratio and both overheads are medians of the per-round values. */
function dpRow(
  name: DpStepName,
  backend: BenchBackend,
  rounds: readonly { ours: OurDpStep; ref: PytorchReport['steps'][string] | undefined }[],
): BenchRow {
  const numbers = (values: readonly (number | null | undefined)[]): number[] => values.filter((v): v is number => typeof v === 'number');
  const ms = medianOf(numbers(rounds.map((r) => r.ours.ms)));
  const nondpMs = medianOf(numbers(rounds.map((r) => r.ours.nondpMs)));
  const refMs = medianOf(numbers(rounds.map((r) => r.ref?.ms)));
  const refNondpMs = medianOf(numbers(rounds.map((r) => r.ref?.nondp_ms)));
  const overheadOf = (r: OurDpStep): number | null => (r.ms !== null && r.nondpMs !== null ? r.ms / r.nondpMs : null);
  const refOverheadOf = (r: PytorchReport['steps'][string] | undefined): number | null => (r?.nondp_ms !== undefined ? r.ms / r.nondp_ms : null);
  const ratioOf = (r: { ours: OurDpStep; ref: PytorchReport['steps'][string] | undefined }): number | null => (r.ours.ms !== null && r.ref !== undefined ? r.ours.ms / r.ref.ms : null);
  const methods = [...new Set(rounds.map((r) => r.ours.method).filter((m): m is string => m !== null))];
  const method = methods.length === 0 ? null : methods.join('+');
  const first = rounds.find((r) => r.ours.first !== undefined)?.ours.first;
  const firstRef = rounds[0]?.ref;
  const error = rounds.find((r) => r.ours.error !== undefined)?.ours.error;
  const base = dpStepBase[name];
  const warning =
    method === null
      ? undefined
      : method !== dpSettings.method
        ? `asked for '${dpSettings.method}' per-example gradients, ran '${method}': one backward pass per example, not one for the batch`
        : undefined;
  return {
    step: name,
    build: 'dist',
    backend: backend.name,
    threads: nearestTo(ms, rounds.map((r) => [r.ours.ms, r.ours.threads])) ?? backend.threads,
    ours_ms: ms,
    pytorch_ms: refMs,
    ratio: medianOf(numbers(rounds.map(ratioOf))),
    gflops: null,
    nondp_ms: nondpMs,
    nondp_threads: nearestTo(nondpMs, rounds.map((r) => [r.ours.nondpMs, r.ours.nondpThreads])) ?? null,
    dp_overhead: medianOf(numbers(rounds.map((r) => overheadOf(r.ours)))),
    dp_overhead_target: dpOverheadTarget,
    method,
    method_asked: dpSettings.method,
    clip: dpSettings.clip,
    noise: dpSettings.noise,
    expected_batch_size: stepBatch[base],
    norm: first?.norm ?? null,
    pytorch_threads: nearestTo(refMs, rounds.map((r) => [r.ref?.ms ?? null, r.ref?.threads ?? null])),
    pytorch_per_example: firstRef?.per_example ?? null,
    pytorch_nondp_ms: refNondpMs,
    pytorch_dp_overhead: medianOf(numbers(rounds.map((r) => refOverheadOf(r.ref)))),
    pytorch_vmap_ms: null,
    pytorch_vmap_note:
      firstRef === undefined ? null : firstRef.vmap_available === true ? 'torch.func is available; the vmap variant is not timed' : 'torch.func vmap is not available in this torch',
    rounds: rounds.map((r) => ({
      ours_ms: r.ours.ms,
      nondp_ms: r.ours.nondpMs,
      dp_overhead: overheadOf(r.ours),
      ours_by_threads: r.ours.byThreads,
      pytorch_ms: r.ref?.ms ?? null,
      pytorch_ms_by_threads: r.ref?.ms_by_threads ?? null,
      pytorch_nondp_ms: r.ref?.nondp_ms ?? null,
      pytorch_nondp_ms_by_threads: r.ref?.nondp_ms_by_threads ?? null,
      ratio: ratioOf(r),
    })),
    batch: stepBatch[base],
    views: stepViews[base],
    encoder: stepEncoder[base],
    base_step: base,
    loss_first: first?.firstLoss ?? null,
    loss_last: first?.loss ?? null,
    nondp_loss_first: first?.nondpFirstLoss ?? null,
    nondp_loss_last: first?.nondpLoss ?? null,
    pytorch_loss_first: firstRef?.loss_first ?? null,
    pytorch_loss_last: firstRef?.loss_last ?? null,
    leaked_tensors_per_step: Math.max(0, ...rounds.map((r) => r.ours.leakedPerStep)),
    ...(warning !== undefined ? { warning } : {}),
    ...(error !== undefined ? { error } : {}),
  };
}

/** The `laptop-epoch` row: medians over rounds, the ratio the median of per-round ratios. */

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
