import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createRng } from '../../src/util/rng';
import * as A from '../../src/augment';
async function main() {
  await tf.setBackend('cpu');
  const rng = createRng(1);
  const cf = tf.randomUniform([256, 32, 32, 3], 0, 1, 'float32', 4) as tf.Tensor4D;
  const which = process.argv[2];
  const aug = which === 'blur' ? A.gaussianBlur({ p: 1 }) : which === 'hue0' ? A.colorJitter({ p: 1, hue: 0 }) : A.colorJitter({ p: 1 });
  for (let r = 0; r < 30; r++) {
    const c0 = process.cpuUsage();
    aug(cf, rng).dispose();
    const c = process.cpuUsage(c0);
    if (r % 10 === 9) console.log(which, ((c.user + c.system) / 1000).toFixed(1));
  }
}
main();
