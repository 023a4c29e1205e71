/**
 * Times SimCLR-style training steps (batch 128 x 2 views, InfoNCE, Adam) of the issue-2
 * MLP and CNN on the current machine, for the wasm backend with and without the training
 * kernels, side by side (the CNN cannot train on the shipped kernels: no Conv2DBackpropFilter).
 * Usage: npx tsx bench/kernels/train-step.ts [mlp|cnn|all] [steps] [--profile] [--threads=N] [--no-shipped]
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, registerWasmTrainingKernels, unregisterWasmTrainingKernels } from '../../src/backend';
import { formatProfile, profileKernels } from './profile-kernels';

type Model = { vars: tf.Variable[]; apply: (x: tf.Tensor) => tf.Tensor };

function dense(name: string, i: number, o: number, seed: number): tf.Variable[] {
  return [
    tf.variable(tf.randomNormal([i, o], 0, Math.sqrt(2 / i), 'float32', seed), true, `${name}/w`),
    tf.variable(tf.zeros([o]), true, `${name}/b`),
  ];
}

function batchNorm(x: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const axes = x.shape.map((_, i) => i).slice(0, -1);
  const { mean, variance } = tf.moments(x, axes, true);
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5))), g), b);
}

function mlp(): Model {
  const vars = [...dense('d1', 784, 512, 1), ...dense('d2', 512, 512, 2), ...dense('d3', 512, 128, 3)];
  return {
    vars,
    apply: (x) => {
      let h = tf.reshape(x, [x.shape[0], 784]);
      h = tf.relu(tf.add(tf.matMul(h, vars[0]), vars[1]));
      h = tf.relu(tf.add(tf.matMul(h, vars[2]), vars[3]));
      return tf.add(tf.matMul(h, vars[4]), vars[5]);
    },
  };
}

function cnn(): Model {
  const conv = (name: string, i: number, o: number, seed: number) => [
    tf.variable(tf.randomNormal([3, 3, i, o], 0, Math.sqrt(2 / (9 * i)), 'float32', seed), true, `${name}/k`),
    tf.variable(tf.ones([o]), true, `${name}/g`),
    tf.variable(tf.zeros([o]), true, `${name}/b`),
  ];
  const vars = [...conv('c1', 3, 32, 1), ...conv('c2', 32, 64, 2), ...conv('c3', 64, 128, 3), ...dense('fc', 128, 128, 4)];
  return {
    vars,
    apply: (x) => {
      let h = x as tf.Tensor4D;
      for (let l = 0; l < 3; l++) {
        const [k, g, b] = vars.slice(3 * l, 3 * l + 3);
        h = tf.relu(batchNorm(tf.conv2d(h, k as tf.Tensor4D, 1, 'same'), g, b)) as tf.Tensor4D;
        if (l < 2) h = tf.maxPool(h, 2, 2, 'valid');
      }
      return tf.add(tf.matMul(tf.mean(h, [1, 2]), vars[9]), vars[10]);
    },
  };
}

function infoNce(z: tf.Tensor, temperature = 0.5): tf.Tensor {
  const n = z.shape[0] / 2;
  const zn = tf.div(z, tf.norm(z, 'euclidean', -1, true));
  const sim = tf.sub(tf.div(tf.matMul(zn, zn, false, true), temperature), tf.mul(tf.eye(2 * n), 1e9));
  const targets = tf.concat([tf.range(n, 2 * n, 1, 'int32'), tf.range(0, n, 1, 'int32')]);
  return tf.losses.softmaxCrossEntropy(tf.oneHot(targets, 2 * n, 1, 0, 'float32'), sim);
}

async function timeSteps(label: string, model: Model, shape: number[], steps: number, profile: boolean): Promise<number> {
  const opt = tf.train.adam(1e-3);
  const x = tf.randomNormal(shape, 0, 1, 'float32', 9);
  const step = () =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => infoNce(model.apply(x)) as tf.Scalar, model.vars);
      opt.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
      return value;
    });
  tf.dispose(step()); // warm-up (operator creation, memory growth)
  if (profile) {
    console.log(`  ${label}: ${formatProfile(profileKernels(() => tf.dispose(step())))}`);
  }
  let ms = Infinity;
  let cpu = Infinity;
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    tf.dispose(step());
    const c = process.cpuUsage(c0);
    ms = Math.min(ms, performance.now() - t0);
    cpu = Math.min(cpu, (c.user + c.system) / 1000);
  }
  console.log(`  ${label}: best of ${steps}: ${ms.toFixed(1)} ms wall, ${cpu.toFixed(1)} ms cpu`);
  tf.dispose([x, ...model.vars]);
  opt.dispose();
  return ms;
}

async function main(): Promise<void> {
  const which = process.argv[2] ?? 'all';
  const steps = Number(process.argv[3] ?? 5);
  const profile = process.argv.includes('--profile');
  const threadsArg = process.argv.find((a) => a.startsWith('--threads='));
  const info = await initBackend({ backend: 'wasm', threads: threadsArg ? Number(threadsArg.slice(10)) : 1 });
  console.log(`backend ${info.name}, ${info.threads} thread(s); ${steps} steps each, batch 128 x 2 views`);
  const runs: [string, () => Model, number[]][] = [];
  if (which === 'all' || which === 'mlp') runs.push(['MLP 784-512-512-128', mlp, [256, 28, 28, 1]]);
  if (which === 'all' || which === 'cnn') runs.push(['CNN 32-64-128 on 32x32x3', cnn, [256, 32, 32, 3]]);
  for (const [label, make, shape] of runs) {
    registerWasmTrainingKernels();
    const ours = await timeSteps(`${label} training kernels`, make(), shape, steps, profile);
    console.log(`${label}: wasm + training kernels ${ours.toFixed(1)} ms/step`);
    if (label.startsWith('MLP') && !process.argv.includes('--no-shipped')) {
      unregisterWasmTrainingKernels();
      const shipped = await timeSteps(`${label} shipped`, make(), shape, Math.max(1, Math.floor(steps / 3)), profile);
      console.log(`${label}: wasm shipped kernels ${shipped.toFixed(1)} ms/step`);
      registerWasmTrainingKernels();
    }
  }
}

void main();
