import { knnAccuracy } from '../../eval/knn';
import { moduleOf } from '../../runs/code-fingerprint';
import type { DownstreamTaskDef } from './downstream-task-def';
import { experimentProbeFeatures } from './probe-features';

/** Settings of the kNN task. */
export interface KnnTaskSettings {
  /** Neighbours that vote. */
  readonly k: number;
}

/** `knn`: weighted kNN accuracy (cosine) on the probe's points (the config's `probe` sizes and seed). */
export const knnDownstream: DownstreamTaskDef<KnnTaskSettings> = {
  name: 'knn',
  text: 'kNN accuracy (k = 20, cosine)',
  defaults: { k: 20 },
  source: moduleOf(__filename),
  key: (config, settings) => ({ k: settings.k, trainSize: config.probe.trainSize, testSize: config.probe.testSize, seed: config.probe.seed }),
  async evaluate(encoder, context) {
    const x = await experimentProbeFeatures(encoder, context);
    const knn = await knnAccuracy(x.xTrain, x.yTrain, x.xTest, x.yTest, { k: context.settings.k, numClasses: x.numClasses });
    return knn.accuracy;
  },
};
