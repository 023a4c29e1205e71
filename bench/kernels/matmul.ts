/**
 * Our SIMD matrix product against the XNNPACK paths, side by side in one run, on the
 * products of the MLP benchmark step (each call with a fresh second operand, as in
 * training, where every weight is a new tensor after each update).
 *
 * Run: node --import tsx bench/kernels/matmul.ts [rounds] [--threads=N]
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, describeBackend } from '../../src/backend';
import { useSimdGemm } from '../../src/backend/wasm-kernels/mat-mul';

const shapes: [m: number, k: number, n: number, transposeA: boolean, transposeB: boolean, label: string][] = [
  [256, 784, 512, false, false, 'layer 1 forward'],
  [784, 256, 512, true, false, 'layer 1 weight gradient'],
  [256, 512, 512, false, true, 'layer 2 input gradient'],
  [256, 512, 128, false, false, 'layer 3 forward'],
];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

async function main(): Promise<void> {
  const rounds = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 5);
  const threads = Number(process.argv.find((a) => a.startsWith('--threads='))?.split('=')[1] ?? 1);
  console.log(describeBackend(await initBackend({ backend: 'wasm', threads })));
  for (const [m, k, n, ta, tb, label] of shapes) {
    const a = tf.randomNormal(ta ? [k, m] : [m, k]);
    const b = tf.randomNormal(tb ? [n, k] : [k, n]);
    const times: Record<'ours' | 'xnnpack', number[]> = { ours: [], xnnpack: [] };
    const once = (): number => {
      const fresh = tf.add(b, 0); // a new tensor, like a weight after an update
      fresh.dataSync();
      const t0 = performance.now();
      const c = tf.matMul(a, fresh, ta, tb);
      c.dataSync();
      const ms = performance.now() - t0;
      tf.dispose([fresh, c]);
      return ms;
    };
    for (let r = 0; r < rounds; r++) {
      for (const which of ['ours', 'xnnpack'] as const) {
        useSimdGemm(which === 'ours');
        once();
        const runs = Array.from({ length: 5 }, once);
        times[which].push(median(runs));
      }
    }
    useSimdGemm(true);
    const flop = 2 * m * k * n;
    const ours = median(times.ours);
    const xnn = median(times.xnnpack);
    console.log(
      `${label.padEnd(24)} ${m}x${k}x${n}${ta ? ' (A transposed)' : ''}${tb ? ' (B transposed)' : ''}: ` +
        `ours ${ours.toFixed(2)} ms (${(flop / ours / 1e6).toFixed(1)} GFLOP/s), ` +
        `XNNPACK ${xnn.toFixed(2)} ms (${(flop / xnn / 1e6).toFixed(1)} GFLOP/s), ratio ${(ours / xnn).toFixed(2)}`,
    );
    tf.dispose([a, b]);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
