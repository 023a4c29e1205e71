import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { InputError } from '../../util/errors';
import { createRng } from '../../util/rng';
import { defaultImageFolderOptions, imageExtensions, testFolderName, type ImageFolderSpec } from './image-folder-spec';
import { readImageHeader, type ImageHeader } from './image-header';

/** One image file of a folder: where it is, its class, its size and SHA-256, its header. */
export interface FolderImage {
  /** Path relative to the folder, with `/` (e.g. `cat/001.png`, `test/cat/004.jpg`). */
  readonly file: string;
  /** Absolute path (symbolic links inside the folder not followed). */
  readonly path: string;
  /** Class index (0 in a flat folder). */
  readonly label: number;
  readonly bytes: number;
  readonly sha256: string;
  readonly header: ImageHeader;
}

/** What `scanImageFolder` found: the files of each split, their classes and the skipped files. */
export interface ImageFolderListing {
  /** The folder, resolved. */
  readonly dir: string;
  /** Class names (the sorted subfolder names), or undefined for a flat (unlabelled) folder. */
  readonly classNames: readonly string[] | undefined;
  readonly train: readonly FolderImage[];
  readonly test: readonly FolderImage[];
  /** `folder`: the test split is `test/`; `held-out`: a seeded share of each class. */
  readonly testFrom: 'folder' | 'held-out';
  /** Files not read: hidden ones (`.name`) and those not named `.png`, `.jpg` or `.jpeg`. */
  readonly skipped: readonly string[];
  /** The channels the images get: the spec's, else the files' own. */
  readonly channels: 1 | 3;
  readonly size: readonly [number, number];
  /** SHA-256 over the classes and every file's name, size and SHA-256 per split: any change to the folder changes it. */
  readonly digest: string;
}

interface FileFacts {
  readonly stamp: string;
  readonly bytes: number;
  readonly sha256: string;
  readonly header: ImageHeader;
}

/** Read files by path, with the size and times they had then: an unchanged file is not read twice in a process. */
const fileFacts = new Map<string, FileFacts>();

/**
 * Lists an image folder (see `ImageFolderSpec`) and reads every image's header and SHA-256,
 * without decoding: classes, the files of the train and test splits, the files skipped.
 * Every bad input is an `InputError` naming the file or folder, before anything is decoded:
 * a missing folder, class subfolders beside loose images, an empty class folder, a symbolic
 * link that leaves the folder (or resolves nowhere), a 0-byte file, a file named like an
 * image that is not a PNG or JPEG, an image over `maxPixels`, test classes that the train
 * split lacks, grey and colour images mixed while `channels` is not set. Files already read
 * in this process are read again only when their size or times changed.
 */
export function scanImageFolder(spec: ImageFolderSpec, options: { maxPixels?: number } = {}): ImageFolderListing {
  const where = 'dataset.dir';
  if (typeof spec.dir !== 'string' || spec.dir.length === 0) throw new InputError(where, 'the image folder (a path)', JSON.stringify(spec.dir));
  const dir = resolve(spec.dir);
  let real: string;
  try {
    real = realpathSync(dir);
    if (!statSync(real).isDirectory()) throw new InputError(where, 'a folder of PNG or JPEG images', `${JSON.stringify(spec.dir)}, a file`);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(where, 'a folder of PNG or JPEG images', `${JSON.stringify(spec.dir)}, which does not exist`);
  }
  const maxPixels = options.maxPixels ?? defaultImageFolderOptions.maxPixels;
  const skipped: string[] = [];
  const walker: Walker = { dir, real, maxPixels, skipped };

  const top = entries(walker, dir);
  const hasTest = top.dirs.includes(testFolderName);
  const classDirs = top.dirs.filter((d) => d !== testFolderName);
  const labelled = classDirs.length > 0;
  if (labelled && top.images.length > 0) {
    throw new InputError(display(walker, top.images[0]), 'class subfolders only, or images only (a flat folder)', `an image beside the class folders ${classDirs.slice(0, 3).join(', ')}${classDirs.length > 3 ? ', ...' : ''}`);
  }
  const classNames = labelled ? classDirs : undefined;
  const train = labelled ? classDirs.flatMap((name, label) => classImages(walker, join(dir, name), label)) : top.images.map((p) => image(walker, p, 0));
  if (train.length === 0) throw new InputError(spec.dir, 'a folder with PNG or JPEG images (in class subfolders, or directly in it)', skipped.length > 0 ? `none, only ${skipped.length} other file(s) such as ${skipped[0]}` : 'an empty folder');

  let test: FolderImage[];
  let kept: FolderImage[] = train;
  if (hasTest) {
    const testTop = entries(walker, join(dir, testFolderName));
    if (labelled) {
      if (testTop.images.length > 0) throw new InputError(display(walker, testTop.images[0]), `class subfolders in ${testFolderName}/, as in the folder itself`, 'a loose image');
      const unknown = testTop.dirs.find((d) => !classDirs.includes(d));
      if (unknown !== undefined) throw new InputError(display(walker, join(dir, testFolderName, unknown)), `a class of the train split (${classDirs.join(', ')})`, `a class folder "${unknown}" the train split lacks`);
      test = testTop.dirs.flatMap((name) => classImages(walker, join(dir, testFolderName, name), classDirs.indexOf(name)));
    } else {
      if (testTop.dirs.length > 0) throw new InputError(display(walker, join(dir, testFolderName, testTop.dirs[0])), `images directly in ${testFolderName}/ (the folder itself is flat)`, 'a subfolder');
      test = testTop.images.map((p) => image(walker, p, 0));
    }
    if (test.length === 0) throw new InputError(display(walker, join(dir, testFolderName)), 'a test folder with PNG or JPEG images (or no test folder: a share is held out)', 'no images');
  } else {
    const share = spec.heldOut ?? defaultImageFolderOptions.heldOut;
    const held = heldOutIds(train, share);
    test = train.filter((_, i) => held.has(i));
    kept = train.filter((_, i) => !held.has(i));
  }

  const channels = spec.channels ?? commonChannels(spec.dir, [...train, ...test]);
  const size = spec.size ?? defaultImageFolderOptions.size;
  const digest = createHash('sha256')
    .update(JSON.stringify({ classNames: classNames ?? null, train: kept.map(row), test: test.map(row) }))
    .digest('hex');
  return { dir, classNames, train: kept, test, testFrom: hasTest ? 'folder' : 'held-out', skipped, channels, size, digest };
}

