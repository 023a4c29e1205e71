import { InputError } from '../util/errors';
import { defaultRdpOrders, sampledGaussianRdp } from './sampled-gaussian-rdp';

/** How RDP converts to (epsilon, delta)-DP. */
export type RdpConversion = 'improved' | 'classic';

/** Options of `privacySpent`. */
export interface PrivacySpentOptions {
  /** RDP orders to minimise over. Default `defaultRdpOrders`. */
  readonly orders?: readonly number[];
  /**
   * `improved` (Balle et al. 2020, Opacus's default): `eps = rdp - (log delta + log a) / (a - 1)
   * + log((a - 1) / a)`; `classic` (Mironov 2017, TF Privacy's `compute_dp_sgd_privacy`):
   * `eps = rdp + log(1 / delta) / (a - 1)`. Default `improved`.
   */
  readonly conversion?: RdpConversion;
}

/** The privacy a DP-SGD run spends. */
export interface PrivacySpent {
  readonly epsilon: number;
  readonly delta: number;
  /** The order at which epsilon is smallest. */
  readonly order: number;
}

/**
 * The (epsilon, delta) of `steps` steps of DP-SGD with Poisson sampling at rate
 * `sampleRate` and noise multiplier `noise`: RDP composes by adding over steps, then
 * converts to epsilon at each order; the smallest wins. Example: TF Privacy's MNIST
 * tutorial, `privacySpent({ sampleRate: 256 / 60000, noise: 1.1, steps: 14062, delta: 1e-5 },
 * { conversion: 'classic' })` gives epsilon 3.01.
 */
export function privacySpent(run: { sampleRate: number; noise: number; steps: number; delta: number }, options: PrivacySpentOptions = {}): PrivacySpent {
  const { sampleRate, noise, steps, delta } = run;
  if (!(Number.isInteger(steps) && steps >= 0)) throw new InputError('privacySpent steps', 'an integer >= 0', String(steps));
  if (!(delta > 0 && delta < 1)) throw new InputError('privacySpent delta', 'a number in (0, 1)', String(delta));
  const orders = options.orders ?? defaultRdpOrders;
  if (orders.length === 0) throw new InputError('privacySpent orders', 'at least one order > 1', 'none');
  const conversion = options.conversion ?? 'improved';
  if (conversion !== 'improved' && conversion !== 'classic') throw new InputError('privacySpent conversion', '"improved" or "classic"', JSON.stringify(conversion));
  let best: PrivacySpent = { epsilon: Infinity, delta, order: orders[0] };
  for (const a of orders) {
    const rdp = steps * sampledGaussianRdp(sampleRate, noise, a);
    const epsilon =
      conversion === 'classic' ? rdp + Math.log(1 / delta) / (a - 1) : rdp - (Math.log(delta) + Math.log(a)) / (a - 1) + Math.log((a - 1) / a);
    if (epsilon < best.epsilon) best = { epsilon: Math.max(0, epsilon), delta, order: a };
  }
  return best;
}

/**
 * The smallest noise multiplier whose run spends at most `targetEpsilon` (bisection on the
 * noise, to a relative precision of 1e-4, always on the safe side): what a DP config with
 * an epsilon and no noise is trained with.
 */
export function noiseForEpsilon(
  run: { targetEpsilon: number; sampleRate: number; steps: number; delta: number },
  options: PrivacySpentOptions = {},
): { noise: number; epsilon: number; order: number } {
  const { targetEpsilon, sampleRate, steps, delta } = run;
  if (!(targetEpsilon > 0 && Number.isFinite(targetEpsilon))) throw new InputError('noiseForEpsilon target epsilon', 'a finite number > 0', String(targetEpsilon));
  const spent = (noise: number) => privacySpent({ sampleRate, noise, steps, delta }, options);
  let hi = 1;
  while (spent(hi).epsilon > targetEpsilon) {
    hi *= 2;
    if (hi > 1e6) throw new InputError('noiseForEpsilon', `a target epsilon reachable with noise up to 1e6 (q ${sampleRate}, ${steps} steps, delta ${delta})`, String(targetEpsilon));
  }
  let lo = hi / 2;
  while (lo > 1e-3 && spent(lo).epsilon <= targetEpsilon) {
    hi = lo;
    lo /= 2;
  }
  while ((hi - lo) / hi > 1e-4) {
    const mid = (lo + hi) / 2;
    if (spent(mid).epsilon <= targetEpsilon) hi = mid;
    else lo = mid;
  }
  const at = spent(hi);
  return { noise: hi, epsilon: at.epsilon, order: at.order };
}
