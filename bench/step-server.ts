/**
 * A benchmark step (or the laptop epoch) kept alive in a process of its own, so that blocks of its steps can
 * alternate with PyTorch's (bench/interleave.ts): `startOurStepper` starts the process (a
 * backend with the given thread count, on the native or our SIMD products) and builds the
 * step once; each `run(n)` then times n more steps of the same model. A process, not a worker
 * thread: the BLAS's thread count and its thread pool belong to the whole process, so sides
 * at one and at two threads must not share one.
 */
import { fork } from 'node:child_process';
import { setupBackend } from './backend';
import { libraryStep, type StepName } from './library-step';
import { laptopEpochs, type EpochSetting } from './epoch-task';
import { kernelTimers, type KernelProfile, type KernelTimers } from './kernel-profile';

/** A model's step that times blocks of steps on request. */
export interface Stepper {
  /** e.g. `ours native 1t`, `pytorch 2t`. */
  readonly label: string;
  /** Threads the side actually runs. */
  readonly threads: number;
  /** ms of each of `steps` more steps. */
  run(steps: number): Promise<number[]>;
  /** Losses of the first and of the latest step. */
  losses(): { first: number; last: number } | null;
  close(): Promise<void>;
}

/** What our process reports after set-up. */
interface Ready {
  readonly backend: string;
  readonly products: string;
  readonly threads: number;
  /** laptop-epoch: the setting PyTorch must repeat. */
  readonly setting?: EpochSetting;
}

type Request = { readonly steps: number } | { readonly profile: number } | { readonly close: true };
type Result = { readonly times: number[]; readonly firstLoss: number; readonly loss: number; readonly leaked: number };
type Reply = { readonly ready: Ready } | Result | { readonly profile: KernelProfile } | { readonly error: string };

/** What the child serves: a model's step, or laptop epochs. */
interface Served {
  readonly ready: Ready;
  run(steps: number): Promise<Result>;
  /** Where the time of `steps` more steps goes, kernel by kernel. */
  profile(steps: number): Promise<KernelProfile>;
  dispose(): void;
}

/** A step row's model (bench/library-step.ts): `run(n)` times n more steps. */
async function servedStep(name: StepName, threads: number): Promise<Served> {
  const backend = await setupBackend(threads);
  const step = libraryStep(name);
  let timers: KernelTimers | undefined;
  return {
    profile: (steps) => (timers ??= kernelTimers(backend.name)).profile(steps, () => step.run()),
    ready: { backend: backend.name, products: backend.products, threads: backend.threads },
    run: async (steps) => {
      const live = step.liveTensors();
      const times: number[] = [];
      let loss = Number.NaN;
      let firstLoss = Number.NaN;
      for (let i = 0; i < steps; i++) {
        const t0 = performance.now();
        loss = step.run();
        times.push(performance.now() - t0);
        if (i === 0) firstLoss = loss;
      }
      return { times, firstLoss, loss, leaked: step.liveTensors() - live };
    },
    dispose: () => step.dispose(),
  };
}

/** The laptop-epoch row (bench/epoch-task.ts): `run(n)` times n more epochs. */
async function servedEpochs(threads: number): Promise<Served> {
  const epochs = await laptopEpochs(threads);
  let timers: KernelTimers | undefined;
  return {
    // An epoch with its set-up (trainSide builds a fresh encoder each time).
    profile: (n) => (timers ??= kernelTimers(epochs.backend)).profile(n, () => epochs.run(0)),
    ready: { backend: epochs.backend, products: epochs.products, threads: epochs.threads, setting: epochs.setting },
    run: async (n) => ({ ...(await epochs.run(n)), leaked: 0 }),
    dispose: () => {},
  };
}

