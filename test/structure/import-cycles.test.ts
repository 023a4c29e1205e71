import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

// The house has floors: no two library files may import each other, directly or round a
// longer loop. Type-only imports count too (they tie the files' designs together just the same).

const root = resolve(__dirname, '../../src');
const specifier = /(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+|\brequire\(\s*)(['"])(\.{1,2}\/[^'"]+)\1/g;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

function target(from: string, spec: string): string | undefined {
  const base = resolve(dirname(from), spec);
  return [base + '.ts', join(base, 'index.ts'), base].find((f) => f.endsWith('.ts') && existsSync(f));
}

/** Strongly connected components with more than one file (Tarjan, iterative enough for our depth). */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    order.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!order.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, order.get(w)!));
    }
    if (low.get(v) === order.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!order.has(v)) visit(v);
  return found;
}

test('no two files under src/ import each other (type-only imports included)', () => {
  const graph = new Map<string, string[]>();
  for (const file of files(root)) {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(specifier)].map((m) => target(file, m[2])).filter((t): t is string => t !== undefined);
    graph.set(relative(root, file), [...new Set(targets.map((t) => relative(root, t)))]);
  }
  assert.ok(graph.size > 100, `expected the library's files under ${root}, found ${graph.size}`);
  const loops = cycles(graph);
  assert.deepEqual(loops, [], `files that import each other:\n${loops.map((c) => c.join(' <-> ')).join('\n')}`);
});

test('the cycle finder finds a loop of three files', () => {
  const graph = new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]);
  assert.deepEqual(cycles(graph), [['a', 'b', 'c']]);
});
