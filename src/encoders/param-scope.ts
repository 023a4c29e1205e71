import * as tf from '@tensorflow/tfjs-core';
import { createRng, type Rng } from '../util/rng';
import { InputError } from '../util/errors';
import { checkName } from '../util/options';

/**
 * Where a model's variables are created: a name path (`encoder/block1/attn`) plus the
 * lists that collect the trainable variables and the non-trainable state in creation
 * order. Children share the parent's lists. Each scope has its own random stream forked
 * from the root seed by the *relative* path, so a layer's initial weights depend only on
 * the seed and the layer's path (not on the root name, nor on layers created before it).
 */
export interface ParamScope {
  /** Full name prefix of variables created here, e.g. `encoder/dense1`. */
  readonly path: string;
  /** Path below the root, e.g. `dense1` (empty at the root). */
  readonly relativePath: string;
  /** Random stream of this scope. */
  readonly rng: Rng;
  /** Trainable variables of the whole tree, in creation order. */
  readonly variables: tf.Variable[];
  /** Non-trainable variables of the whole tree, in creation order. */
  readonly state: tf.Variable[];
  /** A sub-scope `path/name`. */
  child(name: string): ParamScope;
  /** Creates the variable `path/name` with `values` (row-major) and lists it. */
  variable(name: string, shape: readonly number[], values: Float32Array, trainable?: boolean): tf.Variable;
}

/** Roots handed out by `createParamScope`, with the lists of their variables. */
const liveRoots = new Map<string, { variables: tf.Variable[]; state: tf.Variable[] }>();

/**
 * True when `root` is in use: a registered variable has the prefix `root/`, or a scope
 * with this root was created and not all of its variables are disposed yet (a scope
 * still being filled counts as in use).
 */
function rootTaken(root: string): boolean {
  const live = liveRoots.get(root);
  if (live) {
    const all = [...live.variables, ...live.state];
    if (all.length === 0 || all.some((v) => !v.isDisposed)) return true;
    liveRoots.delete(root);
  }
  const prefix = `${root}/`;
  return Object.keys(tf.engine().registeredVariables).some((n) => n === root || n.startsWith(prefix));
}

/**
 * A fresh root scope. Variable names are `<root>/<layer>/<param>`; `root` is `name`, or
 * `name_1`, `name_2`, ... when live variables already use `name` (e.g. encoders f and g
 * alive together), because tfjs allows each variable name only once. Compare variables
 * across models by `relativeVariableName`.
 */
export function createParamScope(name: string, seed: number): ParamScope {
  checkName(name, 'createParamScope name');
  let root = name;
  for (let k = 1; rootTaken(root); k++) root = `${name}_${k}`;
  const rootRng = createRng(seed);
  const variables: tf.Variable[] = [];
  const state: tf.Variable[] = [];
  liveRoots.set(root, { variables, state });
  const make = (path: string, relativePath: string): ParamScope => ({
    path,
    relativePath,
    rng: relativePath === '' ? rootRng.fork('') : rootRng.fork(relativePath),
    variables,
    state,
    child: (child) => {
      checkName(child, `scope ${path} child name`);
      return make(`${path}/${child}`, relativePath === '' ? child : `${relativePath}/${child}`);
    },
    variable: (param, shape, values, trainable = true) => {
      checkName(param, `scope ${path} variable name`);
      const size = shape.reduce((a, b) => a * b, 1);
      if (values.length !== size) {
        throw new InputError(`variable ${path}/${param}`, `${size} values for shape [${shape.join(', ')}]`, `${values.length}`);
      }
      const init = tf.tensor(values, [...shape], 'float32');
      const v = tf.variable(init, trainable, `${path}/${param}`);
      init.dispose();
      (trainable ? variables : state).push(v);
      return v;
    },
  });
  return make(root, '');
}

/** A variable's name without its root segment: `encoder_2/dense1/kernel` -> `dense1/kernel`. */
export function relativeVariableName(name: string): string {
  const slash = name.indexOf('/');
  return slash < 0 ? name : name.slice(slash + 1);
}

/** Disposes every variable of a scope tree (idempotent). */
export function disposeScope(scope: ParamScope): void {
  for (const v of [...scope.variables, ...scope.state]) {
    if (!v.isDisposed) v.dispose();
  }
  const root = scope.path.split('/')[0];
  if (liveRoots.get(root)?.variables === scope.variables) liveRoots.delete(root);
}
