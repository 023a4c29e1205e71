import { pngCodec } from '../util/pngjs';

/**
 * PNG file bytes of an RGBA image (`width * height * 4` bytes, row-major). pngjs loads on
 * the first call, so importing the library does not load it.
 */
export function encodePng(rgba: Uint8Array, width: number, height: number): Uint8Array {
  const PNG = pngCodec();
  const png = new PNG({ width, height });
  png.data = Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength);
  return new Uint8Array(PNG.sync.write(png));
}
