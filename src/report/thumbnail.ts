import { pngCodec } from '../util/pngjs';
import type { ImageDataset } from '../data/dataset';

/** One image of a dataset as a PNG data URI (`data:image/png;base64,...`) at its stored size. */
export function thumbnailDataUri(ds: ImageDataset, id: number): string {
  const [h, w, c] = ds.shape;
  const PNG = pngCodec();
  const png = new PNG({ width: w, height: h });
  const from = id * h * w * c;
  for (let p = 0; p < h * w; p++) {
    for (let k = 0; k < 3; k++) png.data[p * 4 + k] = ds.images[from + p * c + (c === 1 ? 0 : k)];
    png.data[p * 4 + 3] = 255;
  }
  return `data:image/png;base64,${PNG.sync.write(png).toString('base64')}`;
}
