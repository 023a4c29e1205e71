/**
 * The laptop-epoch row's model: encoder f of the laptop preset trained by the library as a
 * user runs it (real MNIST, the preset's augmentation, encoder, projector, batch size and
 * optimizer). `laptopEpochs` loads the data once; each `run(n)` trains n more epochs of a
 * fresh f plus one untimed epoch first (`trainSide` trains from scratch, and its first
 * epoch includes compiling and loading) and gives the ms of those n.
 */
import { setupBackend } from './backend';
import { loadExperimentData, preset, trainSide, withOverrides } from './library';

/** The setting PyTorch must repeat (bench/pytorch_reference.py's `EpochRunner`). */
export interface EpochSetting {
  /** Images f trains on (S_S + S_C) and the batch size (the last incomplete batch is dropped). */
  readonly images: number;
  readonly batch: number;
  readonly encoder: Record<string, unknown>;
  readonly objective: Record<string, unknown>;
}

/** What `laptopEpochs` offers. */
export interface LaptopEpochs {
  readonly backend: string;
  readonly products: string;
  readonly threads: number;
  readonly setting: EpochSetting;
  /** ms of each of `epochs` more epochs, and the loss of the first and the last. */
  run(epochs: number): Promise<{ times: number[]; firstLoss: number; loss: number }>;
}

export async function laptopEpochs(threads: number): Promise<LaptopEpochs> {
  const backend = await setupBackend(threads);
  const base = preset('laptop');
  const data = await loadExperimentData(base);
  return {
    backend: backend.name,
    products: backend.products,
    threads: backend.threads,
    setting: {
      images: data.split.S_S.length + data.split.S_C.length,
      batch: base.train.batchSize,
      encoder: { ...base.encoder },
      objective: { ...base.objective },
    },
    run: async (epochs) => {
      const config = withOverrides(base, { train: { epochs: epochs + 1, checkpointEpochs: [] } });
      const trained = await trainSide(config, data, 'f', 0);
      try {
        const seconds = (trained.history.array('seconds') as number[]).slice(1);
        const losses = (trained.history.array('loss') as number[]).slice(1);
        return { times: seconds.map((s) => 1000 * s), firstLoss: losses[0], loss: losses[losses.length - 1] };
      } finally {
        trained.dispose();
      }
    },
  };
}
