import { decode as decodeJpeg } from 'jpeg-js';
import { pngCodec } from '../../util/pngjs';
import { InputError } from '../../util/errors';
import { defaultImageFolderOptions } from './image-folder-spec';
import { readImageHeader } from './image-header';

/** Decoded pixels: `height * width * channels` bytes, row-major, channels last. */
export interface DecodedImage {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
  readonly pixels: Uint8Array;
}

/** The decoders `decodeImage` uses, with their versions (part of the decode cache's key). */
export const imageDecoders = 'pngjs@7 jpeg-js@0.4.4';

/**
 * Decodes a PNG (pngjs) or JPEG (jpeg-js, baseline and progressive) file's bytes to grey or
 * RGB pixels at the image's own size, alpha dropped (the colour values are kept as stored).
 * Pure JavaScript: the same bytes give the same pixels on every machine. Refused, naming
 * `file`: a file that is neither, an image larger than `maxPixels`, a JPEG without its
 * end-of-image marker (cut short) and any error of the decoders (corrupt data).
 */
export function decodeImage(bytes: Uint8Array, file: string, options: { maxPixels?: number } = {}): DecodedImage {
  const header = readImageHeader(bytes, file);
  const maxPixels = options.maxPixels ?? defaultImageFolderOptions.maxPixels;
  const pixelCount = header.width * header.height;
  if (pixelCount > maxPixels) {
    throw new InputError(file, `an image of at most ${maxPixels} pixels`, `${header.width}x${header.height} (${pixelCount} pixels); shrink it first`);
  }
  try {
    if (header.format === 'png') {
      const png = pngCodec().sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return fromRgba(png.data, png.width, png.height, header.channels);
    }
    if (!hasEndOfImage(bytes)) throw new Error('no end-of-image marker (FF D9): the file is cut short');
    const jpeg = decodeJpeg(bytes, { useTArray: true, formatAsRGBA: false, tolerantDecoding: false, maxResolutionInMP: Math.ceil(maxPixels / 1e6), maxMemoryUsageInMB: 2048 });
    if (header.channels === 3) return { width: jpeg.width, height: jpeg.height, channels: 3, pixels: jpeg.data };
    const grey = new Uint8Array(jpeg.width * jpeg.height);
    for (let p = 0; p < grey.length; p++) grey[p] = jpeg.data[p * 3];
    return { width: jpeg.width, height: jpeg.height, channels: 1, pixels: grey };
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(file, `a readable ${header.format === 'png' ? 'PNG' : 'JPEG'} image`, `a corrupt or truncated file (${(error as Error).message})`);
  }
}

function fromRgba(rgba: Uint8Array, width: number, height: number, channels: 1 | 3): DecodedImage {
  const n = width * height;
  const pixels = new Uint8Array(n * channels);
  for (let p = 0; p < n; p++) for (let c = 0; c < channels; c++) pixels[p * channels + c] = rgba[p * 4 + c];
  return { width, height, channels, pixels };
}

/** A JPEG's end-of-image marker after its first scan (an EXIF thumbnail's own marker comes before). */
function hasEndOfImage(bytes: Uint8Array): boolean {
  let end = bytes.length - 1;
  while (end > 0 && bytes[end] === 0) end--;
  for (let i = end; i > 1 && i > end - 4096; i--) if (bytes[i] === 0xd9 && bytes[i - 1] === 0xff) return true;
  return false;
}
