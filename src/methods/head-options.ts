import { projectionHeadConfig, type ProjectionHeadOptions } from '../heads/projection-head';
import { InputError } from '../util/errors';
import { describeValue, type OptionRule } from '../util/options';

/** Options of a method's MLP head (projector, predictor, expander); input width, seed and name are set by the method. */
export type HeadOptions = Partial<Omit<ProjectionHeadOptions, 'inDim' | 'seed' | 'name'>>;

/** Rule for a method's head options: an object `projectionHead` accepts, without `inDim`, `seed` or `name`. */
export const headOptions: OptionRule<HeadOptions> = (value, where) => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InputError(where, 'an object of projection-head options', describeValue(value));
  }
  for (const field of ['inDim', 'seed', 'name']) {
    if (field in value) throw new InputError(`${where}.${field}`, 'no such field (the method sets it)', 'a value');
  }
  projectionHeadConfig({ ...(value as HeadOptions) });
  return { ...(value as HeadOptions) };
};
