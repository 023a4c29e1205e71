import { adam, adamw } from './adam';
import { defaultOptimizerConfigs, type Optimizer, type OptimizerConfig } from './optimizer';
import { sgd } from './sgd';
import { InputError } from '../util/errors';

/** Optimizer factories by name. */
export const optimizers: Readonly<Record<OptimizerConfig['name'], (config: OptimizerConfig) => Optimizer>> = {
  adam,
  adamw,
  sgd,
};

/** Creates the optimizer `config.name` with `config`'s settings (defaults in `defaultOptimizerConfigs`). */
export function createOptimizer(config: OptimizerConfig): Optimizer {
  const factory = Object.hasOwn(optimizers, config?.name) ? optimizers[config.name] : undefined;
  if (factory === undefined) {
    throw new InputError('optimizer.name', `one of ${Object.keys(defaultOptimizerConfigs).join(', ')}`, JSON.stringify(config?.name));
  }
  return factory(config);
}
