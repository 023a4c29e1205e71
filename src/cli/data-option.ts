import { resolve } from 'node:path';
import { datasetLoaders } from '../data/load-dataset';
import { InputError } from '../util/errors';

/**
 * Reads `--data`: `folder:PATH` (an image folder: `{ name: 'folder', dir }` with PATH made
 * absolute, so the run's config.json and its jobs name the folder wherever they are read) or a
 * dataset name (`{ name }`).
 */
export function parseDataOption(text: string): { name: string; dir?: string } {
  if (text.startsWith('folder:')) {
    const dir = text.slice('folder:'.length);
    if (dir.length === 0) throw new InputError('option --data', 'folder:PATH with the path of an image folder', JSON.stringify(text));
    return { name: 'folder', dir: resolve(dir) };
  }
  if (Object.hasOwn(datasetLoaders, text) && text !== 'folder') return { name: text };
  throw new InputError('option --data', `folder:PATH (an image folder) or a dataset name (${Object.keys(datasetLoaders).filter((n) => n !== 'folder').join(', ')})`, JSON.stringify(text));
}
