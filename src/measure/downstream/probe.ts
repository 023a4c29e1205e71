import { linearProbe } from '../../eval/linear-probe';
import { moduleOf } from '../../runs/code-fingerprint';
import type { DownstreamTaskDef } from './downstream-task-def';
import { experimentProbeFeatures } from './probe-features';

/** The probe has no settings of its own: its sizes, epochs and seed are the config's `probe`. */
export type ProbeTaskSettings = Readonly<Record<string, never>>;

/** `probe`: linear-probe accuracy on the experiment's test split (sizes, epochs and seed from `config.probe`). */
export const probeDownstream: DownstreamTaskDef<ProbeTaskSettings> = {
  name: 'probe',
  text: 'linear probe accuracy',
  defaults: {},
  source: moduleOf(__filename),
  key: (config) => ({ probe: config.probe }),
  async evaluate(encoder, context) {
    const { config } = context;
    const x = await experimentProbeFeatures(encoder, context);
    const probe = await linearProbe(x.xTrain, x.yTrain, x.xTest, x.yTest, { epochs: config.probe.epochs, seed: config.probe.seed, numClasses: x.numClasses });
    return probe.accuracy;
  },
};
