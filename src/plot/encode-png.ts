import { PNG } from 'pngjs';

/** PNG file bytes of an RGBA image (`width * height * 4` bytes, row-major). */
export function encodePng(rgba: Uint8Array, width: number, height: number): Uint8Array {
  const png = new PNG({ width, height });
  png.data = Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength);
  return new Uint8Array(PNG.sync.write(png));
}
