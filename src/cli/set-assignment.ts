import { InputError } from '../util/errors';
import { assertPlainData, assertSafeKey, setOwn } from '../util/safe-keys';

/** One `--set path=value`: the field path and its value. */
export interface SetAssignment {
  /** Field names, e.g. `['train', 'epochs']`. */
  readonly path: readonly string[];
  readonly value: unknown;
}

/** Longest field path `--set` takes, in characters. */
const maxPathLength = 200;

/**
 * Reads `path=value` (e.g. `train.epochs=50`, `seeds=[0,1]`, `dataset.name=kmnist`): the
 * path splits at dots; the value is parsed as JSON when it parses (numbers, booleans,
 * arrays, objects, quoted strings), else kept as a string. Refuses, before anything runs,
 * path segments and keys that reach an object's prototype (`__proto__`, `prototype`,
 * `constructor`), numbers that overflow (`1e999`), and values nested too deep or too long
 * (`assertPlainData`), naming the field.
 */
export function parseSetAssignment(text: string, where = 'option --set'): SetAssignment {
  const eq = text.indexOf('=');
  const example = 'path=value, e.g. train.epochs=50 or seeds=[0,1]';
  if (eq <= 0) throw new InputError(where, example, JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text));
  const pathText = text.slice(0, eq).trim();
  if (pathText.length > maxPathLength) throw new InputError(where, `a field path of at most ${maxPathLength} characters`, `${pathText.length} characters`);
  const path = pathText.split('.');
  if (path.some((p) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(p))) {
    throw new InputError(where, `a field path of names joined by dots (${example})`, JSON.stringify(pathText));
  }
  const at = `${where} ${pathText}`;
  for (const segment of path) assertSafeKey(segment, at, { as: 'path segment' });
  const raw = text.slice(eq + 1);
  let value: unknown = raw;
  try {
    value = JSON.parse(raw);
  } catch {
    // Not JSON: the text itself, e.g. dataset.name=kmnist.
  }
  if (typeof value === 'number' && !Number.isFinite(value)) throw new InputError(at, 'a finite number', `${raw.trim()} (${value})`);
  assertPlainData(value, at);
  return { path, value };
}

/** The nested overrides object of assignments applied in order (later ones win); own data properties only. */
export function overridesFromAssignments(assignments: readonly SetAssignment[]): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const { path, value } of assignments) {
    const where = `option --set ${path.join('.')}`;
    let node = root;
    for (const key of path.slice(0, -1)) {
      const child = Object.hasOwn(node, key) ? node[key] : undefined;
      if (typeof child !== 'object' || child === null || Array.isArray(child)) setOwn(node, key, {}, where);
      node = node[key] as Record<string, unknown>;
    }
    setOwn(node, path[path.length - 1], value, where);
  }
  return root;
}
