import type { ConfigOverrides } from './experiment-config';

/** One regime of a study: a name and the fields it changes in the base config (split sizes, fractions, epochs, ...). */
export interface Regime {
  readonly name: string;
  readonly overrides: ConfigOverrides;
}
