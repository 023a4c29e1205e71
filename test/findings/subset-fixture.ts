import * as aq from 'arquero';
import { withOverrides } from '../../src/design/experiment-config';
import { preset } from '../../src/design/presets';

/** Made-up all-point scores of a pool of ten points (ids 10..19), with a tie at 0.9 (ids 12 and 15). */
export const scores = aq.table({ id: [10, 11, 12, 13, 14, 15, 16, 17, 18, 19], score_raw: [0.5, 0.1, 0.9, -0.2, 0.3, 0.9, 0.0, 0.7, -0.5, 0.2] });

/** The pool those scores rank: ids 10..19. */
export const pool = Int32Array.from([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);

/** The quick preset with three seeds, for the subset findings' runs (nothing trains on it). */
export const config = withOverrides(preset('quick'), { seeds: [0, 1, 2] });
