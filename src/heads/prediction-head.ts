import { projectionHead, type ProjectionHead, type ProjectionHeadOptions } from './projection-head';

/** Defaults of `predictionHead`: BYOL's predictor shape, `dense -> BN -> relu -> dense`. */
export const defaultPredictionHeadOptions: Partial<ProjectionHeadOptions> = {
  hidden: [512],
  outDim: 128,
  batchNorm: true,
  name: 'predictor',
};

/**
 * The predictor q of BYOL and SimSiam: an MLP head on the projection, `[batch, inDim]` ->
 * `[batch, outDim]` (outDim = the projection width). SimSiam uses a bottleneck (hidden
 * a quarter of the width). The same module as `projectionHead`, with predictor defaults.
 */
export function predictionHead(options: Partial<ProjectionHeadOptions> = {}): ProjectionHead {
  return projectionHead({ ...defaultPredictionHeadOptions, ...options });
}
