import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { encodeImage, makeTwoClassFolder, put } from '../data/image-folder/make-image-folder';

// Your own images, end to end as a user runs them: a folder of 300 PNG and JPEG files in two
// classes (one with an atypical subset), `sslmem score --data folder:DIR --preset quick`, then
// `sslmem report`; a second run decodes nothing. Bad folders fail before any training.

const mainJs = resolve('dist/cli/main.js');

describe('sslmem score --data folder:DIR and sslmem report (dist/cli/main.js as processes)', { skip: existsSync(mainJs) ? false : 'dist/ not built (npm run build)' }, () => {
  let root: string;
  let images: string;
  let runs: string;
  const sslmem = (...args: string[]) =>
    spawnSync(process.execPath, [mainJs, ...args], { encoding: 'utf8', timeout: 600_000, cwd: root, env: { ...process.env, SSLMEM_BACKEND: 'wasm', SSLMEM_IMAGE_CACHE: '' } });

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'sslmem-own-images-'));
    images = join(root, 'images');
    runs = join(root, 'runs');
    const made = makeTwoClassFolder(images, { perClass: 150, atypical: 30 });
    assert.equal(made.files.length, 300);
    assert.equal(made.files.filter((f) => f.endsWith('.jpg')).length, 150);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test('score decodes every image once, the report lists the images, a second run decodes nothing', () => {
    const first = sslmem('score', '--data', `folder:${images}`, '--preset', 'quick', '--runs', runs, '--out', join(root, 'out'), '--workers', '1');
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stderr, /images: \S+images, 2 classes \(blobs, stripes\), 240 train \+ 60 test \(held out\), 32x32x3; 300 decoded, 0 from the cache \S+runs-image-cache/);
    assert.match(first.stdout, /SSLMem of "quick" on folder/);
    const cache = first.stderr.match(/from the cache (\S+)/)?.[1] as string;
    const cacheTime = statSync(`${cache}.bin`).mtimeMs;

    const report = sslmem('report', '--run', join(root, 'out'), '--top', '20');
    assert.equal(report.status, 0, report.stderr);
    const html = readFileSync(join(root, 'out', 'report.html'), 'utf8');
    assert.doesNotMatch(html, /(src|href)="https?:/, 'no network');
    const scores = readFileSync(join(root, 'out', 'scores.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    const candidates = scores.filter((c) => c[1] === 'S_C');
    assert.ok(candidates.length >= 40);
    const files = [...html.matchAll(/<td>((?:blobs|stripes)\/\d{4}\.(?:png|jpg))<\/td><\/tr>/g)].map((m) => m[1]);
    assert.equal(files.length, 40, 'the 20 most and 20 least memorized of S_C, each with its file');
    assert.equal((html.match(/<img src="data:image\/png;base64,/g) ?? []).length, 40);
    const best = candidates.sort((a, b) => Number(b[7]) - Number(a[7]) || Number(a[0]) - Number(b[0]))[0];
    assert.match(html, new RegExp(`<td data-value="${best[0]}">${best[0]}</td><td>S_C</td>`), 'the highest score of S_C comes first');

    const second = sslmem('score', '--set', 'dataset.name=folder', '--set', `dataset.dir=${images}`, '--preset', 'quick', '--runs', runs, '--out', join(root, 'out2'), '--workers', '1');
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stderr, /0 decoded, 300 from the cache/);
    assert.match(second.stderr, /all 2 encoders reused|scores reused/);
    assert.equal(statSync(`${cache}.bin`).mtimeMs, cacheTime, 'the cache is not written again');
    assert.equal(readFileSync(join(root, 'out2', 'scores.csv'), 'utf8'), readFileSync(join(root, 'out', 'scores.csv'), 'utf8'));
  });

  test('a bad file fails the command before any training, naming the file', () => {
    const bad = join(root, 'bad');
    makeTwoClassFolder(bad, { perClass: 10 });
    const empty = put(bad, 'stripes/zero.png', '');
    const run = sslmem('score', '--data', `folder:${bad}`, '--preset', 'quick', '--runs', runs, '--out', join(root, 'bad-out'));
    assert.equal(run.status, 1);
    assert.ok(run.stderr.includes(`sslmem score: error: ${empty}: expected a PNG or JPEG image, found an empty file (0 bytes)`), run.stderr);
    assert.doesNotMatch(run.stderr, /training|epoch/);
  });

  test('a flat folder scores, but a command that needs labels says so', () => {
    const flat = join(root, 'flat');
    for (let i = 0; i < 20; i++) put(flat, `${i}.png`, encodeImage('png', 8, 8, (x, y) => [x * i, y * 9, 50]));
    const probe = sslmem('probe', '--data', `folder:${flat}`, '--preset', 'quick', '--runs', runs, '--out', join(root, 'flat-out'));
    assert.equal(probe.status, 1);
    assert.match(probe.stderr, /sslmem probe needs labels/);
    const small = sslmem('score', '--data', `folder:${join(flat, 'nope')}`, '--out', join(root, 'x'));
    assert.match(small.stderr, /which does not exist/);
  });
});
