import type { Rng } from '../util/rng';
import { InputError } from '../util/errors';

/**
 * Weight initialisation schemes. Values are drawn in JavaScript from an `Rng`, so the
 * same seed gives the same weights on every backend.
 * - `he-normal`: N(0, 2 / fanIn) (He et al. 2015), for layers followed by relu/gelu.
 * - `he-uniform`: U(-sqrt(6 / fanIn), sqrt(6 / fanIn)).
 * - `glorot-normal`: N(0, 2 / (fanIn + fanOut)).
 * - `glorot-uniform`: U(-sqrt(6 / (fanIn + fanOut)), +...) (Glorot & Bengio 2010).
 * - `truncated-normal`: N(0, std^2) redrawn beyond 2 std (ViT embeddings, std 0.02).
 * - `zeros`, `ones`: constants.
 */
export type InitKind =
  | 'zeros'
  | 'ones'
  | 'he-normal'
  | 'he-uniform'
  | 'glorot-normal'
  | 'glorot-uniform'
  | 'truncated-normal';

/** All `InitKind` values. */
export const initKinds: readonly InitKind[] = [
  'zeros',
  'ones',
  'he-normal',
  'he-uniform',
  'glorot-normal',
  'glorot-uniform',
  'truncated-normal',
];

/** Fan sizes and scale of an initialisation. */
export interface InitOptions {
  /** Inputs feeding one output unit (for a conv: kernel area x input channels). */
  readonly fanIn: number;
  /** Outputs fed by one input unit (for a conv: kernel area x output channels). */
  readonly fanOut: number;
  /** Standard deviation for `truncated-normal`. Default 0.02. */
  readonly std?: number;
}

/** `size` initial values drawn by `kind` from `rng`. */
export function initValues(kind: InitKind, size: number, options: InitOptions, rng: Rng): Float32Array {
  const out = new Float32Array(size);
  const { fanIn, fanOut, std = 0.02 } = options;
  const normal = (s: number): void => {
    for (let i = 0; i < size; i++) out[i] = s * rng.normal();
  };
  const uniform = (limit: number): void => {
    for (let i = 0; i < size; i++) out[i] = rng.uniform(-limit, limit);
  };
  switch (kind) {
    case 'zeros':
      break;
    case 'ones':
      out.fill(1);
      break;
    case 'he-normal':
      normal(Math.sqrt(2 / fanIn));
      break;
    case 'he-uniform':
      uniform(Math.sqrt(6 / fanIn));
      break;
    case 'glorot-normal':
      normal(Math.sqrt(2 / (fanIn + fanOut)));
      break;
    case 'glorot-uniform':
      uniform(Math.sqrt(6 / (fanIn + fanOut)));
      break;
    case 'truncated-normal':
      for (let i = 0; i < size; i++) {
        let z = rng.normal();
        while (Math.abs(z) > 2) z = rng.normal();
        out[i] = std * z;
      }
      break;
    default:
      throw new InputError('initValues kind', initKinds.join(', '), String(kind));
  }
  return out;
}
