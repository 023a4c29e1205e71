import { knnAccuracy } from '../../eval/knn';
import { moduleOf } from '../../runs/code-fingerprint';
import { check } from '../../util/errors';
import type { DownstreamTaskDef } from './downstream-task-def';
import { checkFewLabelSettings, fewLabelAccuracy, type FewLabelSettings } from './few-label-accuracy';
import { experimentProbeFeatures } from './probe-features';

/** Settings of the few-label kNN: labels per class, label draws and the neighbours that vote. */
export interface FewLabelKnnSettings extends FewLabelSettings {
  /** Neighbours that vote (at most the labelled count of a draw is used). */
  readonly k: number;
}

/**
 * `few-label-knn`: weighted kNN accuracy (cosine, as the `knn` task) with only `perClass`
 * labelled training images per class (default 10) as neighbours, the same label draws as
 * `few-label-probe` (`config.probe.seed` and the draw's index), scored on the probe's test
 * points and averaged over `draws` draws (default 5). `k` (default 20) is capped at the
 * labelled count. Shares the probe's frozen features.
 */
export const fewLabelKnnDownstream: DownstreamTaskDef<FewLabelKnnSettings> = {
  name: 'few-label-knn',
  text: 'few-label kNN accuracy (10 labels per class, k = 20, cosine, mean over draws)',
  defaults: { perClass: 10, draws: 5, k: 20 },
  presets: { quick: { perClass: 10, draws: 2, k: 20 } },
  source: moduleOf(__filename),
  key: (config, settings) => ({ perClass: settings.perClass, draws: settings.draws, k: settings.k, trainSize: config.probe.trainSize, testSize: config.probe.testSize, seed: config.probe.seed }),
  async evaluate(encoder, context) {
    const where = 'few-label-knn settings';
    const { settings } = context;
    checkFewLabelSettings(settings, where);
    check(Number.isInteger(settings.k) && settings.k >= 1, `${where}.k`, 'an integer >= 1', String(settings.k));
    const x = await experimentProbeFeatures(encoder, context);
    const result = await fewLabelAccuracy(
      x,
      async (xTrain, yTrain) => (await knnAccuracy(xTrain, yTrain, x.xTest, x.yTest, { k: Math.min(settings.k, xTrain.rows), numClasses: x.numClasses })).accuracy,
      { perClass: settings.perClass, draws: settings.draws, seed: context.config.probe.seed, where },
    );
    return result.mean;
  },
};
