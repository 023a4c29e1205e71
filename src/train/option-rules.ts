import { InputError } from '../util/errors';
import { describeValue, type OptionRule } from '../util/options';

/**
 * Rules for `resolveOptions` that the trainer's options need beyond `rule`: a field that
 * may be left unset, an object checked where it is used, a string, a callback.
 */
export const trainRule = {
  /** `undefined` (unset), or a value `inner` accepts. */
  optional:
    <T>(inner: OptionRule<T>): OptionRule<T | undefined> =>
    (value, where) =>
      value === undefined ? undefined : inner(value, where),
  /** Any object (not an array), returned as it is; `what` says what it should be. */
  object:
    <T>(what: string): OptionRule<T> =>
    (value, where) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InputError(where, what, describeValue(value));
      return value as T;
    },
  /** A string; `what` says what it names. */
  text:
    (what: string): OptionRule<string> =>
    (value, where) => {
      if (typeof value !== 'string') throw new InputError(where, what, describeValue(value));
      return value;
    },
  /** A function. */
  callback:
    <T>(): OptionRule<T> =>
    (value, where) => {
      if (typeof value !== 'function') throw new InputError(where, 'a function', describeValue(value));
      return value as T;
    },
};
