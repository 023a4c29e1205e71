/**
 * The library as users run it: the compiled `dist/` (what the CLI and the notebooks load),
 * with the types of the sources. `npm run bench` builds first; every benchmark row says
 * `build: 'dist'`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const entry = join(__dirname, '..', 'dist', 'index.js');
if (!existsSync(entry)) throw new Error(`bench: ${entry} is missing; run \`npm run build\` first (npm run bench does)`);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const library = require(entry) as typeof import('../src/index');
export = library;
