/**
 * Runs bench/pytorch_reference.py with the first Python that can `import torch`
 * (`SSLMEM_PYTHON`, then Debian's `/usr/bin/python3`, then `python3`, `python`).
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** What the reference script prints (see bench/pytorch_reference.py). */
export interface PytorchReport {
  readonly torch: string;
  readonly python: string;
  /** The BLAS PyTorch's products ran on (an OpenBLAS library, or a warning about the generic one). */
  readonly blas?: string;
  /** Per step: median ms at the best thread count, and the losses of the first and last step of the first thread count's run. */
  readonly steps: Record<
    string,
    {
      ms: number;
      threads: number;
      batch: number;
      ms_by_threads: Record<string, number>;
      loss_first?: number;
      loss_last?: number;
      /** DP rows (bench/pytorch_dp.py): the non-DP step of the same model, timed interleaved with the DP step, at its best thread count. */
      nondp_ms?: number;
      nondp_threads?: number;
      nondp_ms_by_threads?: Record<string, number>;
      nondp_loss_first?: number;
      nondp_loss_last?: number;
      /** DP rows: how the per-example gradients were found (`microbatch`), and whether torch.func's vmap exists in this torch. */
      per_example?: string;
      vmap_available?: boolean;
    }
  >;
  readonly epoch?: { readonly ms: number; readonly threads: number; readonly ms_by_threads: Record<string, number> };
}

/** Options of `runPytorchReference`. */
export interface PytorchOptions {
  readonly only: readonly string[];
  readonly steps?: number;
  readonly warmup: number;
  /** The laptop-epoch setting to time (encoder, projector, images, batch, lr, epochs). */
  readonly epoch?: Record<string, unknown>;
}

/** The first Python that can import torch, or null. */
export function findTorchPython(): string | null {
  const candidates = [process.env.SSLMEM_PYTHON, '/usr/bin/python3', 'python3', 'python'].filter(
    (c): c is string => typeof c === 'string' && c.length > 0,
  );
  for (const python of candidates) {
    const probe = spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore', timeout: 120_000 });
    if (probe.status === 0) return python;
  }
  return null;
}

/** Runs the reference script and parses its JSON (stderr is passed through). */
export function runPytorchReference(python: string, options: PytorchOptions): Promise<PytorchReport> {
  const args = [
    join(__dirname, 'pytorch_reference.py'),
    '--only',
    options.only.join(','),
    '--warmup',
    String(options.warmup),
    ...(options.steps !== undefined ? ['--steps', String(options.steps)] : []),
    ...(options.epoch !== undefined ? ['--epoch', JSON.stringify(options.epoch)] : []),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(python, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (out += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${python} bench/pytorch_reference.py exited with code ${code}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as PytorchReport);
      } catch (error) {
        reject(new Error(`bench/pytorch_reference.py printed no JSON: ${(error as Error).message}\n${out}`));
      }
    });
  });
}

/** A running `pytorch_reference.py --serve`: blocks of any step row's steps at any thread count. */
export interface PytorchServer {
  /** The BLAS its products run on (as `PytorchReport.blas`). */
  readonly blas: string;
  /**
   * ms of each of `steps` more steps of row `kind` at `threads` threads (its BLAS on `blas`
   * threads where given, else on as many), and the losses of the block's first and last step;
   * for `laptop-epoch`, `steps` epochs of the setting `epoch`.
   */
  run(kind: string, threads: number, steps: number, epoch?: Record<string, unknown>, blas?: number): Promise<{ times: number[]; lossFirst: number | null; loss: number | null }>;
  close(): Promise<void>;
}

/** Starts `pytorch_reference.py --serve` with `python` (stderr is passed through). */
export function startPytorchServer(python: string): Promise<PytorchServer> {
  const child = spawn(python, [join(__dirname, 'pytorch_reference.py'), '--serve'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const waiting: Array<(line: string | null) => void> = [];
  let buffer = '';
  let ended = false;
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffer += chunk;
    let at: number;
    while ((at = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, at);
      buffer = buffer.slice(at + 1);
      waiting.shift()?.(line);
    }
  });
  const end = (): void => {
    ended = true;
    for (const resolve of waiting.splice(0)) resolve(null);
  };
  child.on('close', end);
  child.on('error', end);
  const nextLine = (): Promise<string | null> => (ended ? Promise.resolve(null) : new Promise((resolve) => waiting.push(resolve)));
  const parse = (line: string | null, what: string): Record<string, unknown> => {
    if (line === null) throw new Error(`bench/pytorch_reference.py --serve ended before ${what}`);
    try {
      return JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new Error(`bench/pytorch_reference.py --serve printed ${JSON.stringify(line.slice(0, 200))}, expected JSON (${what})`);
    }
  };
  return nextLine().then((line) => {
    const hello = parse(line, 'its first line');
    return {
      blas: String(hello.blas),
      run: async (kind, threads, steps, epoch, blas) => {
        const reply = nextLine();
        child.stdin.write(`${JSON.stringify({ kind, threads, steps, ...(epoch !== undefined ? { epoch } : {}), ...(blas !== undefined ? { blas } : {}) })}\n`);
        const r = parse(await reply, `the reply to ${kind} at ${threads} thread(s)`);
        if (typeof r.error === 'string') throw new Error(`pytorch ${kind}: ${r.error}`);
        return { times: r.times as number[], lossFirst: (r.loss_first as number | null) ?? null, loss: (r.loss as number | null) ?? null };
      },
      close: async () => {
        if (!ended) child.stdin.end('\n');
        await new Promise<void>((resolve) => (ended ? resolve() : child.once('close', () => resolve())));
      },
    };
  });
}
