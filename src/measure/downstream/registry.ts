import { fashionDownstream } from './fashion';
import { fewLabelKnnDownstream } from './few-label-knn';
import { fewLabelProbeDownstream } from './few-label-probe';
import { knnDownstream } from './knn';
import { probeDownstream } from './probe';
import { segmentationDownstream } from './segmentation';
import type { DownstreamTaskDef } from './downstream-task-def';

/**
 * Every downstream task by name, in report order. Adding a task: a file exporting its
 * `DownstreamTaskDef` and one line here; its results are cached under its own key, so no
 * other task's cached result changes.
 */
export const downstreamRegistry = {
  probe: probeDownstream,
  knn: knnDownstream,
  fashion: fashionDownstream,
  segmentation: segmentationDownstream,
  'few-label-probe': fewLabelProbeDownstream,
  'few-label-knn': fewLabelKnnDownstream,
} satisfies Record<string, DownstreamTaskDef<unknown>>;
