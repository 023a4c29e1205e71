/**
 * sslmem benchmark: times the library's SimCLR training steps (MLP, CNN, ViT) on the
 * backend `initBackend` picks, runs the PyTorch reference in the same run, prints a table
 * and writes reports/bench.json (atomically). Also measures the end-to-end throughput of
 * training two encoders (f and g) at once: two worker threads with one backend thread each
 * (`runInWorkers`) vs one after the other in this thread.
 *
 * Run: node --import tsx bench/main.ts [--steps N] [--warmup N] [--only mlp,cnn,vit,two-encoders]
 *      [--no-pytorch] [--quick] [--throughput-steps N] [--threads N] [--out reports/bench.json]
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runInWorkers, writeFileAtomic } from '../src/parallel';
import { setupBackend, type BenchBackend } from './backend';
import { stepFlops } from './flops';
import { libraryStep, stepBatch, stepNames, type StepName } from './library-step';
import { findTorchPython, runPytorchReference, type PytorchReport } from './pytorch';
import type { TwoEncodersTaskArgs, TwoEncodersTaskResult } from './two-encoders-task';

/** One row of reports/bench.json. */
export interface BenchRow {
  readonly step: StepName | 'two-encoders';
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
  readonly only: ReadonlyArray<StepName | 'two-encoders'>;
  readonly pytorch: boolean;
  readonly quick: boolean;
  readonly throughputSteps: number;
  readonly threads?: number;
  readonly out: string;
}

const usage = `usage: node --import tsx bench/main.ts [options]
  --steps N             timed steps per model (default mlp 20, cnn 5, vit 5; --quick: 5, 2, 2)
  --warmup N            untimed steps first (default 2; --quick: 1)
  --only LIST           comma list of mlp, cnn, vit, two-encoders (default: all)
  --no-pytorch          skip the PyTorch reference
  --quick               few steps, for a smoke run
  --throughput-steps N  steps per encoder in the two-encoder run (default 20; --quick: 5)
  --threads N           backend threads for the step table (default: initBackend's choice)
  --out PATH            where to write the JSON (default reports/bench.json)`;

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      steps: { type: 'string' },
      warmup: { type: 'string' },
      only: { type: 'string' },
      'no-pytorch': { type: 'boolean', default: false },
      quick: { type: 'boolean', default: false },
      'throughput-steps': { type: 'string' },
      threads: { type: 'string' },
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
  const known = [...stepNames, 'two-encoders'] as const;
  const only = (values.only ?? known.join(',')).split(',').filter((s) => s.length > 0);
  for (const name of only) {
    if (!(known as readonly string[]).includes(name)) throw new Error(`bench: --only: expected names among ${known.join(', ')}, found ${JSON.stringify(name)}`);
  }
  const quick = values.quick ?? false;
  return {
    steps: int('steps', values.steps, 1),
    warmup: int('warmup', values.warmup, 0) ?? (quick ? 1 : 2),
    only: only as Options['only'],
    pytorch: !(values['no-pytorch'] ?? false),
    quick,
    throughputSteps: int('throughput-steps', values['throughput-steps'], 1) ?? (quick ? 5 : 20),
    threads: int('threads', values.threads, 1),
    out: resolve(values.out ?? join('reports', 'bench.json')),
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** Median ms of `steps` library steps after `warmup` steps; throws if a step leaks tensors. */
function timeLibraryStep(name: StepName, warmup: number, steps: number): { ms: number; loss: number } {
  const step = libraryStep(name);
  try {
    let loss = Number.NaN;
    for (let i = 0; i < warmup; i++) loss = step.run();
    const live = step.liveTensors();
    const times: number[] = [];
    for (let i = 0; i < steps; i++) {
      const t0 = performance.now();
      loss = step.run();
      times.push(performance.now() - t0);
    }
    const leaked = step.liveTensors() - live;
    if (leaked !== 0) log(`  warning: ${name} step leaks ${leaked / steps} tensors per step`);
    return { ms: median(times), loss };
  } finally {
    step.dispose();
  }
}

interface TwoEncoderResult {
  readonly sequentialImagesPerS: number;
  readonly workersImagesPerS: number;
  readonly workerBackend: string;
  readonly workerThreads: number;
}

/** Images/s of training two MLP encoders: sequential in this thread vs two workers. */
async function timeTwoEncoders(warmup: number, steps: number): Promise<TwoEncoderResult> {
  const f = libraryStep('mlp', 1);
  const g = libraryStep('mlp', 2);
  let sequentialImagesPerS: number;
  try {
    for (let i = 0; i < warmup; i++) {
      f.run();
      g.run();
    }
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) {
      f.run();
      g.run();
    }
    sequentialImagesPerS = (2 * steps * stepBatch.mlp) / ((performance.now() - t0) / 1000);
  } finally {
    f.dispose();
    g.dispose();
  }
  const barrier = new SharedArrayBuffer(4);
  const module = join(__dirname, 'two-encoders-task.ts');
  const tasks = [1, 2].map((seed) => ({
    module,
    fn: 'trainMlpEncoder',
    args: { seed, warmup, steps, barrier, parties: 2, threads: 1 } satisfies TwoEncodersTaskArgs,
  }));
  const results = await runInWorkers<TwoEncodersTaskResult>(tasks, { poolSize: 2 });
  const wallS = (Math.max(...results.map((r) => r.end)) - Math.min(...results.map((r) => r.start))) / 1000;
  const images = results.reduce((sum, r) => sum + r.images, 0);
  return {
    sequentialImagesPerS,
    workersImagesPerS: images / wallS,
    workerBackend: results[0].backend,
    workerThreads: results[0].threads,
  };
}

