#!/usr/bin/env node
/**
 * Checks the native binding's `exp` against the WebAssembly backend's shipped `Exp` kernel on
 * every float32 bit pattern (2^32 values, NaNs and infinities included; about two minutes on
 * one core): the library runs exponentials in the binding only because they are the shipped
 * kernel's bits. Prints how many differ (the first ten, in hex) and exits 1 if any do.
 *
 *   node scripts/check-exp-bits.mjs [--chunks FROM:TO]   (chunks of 2^24 patterns, 0:256 = all)
 *
 * Needs the built library (`npm run build`) and the binding (`npm run build:native`).
 */
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const tf = require('@tensorflow/tfjs-core');
require('@tensorflow/tfjs-backend-wasm');
const { nativeBlas, nativeBlasUnavailableReason } = require('../dist/backend/native/native-blas.js');

const { values } = parseArgs({ options: { chunks: { type: 'string', default: '0:256' } } });
const match = /^(\d+):(\d+)$/.exec(values.chunks);
const [from, to] = match === null ? [NaN, NaN] : [Number(match[1]), Number(match[2])];
if (!(from >= 0 && to <= 256 && from < to)) {
  console.error(`check-exp-bits: --chunks: expected FROM:TO with 0 <= FROM < TO <= 256, found ${JSON.stringify(values.chunks)}`);
  process.exit(2);
}
const blas = nativeBlas();
if (blas?.exp === undefined) {
  console.error(`check-exp-bits: the native binding has no exp (${nativeBlasUnavailableReason() ?? 'built before it'}); run npm run build:native`);
  process.exit(2);
}
// tfjs-core and the wasm backend alone: Exp is the shipped kernel here.
await tf.setBackend('wasm');

const chunk = 1 << 24;
const patterns = new Uint32Array(2 * chunk);
const floats = new Float32Array(patterns.buffer);
let differ = 0;
const started = performance.now();
for (let c = from; c < to; c++) {
  for (let i = 0; i < chunk; i++) patterns[i] = (c * chunk + i) >>> 0;
  const x = tf.tensor1d(floats.subarray(0, chunk));
  const y = tf.exp(x);
  const shipped = new Uint32Array(y.dataSync().buffer.slice(0));
  tf.dispose([x, y]);
  blas.exp(floats, chunk, 0, chunk);
  for (let i = 0; i < chunk; i++) {
    if (patterns[chunk + i] === shipped[i]) continue;
    if (differ < 10) console.log(`exp of 0x${patterns[i].toString(16).padStart(8, '0')}: shipped 0x${shipped[i].toString(16).padStart(8, '0')}, binding 0x${patterns[chunk + i].toString(16).padStart(8, '0')}`);
    differ++;
  }
  const done = c - from + 1;
  const elapsed = (performance.now() - started) / 1000;
  process.stderr.write(`\rchunk ${done}/${to - from}, ${differ} differ, ${elapsed.toFixed(0)} s, about ${((elapsed / done) * (to - from - done)).toFixed(0)} s left   `);
}
process.stderr.write('\n');
console.log(`${(to - from) * chunk} float32 patterns (chunks ${from}:${to}): ${differ} differ between the binding's exp and the shipped Exp kernel`);
process.exit(differ === 0 ? 0 : 1);
