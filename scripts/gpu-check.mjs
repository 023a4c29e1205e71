#!/usr/bin/env node
// The node side of scripts/gpu-check.sh (read that first): on a machine that may have a
// GPU and no internet, finds what the GPU backend needs, runs the conformance suite on each
// backend asked for (each in its own process, so a crash is a finding, not the end),
// times one SimCLR step of each encoder on each, and writes one JSON report.
//
//   node scripts/gpu-check.mjs report [--out FILE] [--backends LIST] [--only TEXT,...]
//                                     [--encoders mlp,cnn,vit] [--steps N] [--no-tf32-retry]
//   node scripts/gpu-check.mjs time-steps --backend NAME [--encoders LIST] [--steps N]   (one backend, JSON on stdout)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, hostname, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const distMain = join(root, 'dist', 'conformance', 'main.js');

/** Shared libraries libtensorflow 2.9 (tfjs-node-gpu 4.x) opens for the GPU: CUDA 11.2 and cuDNN 8.1. */
const cudaLibraries = [
  ['libcuda.so.1', 'the NVIDIA driver'],
  ['libcudart.so.11.0', 'CUDA 11.x runtime'],
  ['libcublas.so.11', 'CUDA 11.x cuBLAS'],
  ['libcublasLt.so.11', 'CUDA 11.x cuBLASLt'],
  ['libcufft.so.10', 'CUDA 11.x cuFFT'],
  ['libcurand.so.10', 'CUDA 11.x cuRAND'],
  ['libcusolver.so.11', 'CUDA 11.x cuSOLVER'],
  ['libcusparse.so.11', 'CUDA 11.x cuSPARSE'],
  ['libcudnn.so.8', 'cuDNN 8.x'],
];

const gpuBackends = ['tensorflow-gpu'];
const packages = { 'tensorflow-gpu': '@tensorflow/tfjs-node-gpu', tensorflow: '@tensorflow/tfjs-node' };

// TensorFlow 2.9 ships no GPU code for the newest cards (Hopper): the driver compiles it at
// first use; a large compile cache keeps that work for the next process of this check.
const childEnv = { CUDA_CACHE_MAXSIZE: '4294967296', ...process.env };

function run(command, args, options = {}) {
  const started = Date.now();
  const r = spawnSync(command, args, { encoding: 'utf8', cwd: root, maxBuffer: 64 * 1024 * 1024, timeout: 30 * 60_000, env: childEnv, ...options });
  return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '', error: r.error?.message, seconds: (Date.now() - started) / 1000 };
}

function nvidiaSmi() {
  const r = run('nvidia-smi', ['--query-gpu=name,driver_version,memory.total,compute_cap', '--format=csv,noheader'], { timeout: 20_000 });
  if (r.error) return { ok: false, problem: `nvidia-smi not found or failed (${r.error})` };
  if (r.status !== 0) return { ok: false, problem: `nvidia-smi exited ${r.status}: ${(r.stderr || r.stdout).trim().split('\n')[0]}` };
  const gpus = r.stdout.trim().split('\n').filter(Boolean).map((line) => {
    const [name, driver, memory, computeCapability] = line.split(',').map((s) => s.trim());
    return { name, driver, memory, computeCapability };
  });
  return { ok: gpus.length > 0, gpus, ...(gpus.length === 0 ? { problem: 'nvidia-smi lists no GPU' } : {}) };
}

/** Where each CUDA library is found: the ld cache, then LD_LIBRARY_PATH. */
function findCudaLibraries() {
  const cache = run('/sbin/ldconfig', ['-p'], { timeout: 20_000 });
  const cached = new Map();
  for (const line of cache.stdout.split('\n')) {
    const m = line.match(/^\s*(\S+) .*=> (\S+)$/);
    if (m && !cached.has(m[1])) cached.set(m[1], m[2]);
  }
  const dirs = (process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean);
  const found = {};
  const missing = [];
  for (const [name, what] of cudaLibraries) {
    const inDir = dirs.map((d) => join(d, name)).find((p) => existsSync(p));
    const where = inDir ?? cached.get(name);
    if (where) found[name] = where;
    else missing.push(`${name} (${what})`);
  }
  return { found, missing, searched: ['ld cache (ldconfig -p)', ...dirs] };
}

