/**
 * Worker task of the laptop-epoch row: one encoder f of the laptop preset trained by the
 * library as a user runs it (real MNIST, the preset's augmentation, encoder, projector,
 * batch size and optimizer) for a few epochs; the median epoch time after the first.
 */
import { setupBackend } from './backend';
import { loadExperimentData, preset, trainSide, withOverrides } from './library';

/** Arguments of `timeLaptopEpoch`. */
export interface EpochTaskArgs {
  readonly threads: number;
  /** Epochs trained; the first is a warm-up. */
  readonly epochs: number;
}

/** What `timeLaptopEpoch` measured, and the setting PyTorch must repeat. */
export interface EpochTaskResult {
  readonly backend: string;
  readonly threads: number;
  /** Median ms per epoch after the first. */
  readonly ms: number;
  /** Images f trains on (S_S + S_C) and the batch size (the last incomplete batch is dropped). */
  readonly images: number;
  readonly batch: number;
  readonly encoder: Record<string, unknown>;
  readonly objective: Record<string, unknown>;
}

export async function timeLaptopEpoch(args: EpochTaskArgs): Promise<EpochTaskResult> {
  const backend = await setupBackend(args.threads);
  const config = withOverrides(preset('laptop'), { train: { epochs: args.epochs, checkpointEpochs: [] } });
  const data = await loadExperimentData(config);
  const trained = await trainSide(config, data, 'f', 0);
  try {
    const seconds = (trained.history.array('seconds') as number[]).slice(1).sort((a, b) => a - b);
    const mid = seconds.length >> 1;
    const median = seconds.length % 2 === 1 ? seconds[mid] : (seconds[mid - 1] + seconds[mid]) / 2;
    return {
      backend: backend.name,
      threads: backend.threads,
      ms: 1000 * median,
      images: data.split.S_S.length + data.split.S_C.length,
      batch: config.train.batchSize,
      encoder: { ...config.encoder },
      objective: { ...config.objective },
    };
  } finally {
    trained.dispose();
  }
}
