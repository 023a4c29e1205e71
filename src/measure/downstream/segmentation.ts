import { segmentationTask as segmentationOf } from '../../eval/segmentation/segmentation-task';
import { moduleOf } from '../../runs/code-fingerprint';
import type { DownstreamTaskDef } from './downstream-task-def';

/** Settings of the segmentation task. */
export interface SegmentationTaskSettings {
  /** Canvases the decoder trains on. */
  readonly trainCanvases: number;
  /** Canvases it is scored on. */
  readonly testCanvases: number;
  /** Decoder epochs (default the decoder's own). */
  readonly epochs?: number;
}

/** `segmentation`: mIoU of a light decoder on canvases of several test digits (see `segmentationTask`). */
export const segmentationDownstream: DownstreamTaskDef<SegmentationTaskSettings> = {
  name: 'segmentation',
  text: 'segmentation mIoU',
  defaults: { trainCanvases: 2000, testCanvases: 1000 },
  presets: { quick: { trainCanvases: 400, testCanvases: 200 } },
  source: moduleOf(__filename),
  key: (config, settings) => ({ ...settings, seed: config.probe.seed }),
  async evaluate(encoder, context) {
    const s = context.settings;
    const r = await segmentationOf(encoder, context.pair.test, {
      trainCanvases: s.trainCanvases,
      testCanvases: s.testCanvases,
      seed: context.config.probe.seed,
      ...(s.epochs === undefined ? {} : { decoder: { epochs: s.epochs } }),
    });
    return r.miou;
  },
};
