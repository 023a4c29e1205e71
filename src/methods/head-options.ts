import { projectionHeadConfig, type ProjectionHeadOptions } from '../heads/projection-head';
import { InputError } from '../util/errors';
import { describeValue, type OptionRule } from '../util/options';

/** Options of a method's MLP head (projector, predictor, expander); input width, seed and name are set by the method. */
export type HeadOptions = Partial<Omit<ProjectionHeadOptions, 'inDim' | 'seed' | 'name'>>;

/**
 * Rule for the head options a method's config carries: an object, without `inDim`,
 * `seed` or `name` (the method sets them), that the head's own check (`check`) accepts;
 * returns a copy. `what` names the head kind in errors.
 */
export function headOptionsRule<T extends object>(what: string, check: (options: T, where: string) => unknown): OptionRule<T> {
  return (value, where) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new InputError(where, `an object of ${what} options`, describeValue(value));
    }
    for (const field of ['inDim', 'seed', 'name']) {
      if (field in value) throw new InputError(`${where}.${field}`, 'no such field (the method sets it)', 'a value');
    }
    check({ ...(value as T) }, where);
    return { ...(value as T) };
  };
}

/** Rule for a method's MLP head options: an object `projectionHead` accepts, without `inDim`, `seed` or `name`. */
export const headOptions: OptionRule<HeadOptions> = headOptionsRule<HeadOptions>('projection-head', (options) => projectionHeadConfig(options));