/** Loads `pkg` in a fresh process, runs one product, and reads TensorFlow's log for the devices it made. */
function probe(pkg) {
  const script = `const tf = require(${JSON.stringify(pkg)}); const a = tf.ones([256, 256]); tf.matMul(a, a).dataSync(); console.log(JSON.stringify({ backend: tf.getBackend(), version: tf.version }));`;
  const r = run(process.execPath, ['-e', script], { timeout: 10 * 60_000, env: { ...childEnv, TF_CPP_MIN_LOG_LEVEL: '0' } });
  const log = `${r.stderr}`;
  const devices = [...log.matchAll(/Created device (\S+) with (\d+) MB memory\) -> (.*)/g)].map((m) => `${m[1]} (${m[2]} MB): ${m[3].trim()}`);
  const skipped = /Skipping registering GPU devices|Cannot dlopen some GPU libraries/.test(log);
  const dlopenErrors = [...new Set([...log.matchAll(/Could not load dynamic library '([^']+)'/g)].map((m) => m[1]))];
  if (r.status !== 0) {
    const notInstalled = /Cannot find module '@tensorflow\/tfjs-node/.test(log) && !existsSync(join(root, 'node_modules', pkg));
    return { loads: false, problem: notInstalled ? `${pkg} is not installed (pack it with scripts/gpu-check.sh pack)` : `${pkg} failed to load: ${log.trim().split('\n').filter((l) => /Error|error/.test(l))[0] ?? log.trim().split('\n').at(-1)}`, dlopenErrors, seconds: r.seconds };
  }
  return { loads: true, devices, gpuUsed: devices.some((d) => /GPU/.test(d)), ...(skipped ? { problem: `${pkg} loaded but TensorFlow skipped the GPU (missing libraries: ${dlopenErrors.join(', ') || 'see its log'})` } : {}), dlopenErrors, seconds: r.seconds };
}

/** Runs the conformance suite on `backend` in its own process; returns its JSON report (or why there is none). */
function suite(dir, backend, only, extraEnv = {}) {
  const out = join(dir, `conformance-${backend}${extraEnv.NVIDIA_TF32_OVERRIDE === '0' ? '-tf32-off' : ''}.json`);
  const args = [distMain, '--backend', backend, '--json', out, ...(only ? ['--only', only] : [])];
  const r = run(process.execPath, args, { env: { ...childEnv, ...extraEnv } });
  process.stdout.write(r.stdout);
  const report = existsSync(out) && r.status !== 2 ? JSON.parse(readFileSync(out, 'utf8')) : undefined;
  const summary = report ? { ok: report.ok, seconds: report.seconds, failures: report.failures.map((f) => `${f.kernel} at ${f.shape}${f.problem ? ` (${f.problem})` : ` (max error ${f.maxError} > ${f.tolerance})`}`), rows: report.rows, info: report.info } : { ok: false, problem: `the suite did not finish (exit ${r.status ?? r.signal}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}` };
  return { exit: r.status, json: out, ...summary };
}

/** One SimCLR step (loss, gradients, Adam) of each encoder on the backend, in a fresh process; median ms of `steps` after one warm-up. */
function timeStepsIn(backend, encoders, steps) {
  const r = run(process.execPath, [fileURLToPath(import.meta.url), 'time-steps', '--backend', backend, '--encoders', encoders.join(','), '--steps', String(steps)]);
  const line = r.stdout.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(line);
  } catch {
    return { backend, problem: `timing failed (exit ${r.status ?? r.signal}): ${r.stderr.trim().split('\n').slice(-2).join(' | ')}` };
  }
}