/** The child's side: set up, then answer requests until told to close. */
async function serve(): Promise<void> {
  const send = (reply: Reply): void => void process.send!(reply);
  const name = process.env.SSLMEM_BENCH_STEP as StepName | 'laptop-epoch';
  const threads = Number(process.env.SSLMEM_BENCH_THREADS);
  try {
    const served = name === 'laptop-epoch' ? await servedEpochs(threads) : await servedStep(name, threads);
    send({ ready: served.ready });
    // One request at a time: the parent waits for each reply before it asks again.
    process.on('message', (request: Request) => {
      if ('close' in request) {
        served.dispose();
        process.exit(0);
      }
      const work = 'profile' in request ? served.profile(request.profile).then((profile) => ({ profile })) : served.run(request.steps);
      work.then(send, (error: Error) => send({ error: error.message }));
    });
  } catch (error) {
    send({ error: (error as Error).message });
  }
}

// `startOurStepper` runs this file as a child process with these variables set.
if (process.send !== undefined && process.env.SSLMEM_BENCH_STEP !== undefined) void serve();

/** What `startOurStepper` knows of its process, besides the `Stepper`. */
export interface OurStepper extends Stepper {
  readonly backend: string;
  /** The kernel behind the products: the BLAS or `our WebAssembly SIMD`. */
  readonly products: string;
  /** Most tensors a block of steps left behind (0 unless a step leaks). */
  readonly leaked: () => number;
  /** laptop-epoch: the setting PyTorch must repeat. */
  readonly setting?: EpochSetting;
  /** Where the time of `steps` more steps goes (after the timed blocks: the timers cost a little). */
  profile(steps: number): Promise<KernelProfile>;
}

/**
 * Starts our step `name` in a child process with a backend of `threads` threads; `env` is
 * its environment on top of this process's (`SSLMEM_NATIVE: '0'` for our SIMD products).
 */
export async function startOurStepper(name: StepName | 'laptop-epoch', threads: number, label: string, env: Record<string, string> = {}): Promise<OurStepper> {
  const child = fork(__filename, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env, SSLMEM_BENCH_STEP: name, SSLMEM_BENCH_THREADS: String(threads) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const replies: Array<(reply: Reply) => void> = [];
  let failure: Error | null = null;
  const fail = (error: Error): void => {
    failure ??= error;
    for (const resolve of replies.splice(0)) resolve({ error: error.message });
  };
  child.on('message', (reply: Reply) => replies.shift()?.(reply));
  child.on('error', fail);
  child.on('exit', (code, signal) => fail(new Error(`the process exited (${signal ?? `code ${code}`})`)));
  const next = (): Promise<Reply> => (failure !== null ? Promise.resolve({ error: (failure as Error).message }) : new Promise((resolve) => replies.push(resolve)));
  const ready = await next();
  if ('error' in ready) {
    child.kill();
    throw new Error(`${label}: ${ready.error}`);
  }
  if (!('ready' in ready)) throw new Error(`${label}: unexpected first reply`);
  let first: number | null = null;
  let last = Number.NaN;
  let leaked = 0;
  let requests = 0;
  return {
    label,
    backend: ready.ready.backend,
    products: ready.ready.products,
    threads: ready.ready.threads,
    ...(ready.ready.setting !== undefined ? { setting: ready.ready.setting } : {}),
    leaked: () => leaked,
    losses: () => (first === null ? null : { first, last }),
    run: async (steps) => {
      const reply = next();
      child.send({ steps } satisfies Request);
      const r = await reply;
      if ('error' in r) throw new Error(`${label}: ${r.error}`);
      if (!('times' in r)) throw new Error(`${label}: unexpected reply`);
      first ??= r.firstLoss;
      last = r.loss;
      // The first request (the warm-up) creates the optimizer's state: not a leak.
      if (requests++ > 0) leaked = Math.max(leaked, r.leaked / Math.max(1, steps));
      return r.times;
    },
    profile: async (steps) => {
      const reply = next();
      child.send({ profile: steps } satisfies Request);
      const r = await reply;
      if ('error' in r) throw new Error(`${label}: ${r.error}`);
      if (!('profile' in r)) throw new Error(`${label}: unexpected reply`);
      return r.profile;
    },
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      if (child.connected) child.send({ close: true } satisfies Request);
      const timer = setTimeout(() => child.kill(), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
