import { splitSizes } from '../data/splits';
import type { ExperimentConfig } from '../design/experiment-config';

/**
 * The line that says what a gap study's verdict rests on, for the studies that test the gap
 * S_C - S_S of a set (over epochs, against a regulariser's weight) rather than a ranking of
 * points: the gap is a mean over the candidates and the shared points, so the noise of single
 * points' scores (what a ranking's reliability measures, notebooks 00 and 03) averages out and
 * the spread between training seeds limits the test; and the one downstream task, the linear
 * probe, with its labels. `seedLine` names the verdict's line that turns the seeds' spread into
 * the seeds a test needs.
 */
export function gapBasisLine(config: ExperimentConfig, what: string, seedLine: string): string {
  const sizes = splitSizes(config.split.trainSize, config.split.fractions);
  return `what the verdict rests on: ${what}, a mean over ${sizes.candidate} candidates against ${sizes.shared} shared points, so the noise of single points' scores (what a ranking's reliability measures) averages out and the spread between the ${config.seeds.length} training seed${config.seeds.length === 1 ? '' : 's'} per side limits the test (${seedLine}); accuracy: a linear probe on ${config.probe.trainSize} labels, the one downstream task`;
}