/** The benchmark's SimCLR steps (bench/library-step.ts): MLP 784-512-512-128 batch 128, CNN 32-64-128 batch 128, ViT dim 128 depth 4 batch 64. */
async function timeSteps(backend, encoders, steps) {
  const lib = { ...require(join(root, 'dist', 'index.js')), ...require(join(root, 'dist', 'parts.js')) }; // backend; encoders, objectives, train step
  const tf = require('@tensorflow/tfjs-core');
  const info = await lib.initBackend({ backend });
  const builders = {
    mlp: () => [lib.mlpEncoder({ seed: 0 }), 128],
    cnn: () => [lib.cnnEncoder({ seed: 0 }), 128],
    vit: () => [lib.vitEncoder({ dim: 128, depth: 4, heads: 4, patchSize: 4, inputShape: [32, 32, 3], seed: 0 }), 64],
  };
  const rows = [];
  for (const name of encoders) {
    const [encoder, batch] = builders[name]();
    const objective = lib.simclr({ temperature: 0.5 });
    const state = objective.init(encoder, lib.createRng(0).fork('objective'));
    const optimizer = lib.adam();
    const variables = lib.trainableVariables(encoder, state);
    const [h, w, c] = encoder.config.inputShape;
    const views = [0, 1].map((v) => tf.randomUniform([batch, h, w, c], 0, 1, 'float32', v));
    const times = [];
    for (let i = 0; i <= steps; i++) {
      const started = performance.now();
      tf.tidy(() => {
        const { loss, grads } = lib.computeGradients(encoder, objective, state, { views }, lib.createRng(i));
        loss.dataSync();
        optimizer.apply(grads, variables, 1e-3);
      });
      await tf.ready();
      if (i > 0) times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    rows.push({ encoder: name, batch, ms: Math.round(times[Math.floor(times.length / 2)] * 10) / 10, firstStepIncluded: false });
    tf.dispose(views);
    optimizer.dispose();
    state.dispose();
    encoder.dispose();
  }
  return { backend, tfjsBackend: info.name, description: lib.describeBackend(info), steps: rows };
}

async function report(values) {
  const out = resolve(values.out ?? join(root, 'reports', 'gpu-check.json'));
  const backends = (values.backends ?? 'tensorflow-gpu,wasm').split(',').map((s) => s.trim()).filter(Boolean);
  const encoders = (values.encoders ?? 'mlp,cnn,vit').split(',').map((s) => s.trim()).filter(Boolean);
  const steps = Number(values.steps ?? 3);
  mkdirSync(dirname(out), { recursive: true });
  const say = (line) => process.stdout.write(`gpu-check: ${line}\n`);

  const machine = { host: hostname(), node: process.version, cpus: `${cpus().length} x ${cpus()[0]?.model ?? '?'}`, memoryGiB: Math.round(totalmem() / 2 ** 30), sslmem: JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version };
  const gpu = nvidiaSmi();
  say(gpu.ok ? `GPUs: ${gpu.gpus.map((g) => `${g.name} (driver ${g.driver}, ${g.memory}, compute ${g.computeCapability})`).join('; ')}` : `no GPU: ${gpu.problem}`);
  const cuda = findCudaLibraries();
  if (cuda.missing.length > 0) {
    say(`MISSING for @tensorflow/tfjs-node-gpu (libtensorflow 2.9 needs CUDA 11.2 and cuDNN 8.1): ${cuda.missing.join(', ')}`);
    say('  install the CUDA 11.2 toolkit libraries and cuDNN 8.1 for CUDA 11.x, or put the folders holding them on LD_LIBRARY_PATH');
  } else say('CUDA 11 / cuDNN 8 libraries: all found');

  const result = { date: new Date().toISOString(), machine, gpu, cuda, backends: {}, steps: [] };
  for (const backend of backends) {
    const entry = {};
    result.backends[backend] = entry;
    const pkg = packages[backend];
    if (pkg) {
      say(`loading ${pkg}...`);
      entry.probe = probe(pkg);
      if (!entry.probe.loads) {
        say(`  ${entry.probe.problem}`);
        continue;
      }
      say(`  loaded; devices: ${entry.probe.devices.join('; ') || 'none logged'}${entry.probe.problem ? `; ${entry.probe.problem}` : ''}`);
      if (gpuBackends.includes(backend) && !entry.probe.gpuUsed) say('  WARNING: it computes on the CPU, not the GPU');
    }
    say(`conformance suite on ${backend}...`);
    entry.conformance = suite(dirname(out), backend, values.only);
    say(`  ${entry.conformance.ok ? 'passed' : `FAILED: ${entry.conformance.problem ?? entry.conformance.failures.join('; ')}`}`);
    if (!entry.conformance.ok && pkg && !values['no-tf32-retry'] && entry.conformance.rows) {
      // Ampere and newer GPUs multiply in TF32 by default (10-bit mantissa): run again with full float32.
      say(`conformance suite on ${backend} again with NVIDIA_TF32_OVERRIDE=0 (no TF32 products)...`);
      entry.conformanceTf32Off = suite(dirname(out), backend, values.only, { NVIDIA_TF32_OVERRIDE: '0' });
      say(`  ${entry.conformanceTf32Off.ok ? 'passed: set NVIDIA_TF32_OVERRIDE=0 when training on this GPU' : `FAILED: ${entry.conformanceTf32Off.problem ?? entry.conformanceTf32Off.failures.join('; ')}`}`);
    }
    if (encoders.length > 0 && steps > 0) {
      say(`timing a SimCLR step of ${encoders.join(', ')} on ${backend}...`);
      const timed = timeStepsIn(backend, encoders, steps);
      entry.timing = timed;
      for (const row of timed.steps ?? []) result.steps.push({ backend, ...row });
      say(`  ${timed.problem ?? timed.steps.map((s) => `${s.encoder} ${s.ms} ms`).join(', ')}`);
    }
  }
  const wasmSteps = new Map(result.steps.filter((s) => s.backend === 'wasm').map((s) => [s.encoder, s.ms]));
  for (const s of result.steps) if (s.backend !== 'wasm' && wasmSteps.has(s.encoder)) s.speedupOverWasm = Math.round((wasmSteps.get(s.encoder) / s.ms) * 100) / 100;
  const asked = backends.filter((b) => gpuBackends.includes(b));
  const loaded = asked.filter((b) => result.backends[b]?.probe?.loads);
  const failed = backends.filter((b) => result.backends[b]?.conformance && !result.backends[b].conformance.ok && !result.backends[b].conformanceTf32Off?.ok);
  result.verdict = {
    gpuBackendsAsked: asked,
    gpuBackendsLoaded: loaded,
    gpuUsed: loaded.filter((b) => result.backends[b].probe.gpuUsed),
    suiteFailed: failed,
    ok: failed.length === 0 && loaded.length === asked.length,
  };
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  say(`report: ${out}`);
  for (const s of result.steps) say(`  ${s.backend.padEnd(15)} ${s.encoder.padEnd(4)} ${String(s.ms).padStart(8)} ms/step${s.speedupOverWasm ? `  (${s.speedupOverWasm}x wasm)` : ''}`);
  if (failed.length > 0) return 1;
  if (loaded.length < asked.length) return 3;
  return 0;
}

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  const { values } = parseArgs({
    args: rest,
    options: {
      out: { type: 'string' },
      backends: { type: 'string' },
      backend: { type: 'string' },
      only: { type: 'string' },
      encoders: { type: 'string' },
      steps: { type: 'string' },
      'no-tf32-retry': { type: 'boolean', default: false },
    },
  });
  if (!existsSync(distMain)) throw new Error(`${distMain} is missing: run npm run build (a packed tarball has it)`);
  if (command === 'report') return report(values);
  if (command === 'time-steps') {
    const encoders = (values.encoders ?? 'mlp,cnn,vit').split(',').filter(Boolean);
    process.stdout.write(`${JSON.stringify(await timeSteps(values.backend ?? 'wasm', encoders, Number(values.steps ?? 3)))}\n`);
    return 0;
  }
  throw new Error(`unknown command ${JSON.stringify(command)}: expected report or time-steps`);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`gpu-check: ${error.message}\n`);
    process.exitCode = 2;
  },
);
