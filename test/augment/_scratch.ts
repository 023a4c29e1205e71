import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { createRng } from '../../src/util/rng';
import * as A from '../../src/augment';

function time(label: string, f: () => tf.Tensor | tf.Tensor[], reps = 15) {
  const ts: number[] = [];
  const cs: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const out = f();
    (Array.isArray(out) ? out : [out]).forEach((o) => o.dataSync());
    const c1 = process.cpuUsage(c0);
    ts.push(performance.now() - t0);
    cs.push((c1.user + c1.system) / 1000);
    tf.dispose(out);
  }
  ts.sort((a, b) => a - b);
  cs.sort((a, b) => a - b);
  console.log(`${tf.getBackend()} ${label}: wall min ${ts[0].toFixed(1)} median ${ts[Math.floor(reps / 2)].toFixed(1)} ms; cpu-time median ${cs[Math.floor(reps / 2)].toFixed(1)} ms`);
}

async function main() {
  for (const be of process.argv.slice(2)) {
    await tf.setBackend(be); await tf.ready();
    const rng = createRng(1);
    const mn = tf.randomUniform([256, 28, 28, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
    const cf = tf.randomUniform([256, 32, 32, 3], 0, 1, 'float32', 4) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const digits = A.digitAugmentation();
    const natural = A.naturalImageAugmentation();
    time('digits 256x28x28x1', () => digits(mn, rng));
    time('digits 2 views', () => A.multiView(digits, mn, 2, rng));
    time('  affine only', () => A.randomAffine()(mn, rng));
    time('  noise only', () => A.gaussianNoise()(mn, rng));
    time('natural 256x32x32x3', () => natural(cf, rng));
    time('natural 2 views', () => A.multiView(natural, cf, 2, rng));
    time('  crop', () => A.randomResizedCrop()(cf, rng));
    time('  flip', () => A.horizontalFlip()(cf, rng));
    time('  jitter p0.8', () => A.colorJitter()(cf, rng));
    time('  gray', () => A.randomGrayscale()(cf, rng));
    time('blur k3 p1', () => A.gaussianBlur({ p: 1 })(cf, rng));
    time('erasing p.5', () => A.randomErasing()(cf, rng));
    time('clone', () => A.identity(cf, rng));
    console.log('leak', tf.memory().numTensors - before);
  }
}
main();
