import { linearProbe } from '../../eval/linear-probe';
import { moduleOf } from '../../runs/code-fingerprint';
import { check } from '../../util/errors';
import type { DownstreamTaskDef } from './downstream-task-def';
import { checkFewLabelSettings, fewLabelAccuracy, type FewLabelSettings } from './few-label-accuracy';
import { experimentProbeFeatures } from './probe-features';

/** Settings of the few-label probe: labels per class, label draws and epochs (its points and seed are the config's `probe`). */
export interface FewLabelProbeSettings extends FewLabelSettings {
  /**
   * Probe epochs on the labelled rows: full-batch Adam steps, since a draw is smaller than a
   * minibatch (the 5000-label probe's epochs are many more steps, so this is its own).
   */
  readonly epochs: number;
}

/**
 * `few-label-probe`: linear-probe accuracy from `perClass` labelled training images per class
 * (default 10), drawn from the probe's training points (`config.probe`) and scored on its test
 * points, averaged over `draws` label draws (default 5; `labelledDraw` with `config.probe.seed`
 * and the draw's index). Shares the probe's frozen features.
 */
export const fewLabelProbeDownstream: DownstreamTaskDef<FewLabelProbeSettings> = {
  name: 'few-label-probe',
  text: 'few-label linear probe accuracy (10 labels per class, mean over draws)',
  defaults: { perClass: 10, draws: 5, epochs: 100 },
  presets: { quick: { perClass: 10, draws: 2, epochs: 100 } },
  source: moduleOf(__filename),
  key: (config, settings) => ({
    perClass: settings.perClass,
    draws: settings.draws,
    epochs: settings.epochs,
    trainSize: config.probe.trainSize,
    testSize: config.probe.testSize,
    seed: config.probe.seed,
  }),
  async evaluate(encoder, context) {
    const where = 'few-label-probe settings';
    const { settings } = context;
    checkFewLabelSettings(settings, where);
    check(Number.isInteger(settings.epochs) && settings.epochs >= 1, `${where}.epochs`, 'an integer >= 1', String(settings.epochs));
    const x = await experimentProbeFeatures(encoder, context);
    const { seed } = context.config.probe;
    const result = await fewLabelAccuracy(
      x,
      async (xTrain, yTrain) => (await linearProbe(xTrain, yTrain, x.xTest, x.yTest, { epochs: settings.epochs, seed, numClasses: x.numClasses })).accuracy,
      { perClass: settings.perClass, draws: settings.draws, seed, where },
    );
    return result.mean;
  },
};
