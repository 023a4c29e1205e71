import { noiseForEpsilon, privacySpent, type RdpConversion } from '../privacy/privacy-spent';
import { InputError } from '../util/errors';
import type { Command } from './command';

/** `sslmem privacy`: the epsilon a DP-SGD run spends, or the noise a target epsilon needs. */
export const privacyCommand: Command = {
  summary: 'Privacy accountant: epsilon of a DP-SGD run (RDP), or the noise multiplier for a target epsilon.',
  help: {
    command: 'sslmem privacy',
    summary:
      'The (epsilon, delta) that DP-SGD with Poisson sampling at --sample-rate, noise multiplier --noise and --steps steps ' +
      'spends, by Renyi DP of the sampled Gaussian mechanism (Mironov, Talwar & Zhang 2019) over the orders 1.1, 1.2, ..., ' +
      '10.9, 12, ..., 63; or, with --target-epsilon instead of --noise, the smallest noise multiplier that spends at most that.',
    options: [
      { name: 'noise', kind: 'number', min: 0, description: 'Noise multiplier sigma (noise std / clipping norm).' },
      { name: 'target-epsilon', kind: 'number', min: 0, description: 'Find the smallest noise multiplier that spends at most this epsilon.' },
      { name: 'sample-rate', kind: 'number', min: 0, description: 'Poisson sampling rate q (expected batch size / dataset size). Required.' },
      { name: 'steps', kind: 'integer', min: 0, description: 'Training steps. Required.' },
      { name: 'delta', kind: 'number', min: 0, default: 1e-5, description: 'delta of (epsilon, delta)-DP.' },
      { name: 'conversion', kind: 'choice', choices: ['improved', 'classic'], default: 'improved', description: "RDP to epsilon: improved (Balle et al. 2020, Opacus's default) or classic (Mironov 2017, TF Privacy's)." },
      { name: 'json', kind: 'flag', description: 'Print one JSON object.' },
      { name: 'verbose', kind: 'flag', description: 'Print the stack trace of errors.' },
    ],
    examples: [
      'sslmem privacy --noise 1.1 --sample-rate 0.0042667 --steps 14062 --delta 1e-5 --conversion classic --json',
      'sslmem privacy --target-epsilon 8 --sample-rate 0.01 --steps 5000 --delta 1e-5 --json',
    ],
  },
  async run({ values }, io) {
    const has = (name: string) => values[name] !== undefined;
    if (has('noise') === has('target-epsilon')) {
      throw new InputError('options --noise / --target-epsilon', 'exactly one of them', has('noise') ? 'both' : 'neither');
    }
    for (const required of ['sample-rate', 'steps']) if (!has(required)) throw new InputError(`option --${required}`, 'a value', 'none');
    const sampleRate = values['sample-rate'] as number;
    if (sampleRate > 1) throw new InputError('option --sample-rate', 'a rate in [0, 1]', String(sampleRate));
    const steps = values.steps as number;
    const delta = Number(values.delta ?? 1e-5);
    const conversion = (values.conversion ?? 'improved') as RdpConversion;
    if (has('noise')) {
      const spent = privacySpent({ sampleRate, noise: values.noise as number, steps, delta }, { conversion });
      io.stdout.write(
        values.json === true
          ? `${JSON.stringify({ epsilon: spent.epsilon, order: spent.order, delta, noise: values.noise, sampleRate, steps, conversion })}\n`
          : `epsilon = ${spent.epsilon.toFixed(4)} at delta = ${delta} (best RDP order ${spent.order}, ${conversion} conversion): noise ${values.noise}, sample rate ${sampleRate}, ${steps} steps\n`,
      );
    } else {
      const found = noiseForEpsilon({ targetEpsilon: values['target-epsilon'] as number, sampleRate, steps, delta }, { conversion });
      io.stdout.write(
        values.json === true
          ? `${JSON.stringify({ noise: found.noise, epsilon: found.epsilon, order: found.order, delta, sampleRate, steps, conversion })}\n`
          : `noise multiplier ${found.noise.toFixed(4)} spends epsilon = ${found.epsilon.toFixed(4)} <= ${values['target-epsilon']} at delta = ${delta} (order ${found.order}, ${conversion} conversion)\n`,
      );
    }
    return 0;
  },
};
