/**
 * Decode time and cache size of an image folder: writes N generated JPEGs (default 10,000
 * of 96x96, two classes, seeded) into a fresh folder, then reads it with `loadImageFolder`
 * three times: at `--size` (decoding every file, then writing the cache), again (from the
 * cache: nothing decoded), and after one file changed (one decoded). Prints the times, the
 * cache's size and the folder's size. `--reuse` reads the folder a former run wrote (in this
 * new process nothing is known: every file is listed and hashed again, none decoded).
 *
 * Run: node --import tsx bench/image-folder-decode.ts [--n 10000] [--side 96] [--size 96] [--dir /tmp/sslmem-bench-folder] [--reuse]
 */
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { encode } from 'jpeg-js';
import { loadImageFolder } from '../src/data/image-folder/load-image-folder';
import { createRng } from '../src/util/rng';

const { values } = parseArgs({ options: { n: { type: 'string', default: '10000' }, side: { type: 'string', default: '96' }, size: { type: 'string', default: '96' }, dir: { type: 'string', default: '/tmp/sslmem-bench-folder' }, reuse: { type: 'boolean', default: false } } });
const n = Number(values.n);
const side = Number(values.side);
const size = Number(values.size);
const root = values.dir as string;
const images = join(root, 'images');
const cacheDir = join(root, 'cache');
if (!values.reuse) generate();

function generate(): void {
rmSync(root, { recursive: true, force: true });
const rng = createRng(0);
const t = Date.now();
for (let i = 0; i < n; i++) {
  const cls = i % 2 === 0 ? 'a' : 'b';
  mkdirSync(join(images, cls), { recursive: true });
  const rgba = Buffer.alloc(side * side * 4);
  const fx = 1 + rng.int(8);
  const fy = 1 + rng.int(8);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const at = (y * side + x) * 4;
      rgba[at] = (128 + 100 * Math.sin((x * fx) / 10)) | 0;
      rgba[at + 1] = (128 + 100 * Math.cos((y * fy) / 10)) | 0;
      rgba[at + 2] = rng.int(256);
      rgba[at + 3] = 255;
    }
  }
  writeFileSync(join(images, cls, `${String(i).padStart(5, '0')}.jpg`), encode({ data: rgba, width: side, height: side }, 90).data);
}
const folderBytes = ['a', 'b'].reduce((s, c) => s + readdirSync(join(images, c)).reduce((u, f) => u + statSync(join(images, c, f)).size, 0), 0);
console.log(`wrote ${n} JPEGs of ${side}x${side} (${(folderBytes / 1e6).toFixed(1)} MB) in ${((Date.now() - t) / 1000).toFixed(1)} s`);
}

const spec = { name: 'folder' as const, dir: images, size: [size, size] as [number, number] };
let t = Date.now();
const first = loadImageFolder(spec, { cacheDir });
const decodeS = (Date.now() - t) / 1000;
const cacheBytes = statSync(`${first.read.cache}.bin`).size + statSync(`${first.read.cache}.json`).size;
console.log(`${values.reuse ? 'read in a new process' : 'first read'}: ${first.read.decoded} decoded, ${first.read.fromCache} from the cache in ${decodeS.toFixed(1)} s (${((decodeS * 1000) / n).toFixed(2)} ms per image, listing and SHA-256 included); cache ${(cacheBytes / 1e6).toFixed(1)} MB`);
t = Date.now();
const second = loadImageFolder(spec, { cacheDir });
console.log(`again in the same process (files' hashes known): ${second.read.decoded} decoded, ${second.read.fromCache} from the cache in ${((Date.now() - t) / 1000).toFixed(2)} s`);
