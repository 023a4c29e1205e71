import { check, InputError } from '../../util/errors';

/**
 * Per-pixel class labels of `n` images of `height x width` pixels: `masks[(i * height + y) * width + x]`,
 * classes in `[0, numClasses)` with 0 the background.
 */
export interface SegmentationMasks {
  readonly masks: Uint8Array;
  readonly height: number;
  readonly width: number;
  readonly numClasses: number;
}

/** Number of images in `m` after checking its fields; `InputError` at `where` for anything else. */
export function checkSegmentationMasks(m: SegmentationMasks, where: string): number {
  check(m !== null && typeof m === 'object' && m.masks instanceof Uint8Array, where, '{ masks: Uint8Array, height, width, numClasses }', String(m));
  const { height, width, numClasses, masks } = m;
  check(Number.isInteger(height) && height >= 1 && Number.isInteger(width) && width >= 1, `${where}.height/width`, 'positive integers', `${height} x ${width}`);
  check(Number.isInteger(numClasses) && numClasses >= 2 && numClasses <= 256, `${where}.numClasses`, 'an integer in [2, 256]', String(numClasses));
  const per = height * width;
  check(masks.length % per === 0, `${where}.masks`, `a multiple of ${height} x ${width} = ${per} labels`, `${masks.length}`);
  for (let i = 0; i < masks.length; i++) {
    if (masks[i] >= numClasses) throw new InputError(`${where}.masks[${i}]`, `a class in [0, ${numClasses})`, String(masks[i]));
  }
  return masks.length / per;
}
