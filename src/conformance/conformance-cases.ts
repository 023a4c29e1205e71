import type { ConformanceCase } from './conformance-case';
import { kernelCases } from './kernel-cases';
import { checkpointCase, encoderCases, perExampleCases, trainingCases } from './model-cases';

/**
 * Every case of the conformance suite, in table order: kernels and their gradients, whole
 * encoders, DP-SGD's per-example gradient norms, a short training run of each framework,
 * a checkpoint round trip.
 */
export function conformanceCases(): ConformanceCase[] {
  return [...kernelCases(), ...encoderCases(), ...perExampleCases(), ...trainingCases(), checkpointCase()];
}
