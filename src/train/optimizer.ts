import * as tf from '@tensorflow/tfjs-core';
import { InputError } from '../util/errors';
import { resolveOptions, rule, type OptionRules } from '../util/options';

/** Tensors by name, e.g. gradients keyed by variable name. */
export type NamedTensors = Record<string, tf.Tensor>;

/** Serialisable optimizer settings; fields a rule does not use are ignored. */
export interface OptimizerConfig {
  /** `adam` (L2 weight decay added to the gradient), `adamw` (decoupled decay) or `sgd`. */
  readonly name: 'adam' | 'adamw' | 'sgd';
  /** Adam: decay of the first moment. Default 0.9. */
  readonly beta1?: number;
  /** Adam: decay of the second moment. Default 0.999. */
  readonly beta2?: number;
  /** Adam: added to the root of the second moment. Default 1e-8. */
  readonly epsilon?: number;
  /** SGD: momentum (0 = plain SGD). Default 0.9. */
  readonly momentum?: number;
  /** SGD: Nesterov momentum. Default false. */
  readonly nesterov?: boolean;
  /** Weight decay: L2 term for `adam`/`sgd`, decoupled for `adamw`. Default 0 (`adamw`: 0.01). */
  readonly weightDecay?: number;
}

/**
 * The optimizer's mutable state: number of updates applied and one tensor per slot and
 * variable (`slots.m[variableName]`). Slots appear on a variable's first update.
 */
export interface OptimizerState {
  readonly step: number;
  readonly slots: Record<string, NamedTensors>;
}

/**
 * A first-order optimizer over an explicit list of variables, with explicit state so that
 * gradients can be transformed between computing and applying them (DP-SGD) and the state
 * can be checkpointed.
 */
export interface Optimizer {
  /** The settings with every default filled in. */
  readonly config: Required<OptimizerConfig>;
  /** Number of updates applied so far. */
  readonly step: number;
  /**
   * Updates each variable that has a gradient in `grads` (keyed by `variable.name`) with
   * learning rate `lr`; variables without a gradient are left alone. Counts one step.
   * Does not dispose `grads`; may run inside `tf.tidy` (its state survives).
   */
  apply(grads: NamedTensors, variables: readonly tf.Variable[], lr: number): void;
  /** The current state; its tensors belong to the optimizer (do not dispose them). */
  state(): OptimizerState;
  /** Replaces the state by a copy of `state` (the caller keeps ownership of its tensors). */
  load(state: OptimizerState): void;
  /** Frees the slot tensors. */
  dispose(): void;
}

/** Defaults per optimizer name. */
export const defaultOptimizerConfigs: Readonly<Record<OptimizerConfig['name'], Required<OptimizerConfig>>> = {
  adam: { name: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-8, momentum: 0, nesterov: false, weightDecay: 0 },
  adamw: { name: 'adamw', beta1: 0.9, beta2: 0.999, epsilon: 1e-8, momentum: 0, nesterov: false, weightDecay: 0.01 },
  sgd: { name: 'sgd', beta1: 0, beta2: 0, epsilon: 0, momentum: 0.9, nesterov: false, weightDecay: 0 },
};

const optimizerRules: OptionRules<Required<OptimizerConfig>> = {
  name: rule.choice(['adam', 'adamw', 'sgd']),
  beta1: rule.number({ min: 0, max: 1, maxOpen: true }),
  beta2: rule.number({ min: 0, max: 1, maxOpen: true }),
  epsilon: rule.number({ min: 0 }),
  momentum: rule.number({ min: 0 }),
  nesterov: rule.boolean(),
  weightDecay: rule.number({ min: 0 }),
};

/** Fills in the defaults of `config.name` and checks every setting (`resolveOptions`). */
export function resolveOptimizerConfig(config: OptimizerConfig): Required<OptimizerConfig> {
  const defaults = Object.hasOwn(defaultOptimizerConfigs, config?.name) ? defaultOptimizerConfigs[config.name] : undefined;
  if (defaults === undefined) {
    throw new InputError('optimizer.name', `one of ${Object.keys(defaultOptimizerConfigs).join(', ')}`, JSON.stringify(config?.name));
  }
  return resolveOptions(defaults, optimizerRules, config, 'optimizer');
}

/**
 * The update of one variable: given its value, gradient, slot tensors (zeros on the first
 * step), the learning rate and the 1-based step number, returns its new value and slots.
 * Runs inside `tf.tidy`.
 */
export type UpdateRule = (
  param: tf.Tensor,
  grad: tf.Tensor,
  slots: Record<string, tf.Tensor>,
  lr: number,
  step: number,
) => { param: tf.Tensor; slots: Record<string, tf.Tensor> };

/**
 * Builds an `Optimizer` from an update rule and the names of its slots: the shared
 * bookkeeping (slot creation, disposal, state save/load) of every optimizer.
 */
export function slotOptimizer(config: Required<OptimizerConfig>, slotNames: readonly string[], rule: UpdateRule): Optimizer {
  let step = 0;
  let slots: Record<string, Map<string, tf.Tensor>> = Object.fromEntries(slotNames.map((s) => [s, new Map()]));
  const disposeSlots = (): void => {
    for (const map of Object.values(slots)) for (const t of map.values()) t.dispose();
  };
  return {
    config,
    get step() {
      return step;
    },
    apply(grads, variables, lr) {
      const byName = new Map(variables.map((v) => [v.name, v]));
      for (const name of Object.keys(grads)) {
        if (!byName.has(name)) throw new InputError(`gradients["${name}"]`, 'a gradient for one of the given variables', 'no variable of that name');
      }
      step += 1;
      for (const variable of variables) {
        const grad = grads[variable.name];
        if (grad === undefined) continue;
        const next = tf.tidy(() => {
          const current = Object.fromEntries(slotNames.map((s) => [s, slots[s].get(variable.name) ?? tf.zerosLike(variable)]));
          const out = rule(variable, grad, current, lr, step);
          variable.assign(out.param);
          return out.slots;
        });
        for (const s of slotNames) {
          slots[s].get(variable.name)?.dispose();
          slots[s].set(variable.name, tf.keep(next[s]));
        }
      }
    },
    state() {
      return { step, slots: Object.fromEntries(slotNames.map((s) => [s, Object.fromEntries(slots[s])])) };
    },
    load(state) {
      for (const s of Object.keys(state.slots)) {
        if (!slotNames.includes(s)) throw new InputError(`optimizer state slot "${s}"`, `one of ${slotNames.join(', ') || '(none)'} for ${config.name}`, s);
      }
      const copies = Object.fromEntries(
        slotNames.map((s) => [s, new Map(Object.entries(state.slots[s] ?? {}).map(([name, t]) => [name, tf.keep(tf.clone(t))]))]),
      );
      disposeSlots();
      slots = copies;
      step = state.step;
    },
    dispose: disposeSlots,
  };
}
