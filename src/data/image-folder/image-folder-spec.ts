/**
 * A folder of PNG and JPEG files as a dataset, as an experiment config names it:
 * `{ name: 'folder', dir, size: [H, W], channels: 1 | 3 }`. The layout follows the
 * ImageFolder convention: one subfolder per class (`dir/cat/001.png`, labels by the sorted
 * folder names) or the images directly in `dir` (unlabelled). An optional `dir/test/` (same
 * layout) is the held-out split; without it a seeded `heldOut` share of each class is.
 */
export interface ImageFolderSpec {
  readonly name: 'folder';
  /** The folder. */
  readonly dir: string;
  /** `[height, width]` every image is cropped and resized to (default `[32, 32]`; see `fitImage`). */
  readonly size?: readonly [number, number];
  /** 1 (grey) or 3 (RGB); default: the files' own (an error when they mix grey and colour). */
  readonly channels?: 1 | 3;
  /** Share of each class held out as the test split when there is no `test/` folder (default 0.2, seed 0). */
  readonly heldOut?: number;
}

/** Defaults of `ImageFolderSpec`, and the limits every image is held to. */
export const defaultImageFolderOptions = {
  size: [32, 32] as readonly [number, number],
  heldOut: 0.2,
  /** Largest image read, in pixels (width times height); a larger one is refused before decoding. */
  maxPixels: 40_000_000,
  /** Smallest and largest side of `size`. */
  minSide: 4,
  maxSide: 1024,
};

/** The name of the test split's folder inside an image folder. */
export const testFolderName = 'test';

/** File extensions read as images (lower case); other files are skipped and counted. */
export const imageExtensions: Readonly<Record<string, 'png' | 'jpeg'>> = { '.png': 'png', '.jpg': 'jpeg', '.jpeg': 'jpeg' };
