/**
 * The library as users run it: the compiled `dist/` (what the CLI and the notebooks load),
 * with the types of the sources. The benchmarks use all three entries: `sslmem` (backend,
 * presets), `sslmem/parts` (encoders, objectives, the train step) and `sslmem/engine`
 * (worker pool, training a side). `npm run bench` builds first; every benchmark row says
 * `build: 'dist'`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const dist = join(__dirname, '..', 'dist');
const entries = ['index.js', 'parts.js', 'engine.js'].map((file) => join(dist, file));
for (const entry of entries) if (!existsSync(entry)) throw new Error(`bench: ${entry} is missing; run \`npm run build\` first (npm run bench does)`);

type Library = typeof import('../src/index') & typeof import('../src/parts') & typeof import('../src/engine');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const library = Object.assign({}, ...entries.map((entry) => require(entry))) as Library;
export = library;
