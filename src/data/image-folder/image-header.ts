import { InputError } from '../../util/errors';

/** What the first bytes of an image file say: its format, size and colour channels. */
export interface ImageHeader {
  readonly format: 'png' | 'jpeg';
  readonly width: number;
  readonly height: number;
  /** 1 for grey (with or without alpha), 3 for colour (RGB, RGBA, palette, YCbCr). */
  readonly channels: 1 | 3;
}

const pngSignature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** True when `bytes` start with the PNG signature. */
export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && pngSignature.every((b, i) => bytes[i] === b);
}

/** True when `bytes` start with a JPEG start-of-image marker. */
export function isJpeg(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

/**
 * Reads the header of a PNG (IHDR) or JPEG (the first start-of-frame segment) without
 * decoding the pixels. `file` names the file in errors: not a PNG or JPEG, a header cut
 * short, a JPEG with other than 1 or 3 components (CMYK).
 */
export function readImageHeader(bytes: Uint8Array, file: string): ImageHeader {
  if (bytes.length === 0) throw new InputError(file, 'a PNG or JPEG image', 'an empty file (0 bytes)');
  if (isPng(bytes)) return pngHeader(bytes, file);
  if (isJpeg(bytes)) return jpegHeader(bytes, file);
  const head = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
  throw new InputError(file, 'a PNG or JPEG image', `a file of ${bytes.length} bytes starting ${head}, neither PNG nor JPEG`);
}

function pngHeader(bytes: Uint8Array, file: string): ImageHeader {
  if (bytes.length < 33) throw new InputError(file, 'a complete PNG image', `a PNG cut short after ${bytes.length} bytes (no complete header)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = String.fromCharCode(bytes[12], bytes[13], bytes[14], bytes[15]);
  if (type !== 'IHDR') throw new InputError(file, 'a PNG image whose first chunk is IHDR', `a first chunk ${JSON.stringify(type)}`);
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  const colorType = bytes[25];
  if (width === 0 || height === 0) throw new InputError(file, 'a PNG image of at least 1x1 pixels', `${width}x${height}`);
  return { format: 'png', width, height, channels: colorType === 0 || colorType === 4 ? 1 : 3 };
}

const startOfFrame = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

function jpegHeader(bytes: Uint8Array, file: string): ImageHeader {
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) throw new InputError(file, 'a JPEG image made of marker segments', `byte 0x${bytes[at].toString(16)} at offset ${at} where a marker belongs`);
    const marker = bytes[at + 1];
    if (marker === 0xff) {
      at++;
      continue;
    }
    const length = (bytes[at + 2] << 8) | bytes[at + 3];
    if (startOfFrame.has(marker)) {
      if (at + 10 > bytes.length) break;
      const height = (bytes[at + 5] << 8) | bytes[at + 6];
      const width = (bytes[at + 7] << 8) | bytes[at + 8];
      const components = bytes[at + 9];
      if (width === 0 || height === 0) throw new InputError(file, 'a JPEG image of at least 1x1 pixels', `${width}x${height}`);
      if (components !== 1 && components !== 3) throw new InputError(file, 'a JPEG image with 1 (grey) or 3 (colour) components', `${components} components (CMYK?)`);
      return { format: 'jpeg', width, height, channels: components };
    }
    if (marker === 0xd9 || marker === 0xda) break;
    at += 2 + length;
  }
  throw new InputError(file, 'a complete JPEG image', `a JPEG cut short or without a frame header (${bytes.length} bytes)`);
}