function fmt(value: number | null | undefined, digits = 1): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '-' : value.toFixed(digits);
}

function printTable(rows: readonly BenchRow[]): void {
  const header = ['step', 'backend', 'threads', 'ours ms', 'pytorch ms', 'ratio', 'GFLOP/s', 'pytorch GFLOP/s'];
  const lines = rows.map((r) => [
    r.step,
    r.backend,
    String(r.threads),
    fmt(r.ours_ms),
    r.pytorch_ms === null ? '-' : `${fmt(r.pytorch_ms)}${r.pytorch_threads !== undefined ? ` (${String(r.pytorch_threads)}t)` : ''}`,
    fmt(r.ratio, 2),
    fmt(r.gflops),
    fmt(r.pytorch_gflops as number | null),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const show = (cells: string[]): string => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(show(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) console.log(show(l));
  const two = rows.find((r) => r.step === 'two-encoders');
  if (two !== undefined) {
    console.log(
      `\ntwo encoders at once (MLP, images/s): ours ${fmt(two.images_per_s as number)} (${String(two.arrangement)}; ` +
        `two workers ${fmt(two.ours_two_workers_images_per_s as number)}, sequential ${fmt(two.ours_sequential_images_per_s as number)}), ` +
        `pytorch ${fmt(two.pytorch_images_per_s as number | null)} (${String(two.pytorch_arrangement ?? '-')}; ` +
        `two processes ${fmt(two.pytorch_two_processes_images_per_s as number | null)}, sequential 2 threads ${fmt(two.pytorch_sequential_images_per_s as number | null)})`,
    );
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const backend: BenchBackend = await setupBackend(options.threads);
  log(`backend ${backend.name}, ${backend.threads} thread(s): ${backend.reason}`);
  const defaultSteps: Record<StepName, number> = options.quick ? { mlp: 5, cnn: 2, vit: 2 } : { mlp: 20, cnn: 5, vit: 5 };
  const models = stepNames.filter((n) => options.only.includes(n));

  const ours = new Map<StepName, { ms: number | null; error?: string }>();
  for (const name of models) {
    const steps = options.steps ?? defaultSteps[name];
    log(`${name}: ${options.warmup} warm-up + ${steps} timed steps (batch ${stepBatch[name]} x 2 views)`);
    try {
      const { ms, loss } = timeLibraryStep(name, options.warmup, steps);
      log(`  ${ms.toFixed(1)} ms/step (loss ${loss.toFixed(3)})`);
      ours.set(name, { ms });
    } catch (error) {
      const message = (error as Error).message.split('\n')[0];
      log(`  failed: ${message}`);
      ours.set(name, { ms: null, error: message });
    }
  }

  let two: TwoEncoderResult | null = null;
  if (options.only.includes('two-encoders')) {
    log(`two encoders: ${options.warmup} warm-up + ${options.throughputSteps} steps each, sequential then two workers`);
    two = await timeTwoEncoders(options.warmup, options.throughputSteps);
    log(`  sequential ${two.sequentialImagesPerS.toFixed(0)} images/s, two workers ${two.workersImagesPerS.toFixed(0)} images/s`);
  }

  let reference: PytorchReport | null = null;
  let pytorchNote: string | null = null;
  if (options.pytorch) {
    const python = findTorchPython();
    if (python === null) {
      pytorchNote = 'skipped: no Python that can import torch (tried $SSLMEM_PYTHON, /usr/bin/python3, python3, python)';
      log(`pytorch: ${pytorchNote}`);
    } else {
      log(`pytorch: ${python} bench/pytorch_reference.py`);
      try {
        reference = await runPytorchReference(python, {
          only: models,
          steps: options.steps ?? (options.quick ? 5 : undefined),
          warmup: options.warmup,
          throughputSteps: options.throughputSteps,
          throughput: options.only.includes('two-encoders'),
        });
      } catch (error) {
        pytorchNote = `failed: ${(error as Error).message}`;
        log(`pytorch: ${pytorchNote}`);
      }
    }
  }

  const rows: BenchRow[] = models.map((name) => {
    const ms = ours.get(name)?.ms ?? null;
    const ref = reference?.steps[name];
    const flops = stepFlops[name](stepBatch[name]);
    return {
      step: name,
      backend: backend.name,
      threads: backend.threads,
      ours_ms: ms,
      pytorch_ms: ref?.ms ?? null,
      ratio: ms !== null && ref !== undefined ? ms / ref.ms : null,
      gflops: ms !== null ? flops / ms / 1e6 : null,
      pytorch_gflops: ref !== undefined ? flops / ref.ms / 1e6 : null,
      pytorch_threads: ref?.threads,
      pytorch_ms_by_threads: ref?.ms_by_threads,
      batch: stepBatch[name],
      gflop_per_step: flops / 1e9,
      ...(ours.get(name)?.error !== undefined ? { error: ours.get(name)?.error } : {}),
    };
  });
  if (two !== null) {
    const perPair = 2 * stepBatch.mlp; // images in one step of f plus one step of g
    const best =
      two.workersImagesPerS >= two.sequentialImagesPerS
        ? 'two_workers_1_thread'
        : `sequential_${backend.threads}_thread${backend.threads === 1 ? '' : 's'}`;
    const ips = Math.max(two.workersImagesPerS, two.sequentialImagesPerS);
    const ref = reference?.two_encoders;
    const oursMs = (1000 * perPair) / ips;
    const refMs = ref !== undefined ? (1000 * perPair) / ref.images_per_s : null;
    rows.push({
      step: 'two-encoders',
      backend: two.workerBackend,
      threads: best.startsWith('two') ? two.workerThreads : backend.threads,
      ours_ms: oursMs,
      pytorch_ms: refMs,
      ratio: refMs !== null ? oursMs / refMs : null,
      gflops: (2 * stepFlops.mlp(stepBatch.mlp)) / oursMs / 1e6,
      pytorch_gflops: refMs !== null ? (2 * stepFlops.mlp(stepBatch.mlp)) / refMs / 1e6 : null,
      images_per_s: ips,
      arrangement: best,
      ours_two_workers_images_per_s: two.workersImagesPerS,
      ours_sequential_images_per_s: two.sequentialImagesPerS,
      pytorch_images_per_s: ref?.images_per_s ?? null,
      pytorch_arrangement: ref?.arrangement ?? null,
      pytorch_two_processes_images_per_s: ref?.two_processes_1_thread_images_per_s ?? null,
      pytorch_sequential_images_per_s: ref?.sequential_2_threads_images_per_s ?? null,
    });
  }
  if (pytorchNote !== null) for (const r of rows) (r as Record<string, unknown>).pytorch_note = pytorchNote;

  console.log('');
  printTable(rows);
  writeFileAtomic(options.out, `${JSON.stringify(rows, null, 2)}\n`);
  log(`\nwrote ${options.out}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
