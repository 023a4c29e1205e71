import type { DatasetPair } from '../../data/dataset';
import type { Encoder } from '../../encoders/encoder';
import type { ExperimentConfig } from '../../design/experiment-config';
import type { PresetName } from '../../design/presets';

/**
 * What a downstream task gets besides the frozen encoder: the experiment's config (its
 * probe sizes and seed), its dataset pair, the task's own settings, and `shared`, which
 * computes a value once per encoder for every task that asks for it by the same key
 * (probe and kNN share the features of the probe's points).
 */
export interface DownstreamContext<Settings> {
  readonly config: ExperimentConfig;
  readonly pair: DatasetPair;
  readonly settings: Settings;
  shared<T>(key: string, compute: () => Promise<T>): Promise<T>;
}

/**
 * A downstream task on a frozen encoder: one file, one value, one line in the registry.
 * Its result is cached per trained job under the job's run config plus `key(config,
 * settings)` (only what this task's number depends on) and the provenance of `source`.
 */
export interface DownstreamTaskDef<Settings> {
  /** The name in tables and the registry, e.g. `knn`. */
  readonly name: string;
  /** What it reports, for tables and figure titles. */
  readonly text: string;
  /** Sizes for the laptop and paper presets. */
  readonly defaults: Settings;
  /** Sizes for presets that differ from `defaults` (e.g. small ones for quick). */
  readonly presets?: Partial<Record<PresetName, Settings>>;
  /** The library module of the task's file (`moduleOf(__filename)`): its code fingerprint keys the cached results. */
  readonly source: string;
  /** The parts of the config and settings the task's number depends on (its cache key, with the job's run config). */
  key(config: ExperimentConfig, settings: Settings): Record<string, unknown>;
  /** The task's number for a frozen encoder. */
  evaluate(encoder: Encoder, context: DownstreamContext<Settings>): Promise<number>;
}
