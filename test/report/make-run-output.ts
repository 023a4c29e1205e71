import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { folderPreset } from '../../src/design/folder-preset';
import { createRng } from '../../src/util/rng';
import { loadImageFolder } from '../../src/data/image-folder/load-image-folder';
import { makeTwoClassFolder } from '../data/image-folder/make-image-folder';

/**
 * Test helper: an image folder of two classes and a run output folder as `sslmem score`
 * writes it (config.json, scores.csv with seeded scores, summary.json), without training.
 */
export function makeRunOutput(root: string, options: { perClass?: number } = {}): { images: string; out: string; sc: number } {
  const images = join(root, 'images');
  makeTwoClassFolder(images, { perClass: options.perClass ?? 30, atypical: 4 });
  const config = folderPreset('quick', { name: 'folder', dir: images, size: [16, 16] });
  const pair = loadImageFolder({ name: 'folder', dir: images, size: [16, 16] }, { cacheDir: join(root, 'cache') });
  const rng = createRng(3);
  const lines = ['id,set,label,align_f,align_g,score_raw,score_range,score_ratio'];
  const nTrain = pair.train.labels.length;
  let sc = 0;
  for (let id = 0; id < nTrain; id++) {
    const set = id % 3 === 0 ? 'S_C' : id % 3 === 1 ? 'S_S' : 'S_I';
    if (set === 'S_C') sc++;
    const s = rng.normal() * 0.05 + (set === 'S_C' ? 0.02 : 0);
    lines.push(`${id},${set},${pair.train.labels[id]},0.5,${0.5 + s},${s},${s * 4},${s / 1.1}`);
  }
  for (let id = 0; id < pair.test.labels.length; id++) lines.push(`${id},S_E,${pair.test.labels[id]},0.5,0.5,0,0,0`);
  const out = join(root, 'out');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'config.json'), JSON.stringify(config, null, 2));
  writeFileSync(join(out, 'scores.csv'), `${lines.join('\n')}\n`);
  writeFileSync(join(out, 'summary.json'), JSON.stringify({ printed: 'score_ratio', score_ratio: { statistics: [{ set: 'S_C', n: sc, mean: 0.02, std: 0.05, median: 0.02, max: 0.1 }], tests: [] } }));
  return { images, out, sc };
}
