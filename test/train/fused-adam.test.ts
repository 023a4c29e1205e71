import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { adam, adamw } from '../../src/train/adam';
import { fusedAdam, fusedAdamKernelName, fusedAdamKernels, hasFusedAdam, registerFusedAdam, type FusedAdamAttrs } from '../../src/train/fused-adam';
import { createRng } from '../../src/util/rng';

after(async () => {
  await tf.setBackend('cpu');
});

const rng = createRng(5);
const values = (n: number, lo: number, hi: number): Float32Array => Float32Array.from({ length: n }, () => rng.uniform(lo, hi));

/** One fused update against the same update in float64; tolerances follow float32 rounding of each term. */
function checkAgainstFloat64(n: number, attrs: FusedAdamAttrs): void {
  const [p, g, m] = [values(n, -1, 1), values(n, -1, 1), values(n, -0.1, 0.1)];
  const v = values(n, 0, 0.01);
  const [np, nm, nv] = tf.tidy(() => fusedAdam(tf.tensor1d(p), tf.tensor1d(g), tf.tensor1d(m), tf.tensor1d(v), attrs).map((t) => t.dataSync()));
  const { lr, beta1, beta2, epsilon, step, weightDecay, decoupled } = attrs;
  for (let i = 0; i < n; i++) {
    const grad = g[i] + (decoupled ? 0 : weightDecay * p[i]);
    const mi = beta1 * m[i] + (1 - beta1) * grad;
    const vi = beta2 * v[i] + (1 - beta2) * grad * grad;
    const pi = p[i] * (decoupled ? 1 - lr * weightDecay : 1) - (lr * (mi / (1 - beta1 ** step))) / (Math.sqrt(vi / (1 - beta2 ** step)) + epsilon);
    const where = `n=${n} [${i}] (${decoupled ? 'decoupled' : 'L2'})`;
    assert.ok(Math.abs(nm[i] - mi) <= 1e-6 * (Math.abs(beta1 * m[i]) + Math.abs((1 - beta1) * grad)) + 1e-12, `m ${where}: ${nm[i]} vs ${mi}`);
    assert.ok(Math.abs(nv[i] - vi) <= 1e-6 * vi + 1e-12, `v ${where}: ${nv[i]} vs ${vi}`);
    assert.ok(Math.abs(np[i] - pi) <= 1e-6 * (Math.abs(p[i]) + lr) + 1e-9, `param ${where}: ${np[i]} vs ${pi}`);
  }
}

for (const backend of ['cpu', 'wasm']) {
  describe(`fused Adam kernel on ${backend}`, () => {
    test('is registered and matches the update computed in float64 (sizes cover the SIMD tail)', async () => {
      await initBackend({ backend: backend as 'cpu' | 'wasm' });
      assert.equal(hasFusedAdam(), true);
      for (const n of [1, 7, 4099]) {
        for (const decoupled of [false, true]) {
          checkAgainstFloat64(n, { lr: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, step: 3, weightDecay: 0.1, decoupled });
        }
      }
    });

    test('Adam and AdamW through the kernel follow the op-by-op rule over several steps, without leaks', async () => {
      await initBackend({ backend: backend as 'cpu' | 'wasm' });
      const start = values(37 * 5, -1, 1);
      const trajectory = (make: () => ReturnType<typeof adam>): Float32Array[] => {
        const v = tf.variable(tf.tensor2d(start, [37, 5]), true, `fused_adam_test/${backend}`);
        const optimizer = make();
        const out: Float32Array[] = [];
        const live = tf.memory().numTensors;
        for (let s = 0; s < 4; s++) {
          const g = tf.tidy(() => tf.sin(tf.mul(v, s + 1)));
          optimizer.apply({ [v.name]: g }, [v], 0.01);
          g.dispose();
          out.push(Float32Array.from(v.dataSync()));
          if (s > 0) assert.equal(tf.memory().numTensors, live + 2, 'tensors per step stay flat (two slots)');
        }
        optimizer.dispose();
        v.dispose();
        return out;
      };
      for (const make of [() => adam({ weightDecay: 0.05 }), () => adamw({ weightDecay: 0.05 })]) {
        const fused = trajectory(make);
        const config = fusedAdamKernels.find((k) => k.backendName === backend)!;
        tf.unregisterKernel(fusedAdamKernelName, backend);
        try {
          assert.equal(hasFusedAdam(), false);
          const byOps = trajectory(make);
          fused.forEach((row, s) =>
            row.forEach((x, i) => assert.ok(Math.abs(x - byOps[s][i]) <= 2e-6 * Math.max(1, Math.abs(x)), `step ${s + 1} [${i}]: ${x} vs ${byOps[s][i]}`)),
          );
        } finally {
          tf.registerKernel(config);
        }
      }
      registerFusedAdam();
      assert.equal(hasFusedAdam(), true);
    });
  });
}
