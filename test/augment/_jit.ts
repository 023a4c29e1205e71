import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createRng } from '../../src/util/rng';
import * as A from '../../src/augment';
async function main() {
  await tf.setBackend('cpu');
  const rng = createRng(1);
  const cf = tf.randomUniform([256, 32, 32, 3], 0, 1, 'float32', 4) as tf.Tensor4D;
  const cases: [string, A.Augmentation][] = [['jitter', A.colorJitter({ p: 1 })], ['jitter hue0', A.colorJitter({ p: 1, hue: 0 })], ['blur', A.gaussianBlur({ p: 1 })], ['noise', A.gaussianNoise()], ['flip', A.horizontalFlip()], ['clone', A.identity]];
  for (const [name, aug] of cases) {
    const ts: number[] = [];
    for (let r = 0; r < 20; r++) { const t0 = performance.now(); const o = aug(cf, rng); ts.push(performance.now() - t0); o.dispose(); }
    ts.sort((a, b) => a - b);
    console.log(name, 'min', ts[0].toFixed(1), 'median', ts[10].toFixed(1));
  }
  const arr = new Float32Array(786432); const t0 = performance.now(); const r2 = createRng(3); for (let i = 0; i < arr.length; i++) arr[i] = r2.normal(); console.log('normals', (performance.now() - t0).toFixed(1));
}
main();
