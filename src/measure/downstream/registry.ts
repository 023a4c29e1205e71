import { fashionDownstream } from './fashion';
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
} satisfies Record<string, DownstreamTaskDef<unknown>>;
