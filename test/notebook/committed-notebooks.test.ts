import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

// The notebooks as committed: small enough for any viewer, figures as Plotly JSON plus a
// static image (never plotly.js itself), and executed with a stated preset.

const folder = 'notebooks';
const findings = readdirSync(folder).filter((f) => /^\d\d-.*\.ipynb$/.test(f)).sort();

interface Output { output_type: string; data?: Record<string, unknown>; text?: string | string[] }
interface Notebook { metadata: { sslmem?: { preset?: string } }; cells: Array<{ cell_type: string; outputs?: Output[] }> }

describe('committed notebooks', () => {
  for (const name of findings) {
    test(`${name}: at most 1 MB, figures as Plotly JSON with a static image, no plotly.js inside, outputs of a stated preset`, () => {
      const path = join(folder, name);
      const bytes = statSync(path).size;
      assert.ok(bytes <= 1024 * 1024, `${path} has ${bytes} bytes`);
      const book = JSON.parse(readFileSync(path, 'utf8')) as Notebook;
      assert.match(book.metadata.sslmem?.preset ?? '', /^(quick|laptop|paper)$/, 'the run states its preset');
      const outputs = book.cells.flatMap((c) => c.outputs ?? []);
      assert.ok(outputs.length > 0, 'executed: it has outputs');
      const figures = outputs.filter((o) => o.data?.['application/vnd.plotly.v1+json'] !== undefined);
      for (const f of figures) {
        assert.equal(typeof f.data?.['image/png'], 'string', 'a static image for viewers that run no scripts');
        assert.ok(!/var Plotly=\(\(\)=>|window\.Plotly = Plotly/.test(String(f.data?.['text/html'] ?? '')), 'no plotly.js inlined');
      }
      assert.ok(!outputs.some((o) => o.output_type === 'error'), 'no failed cell');
    });
  }
});
