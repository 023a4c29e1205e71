import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

// The house has floors: no two library files may import each other, directly or round a
// longer loop. Type-only imports count too (they tie the files' designs together just the same).

const root = resolve(__dirname, '../../src');
const specifier = /(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+|\brequire\(\s*)(['"])(\.{1,2}\/[^'"]+)\1/g;

function files(dir: string, ext = '.ts'): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path, ext) : path.endsWith(ext) && !path.endsWith('.d.ts') ? [path] : [];
  });
}

function target(from: string, spec: string, ext = '.ts'): string | undefined {
  const base = resolve(dirname(from), spec);
  return [base + ext, join(base, `index${ext}`), base].find((f) => f.endsWith(ext) && existsSync(f));
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

// The floors of the house, from the ground up: a room imports only from rooms on lower
// floors (or from itself). An import that points up, or across to another room of the same
// floor, fails here with the file and the line's target.
const floors: readonly (readonly string[])[] = [
  ['util'],
  ['backend', 'io', 'stats', 'privacy', 'parallel', 'data'],
  ['augment', 'runs', 'plot'],
  ['encoders'],
  ['losses'],
  ['heads'],
  ['methods'],
  ['memorization', 'train'],
  ['eval', 'conformance'],
  ['design'],
  ['plans'],
  ['measure', 'queue'],
  ['findings'],
  ['report'],
  ['notebook', 'cli'],
  ['index', 'parts', 'engine'],
];

function roomOf(tree: string, file: string): string {
  const parts = relative(tree, file).split(/[\\/]/);
  return parts.length > 1 ? parts[0] : parts[0].replace(/\.(ts|js)$/, '');
}

/** Every import of the files under `tree` (with extension `ext`) that does not point down a floor. */
function upwardImports(tree: string, ext: string): string[] {
  const floorOf = new Map(floors.flatMap((rooms, i) => rooms.map((r) => [r, i] as const)));
  const wrong: string[] = [];
  for (const file of files(tree, ext)) {
    const room = roomOf(tree, file);
    const here = floorOf.get(room);
    if (here === undefined) {
      wrong.push(`${relative(tree, file)}: room "${room}" is on no floor (add it to the floors of this test)`);
      continue;
    }
    for (const m of readFileSync(file, 'utf8').matchAll(specifier)) {
      const to = target(file, m[2], ext);
      if (to === undefined) continue;
      const other = roomOf(tree, to);
      if (other === room) continue;
      const there = floorOf.get(other);
      if (there === undefined || there >= here) wrong.push(`${relative(tree, file)} (${room}, floor ${here}) imports ${relative(tree, to)} (${other}, floor ${there ?? 'none'})`);
    }
  }
  return wrong;
}

test('every import points down a floor: design below plans below measure below findings', () => {
  const wrong = upwardImports(root, '.ts');
  assert.deepEqual(wrong, [], `imports that do not point down:\n${wrong.join('\n')}`);
});

test('the compiled library keeps the floors (dist/, what users load; needs npm run build)', (t) => {
  const dist = resolve(__dirname, '../../dist');
  if (!existsSync(join(dist, 'index.js'))) return t.skip('no dist/: run npm run build (npm test does)');
  const wrong = upwardImports(dist, '.js');
  assert.ok(files(dist, '.js').length > 100, 'expected the compiled library under dist/');
  assert.deepEqual(wrong, [], `compiled imports that do not point down:\n${wrong.join('\n')}`);
});
