#!/usr/bin/env node
/**
 * Builds the optional native product binding (native/sslmem-blas.c) into
 * native/build/sslmem-blas.node with the system's C compiler and CBLAS: OpenBLAS first
 * (`-lopenblas`), then a plain `-lcblas` or `-lblas`. Run by `npm ci` / `npm install`
 * (postinstall) and by `npm run build:native`.
 *
 * It never fails the install: without Linux, a compiler, Node's headers or a CBLAS it
 * prints one line saying why it skipped, removes any stale binding, and exits 0; the
 * library then computes its products with its own WebAssembly SIMD kernels.
 * `--quiet` prints nothing on success.
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'native', 'sslmem-blas.c');
const outDir = join(root, 'native', 'build');
const target = join(outDir, 'sslmem-blas.node');
const quiet = process.argv.includes('--quiet');

function say(message) {
  process.stdout.write(`sslmem native products: ${message}\n`);
}

function skip(reason) {
  rmSync(target, { force: true });
  say(`skipped (${reason}); products run on the WebAssembly SIMD kernels`);
  process.exit(0);
}

/** Folders holding Node-API's node_api.h: node's own install, Debian's, the node-api-headers package. */
function nodeApiIncludes() {
  const candidates = [
    join(dirname(process.execPath), '..', 'include', 'node'),
    '/usr/include/node',
    '/usr/local/include/node',
  ];
  try {
    const require = createRequire(join(root, 'package.json'));
    candidates.push(join(dirname(require.resolve('node-api-headers/package.json')), 'include'));
  } catch {
    // node-api-headers is not installed: fine when node's own headers are there.
  }
  return candidates.filter((dir) => existsSync(join(dir, 'node_api.h')));
}

/** Folders that may hold cblas.h besides the compiler's defaults. */
function cblasIncludes() {
  return ['/usr/include/openblas', '/usr/include/x86_64-linux-gnu/openblas-pthread', '/usr/local/opt/openblas/include'].filter((dir) =>
    existsSync(join(dir, 'cblas.h')),
  );
}

function main() {
  if (process.env.SSLMEM_NATIVE === '0') skip('SSLMEM_NATIVE=0');
  if (process.platform !== 'linux') skip(`no build recipe for ${process.platform} yet`);
  if (!existsSync(source)) skip(`${source} is missing`);
  const nodeDirs = nodeApiIncludes();
  if (nodeDirs.length === 0) skip("Node's headers (node_api.h) were not found; install node's headers or the node-api-headers package");
  const cc = process.env.CC ?? 'cc';
  try {
    execFileSync(cc, ['--version'], { stdio: 'ignore' });
  } catch {
    skip(`no C compiler (${cc}); on Debian/Ubuntu: apt install build-essential`);
  }
  const variants = [
    { name: 'OpenBLAS', defines: ['-DSSLMEM_OPENBLAS', '-DSSLMEM_BLAS_NAME="OpenBLAS"'], libs: ['-lopenblas'] },
    { name: 'CBLAS (libcblas)', defines: ['-DSSLMEM_BLAS_NAME="CBLAS (libcblas)"'], libs: ['-lcblas'] },
    { name: 'CBLAS (libblas)', defines: ['-DSSLMEM_BLAS_NAME="CBLAS (libblas)"'], libs: ['-lblas'] },
  ];
  mkdirSync(outDir, { recursive: true });
  const errors = [];
  for (const variant of variants) {
    const temp = join(outDir, `sslmem-blas.${process.pid}.node`);
    const args = [
      '-O3', '-ffp-contract=off', '-fno-trapping-math', '-fPIC', '-shared', '-std=c11', '-Wall',
      '-DNAPI_VERSION=8',
      ...nodeDirs.slice(0, 1).map((dir) => `-I${dir}`),
      ...cblasIncludes().map((dir) => `-I${dir}`),
      ...variant.defines,
      source, '-o', temp,
      ...variant.libs,
      '-lm',
      '-ldl',
      '-pthread',
    ];
    try {
      execFileSync(cc, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      // Load it once here: a library without cblas_sgemm fails now, not in training.
      const probe = { exports: {} };
      process.dlopen(probe, temp);
      const info = probe.exports.info();
      renameSync(temp, target);
      if (!quiet) say(`built ${target.slice(root.length + 1)} with ${variant.name}${info.config ? ` (${info.config.trim()})` : ''}`);
      return;
    } catch (error) {
      rmSync(temp, { force: true });
      const text = String(error.stderr ?? error.message ?? error).trim().split('\n').find((line) => /error|cannot|undefined/i.test(line)) ?? String(error.message).split('\n')[0];
      errors.push(`${variant.name}: ${text}`);
    }
  }
  skip(`no CBLAS to link (on Debian/Ubuntu: apt install libopenblas-dev); ${errors.join('; ')}`);
}

try {
  main();
} catch (error) {
  // Whatever happens, the install goes on.
  skip(`unexpected error: ${error instanceof Error ? error.message : String(error)}`);
}
