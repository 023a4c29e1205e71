import { InputError } from '../util/errors';

/** One `--set path=value`: the field path and its value. */
export interface SetAssignment {
  /** Field names, e.g. `['train', 'epochs']`. */
  readonly path: readonly string[];
  readonly value: unknown;
}

/**
 * Reads `path=value` (e.g. `train.epochs=50`, `seeds=[0,1]`, `dataset.name=kmnist`): the
 * path splits at dots; the value is parsed as JSON when it parses (numbers, booleans,
 * arrays, objects, quoted strings), else kept as a string.
 */
export function parseSetAssignment(text: string, where = 'option --set'): SetAssignment {
  const eq = text.indexOf('=');
  const example = 'path=value, e.g. train.epochs=50 or seeds=[0,1]';
  if (eq <= 0) throw new InputError(where, example, JSON.stringify(text));
  const path = text.slice(0, eq).trim().split('.');
  if (path.some((p) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(p))) {
    throw new InputError(where, `a field path of names joined by dots (${example})`, JSON.stringify(text.slice(0, eq)));
  }
  const raw = text.slice(eq + 1);
  let value: unknown = raw;
  try {
    value = JSON.parse(raw);
  } catch {
    // Not JSON: the text itself, e.g. dataset.name=kmnist.
  }
  return { path, value };
}

/** The nested overrides object of assignments applied in order (later ones win). */
export function overridesFromAssignments(assignments: readonly SetAssignment[]): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const { path, value } of assignments) {
    let node = root;
    for (const key of path.slice(0, -1)) {
      const child = node[key];
      if (typeof child !== 'object' || child === null || Array.isArray(child)) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    node[path[path.length - 1]] = value;
  }
  return root;
}