function row(f: FolderImage): [string, number, number, string] {
  return [f.file, f.label, f.bytes, f.sha256];
}

interface Walker {
  readonly dir: string;
  readonly real: string;
  readonly maxPixels: number;
  readonly skipped: string[];
}

function display(w: Walker, path: string): string {
  return join(w.dir, relative(w.dir, path));
}

/** The images and subfolders of `folder` (sorted), symbolic links checked; other files go to `skipped`. */
function entries(w: Walker, folder: string): { images: string[]; dirs: string[] } {
  const images: string[] = [];
  const dirs: string[] = [];
  for (const name of readdirSync(folder).sort()) {
    const path = join(folder, name);
    const rel = relative(w.dir, path).split(sep).join('/');
    if (name.startsWith('.')) {
      w.skipped.push(rel);
      continue;
    }
    let stats = lstatSync(path);
    if (stats.isSymbolicLink()) {
      let target: string;
      try {
        target = realpathSync(path);
      } catch (error) {
        throw new InputError(path, 'a symbolic link to a file or folder inside the image folder', `a link that resolves nowhere (${(error as NodeJS.ErrnoException).code})`);
      }
      const r = relative(w.real, target);
      if (r === '' || r === '..' || r.startsWith(`..${sep}`) || isAbsolute(r)) {
        throw new InputError(path, `a file or folder inside the image folder ${w.dir} (symbolic links may not leave it)`, `a link to ${target}`);
      }
      stats = statSync(target);
    }
    if (stats.isDirectory()) dirs.push(name);
    else if (stats.isFile() && Object.hasOwn(imageExtensions, extname(name).toLowerCase())) images.push(path);
    else w.skipped.push(rel);
  }
  return { images, dirs };
}

/** The images of one class folder and its subfolders; an error when it has none. */
function classImages(w: Walker, folder: string, label: number): FolderImage[] {
  const found: FolderImage[] = [];
  const visit = (at: string): void => {
    const { images, dirs } = entries(w, at);
    for (const p of images) found.push(image(w, p, label));
    for (const d of dirs) visit(join(at, d));
  };
  visit(folder);
  if (found.length === 0) throw new InputError(display(w, folder), 'a class folder with at least one PNG or JPEG image', 'an empty class folder');
  return found;
}

function image(w: Walker, path: string, label: number): FolderImage {
  const stats = statSync(path);
  const stamp = `${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}:${stats.ino}`;
  let facts = fileFacts.get(path);
  if (facts === undefined || facts.stamp !== stamp) {
    if (stats.size === 0) throw new InputError(path, 'a PNG or JPEG image', 'an empty file (0 bytes)');
    const bytes = readFileSync(path);
    const header = readImageHeader(bytes, path);
    facts = { stamp, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), header };
    fileFacts.set(path, facts);
  }
  const { header } = facts;
  if (header.width * header.height > w.maxPixels) {
    throw new InputError(path, `an image of at most ${w.maxPixels} pixels`, `${header.width}x${header.height} (${header.width * header.height} pixels); shrink it first`);
  }
  return { file: relative(w.dir, path).split(sep).join('/'), path, label, bytes: facts.bytes, sha256: facts.sha256, header };
}

/** Ids (into `images`) of the seeded held-out share of each class: `floor(share * n_k)` of class k (seed 0). */
function heldOutIds(images: readonly FolderImage[], share: number): Set<number> {
  const rng = createRng(0).fork('held-out');
  const byClass = new Map<number, number[]>();
  images.forEach((f, i) => {
    const list = byClass.get(f.label);
    if (list === undefined) byClass.set(f.label, [i]);
    else list.push(i);
  });
  const held = new Set<number>();
  for (const label of [...byClass.keys()].sort((a, b) => a - b)) {
    const members = byClass.get(label) as number[];
    const order = rng.fork(label).permutation(members.length);
    const take = Math.floor(share * members.length + 1e-9);
    for (let j = 0; j < take; j++) held.add(members[order[j]]);
  }
  return held;
}

function commonChannels(dir: string, images: readonly FolderImage[]): 1 | 3 {
  const grey = images.find((f) => f.header.channels === 1);
  const colour = images.find((f) => f.header.channels === 3);
  if (grey !== undefined && colour !== undefined) {
    const nGrey = images.filter((f) => f.header.channels === 1).length;
    throw new InputError(
      dir,
      'images of one kind, all grey or all colour (or dataset.channels set to 1 or 3, which converts them)',
      `${nGrey} grey image(s) such as ${grey.file} and ${images.length - nGrey} colour image(s) such as ${colour.file}`,
    );
  }
  return grey !== undefined ? 1 : 3;
}
