import type { ExperimentConfig } from '../design/experiment-config';
import type { JobMessage } from '../plans/runner';
import { encoderStore } from '../plans/encoder-store';
import { jobKey } from '../plans/job-key';
import { sidePlan } from '../plans/side-plan';
import type { TrainingJob } from '../plans/training-job';
import { guardedStdout, progressBar, type ProgressBarOptions } from './progress-bar';

/** What `trainingProgress` returns: the callback for recipes and the closing call. */
export interface TrainingProgress {
  /** Pass as `onEpoch` to a recipe (`memorizationScores`, a finding's `run`, ...). */
  readonly onEpoch: (message: JobMessage) => void;
  /**
   * Pass as `onStage` to a finding's `run`: a stage whose trainings became known only after an
   * earlier stage (the subsets of a coreset study) adds their epochs to the bar.
   */
  readonly onStage: (stage: { readonly jobs?: readonly TrainingJob[] }) => void;
  /** Ends the bar: how many encoders were trained, or that all came from the run cache. */
  finish(): void;
}

/**
 * A progress bar for a notebook cell over the trainings that the experiments `configs`
 * still need (encoders in the run cache are neither trained nor counted, nor are the epochs
 * an interrupted training resumes after; call
 * `initBackend` first). Shows encoders done, the running ones' epoch and an ETA; prints
 * the trainer's warnings (a loss stuck at chance level) as they come. Headless runs
 * (scripts/run-notebook.py) keep one final line in the notebook and report progress
 * through the status file.
 */
export function trainingProgress(
  configs: ExperimentConfig | readonly ExperimentConfig[] | readonly TrainingJob[],
  options: ProgressBarOptions & { log?: (line: string) => void } = {},
): TrainingProgress {
  const out = guardedStdout();
  const { log = (line: string) => out(`${line}\n`), ...barOptions } = options;
  const list = (Array.isArray(configs) ? configs : [configs]) as ReadonlyArray<ExperimentConfig | TrainingJob>;
  const jobs = list.flatMap((c) => ('trainSet' in c ? [c] : [...sidePlan(c)]));
  const store = encoderStore();
  // Epochs still to train: an interrupted training resumes after its last checkpoint.
  const epochsOf = (of: readonly TrainingJob[]) => store.missing(of).reduce((n, job) => n + job.train.epochs - store.resumeEpoch(job), 0);
  const counted = new Set(jobs.map((job) => jobKey(job)));
  const epochs = epochsOf(jobs);
  const bar = progressBar(epochs, { label: 'train', ...barOptions });
  const latest = new Map<string, JobMessage>();
  let done = 0;
  let trained = 0;
  return {
    onStage: (stage) => {
      const added = (stage.jobs ?? []).filter((job) => !counted.has(jobKey(job)));
      added.forEach((job) => counted.add(jobKey(job)));
      bar.grow(epochsOf(added));
    },
    onEpoch: (m) => {
      if (m.warning !== undefined) {
        log(`warning: ${m.warning}`);
        return;
      }
      done++;
      if (m.epoch === m.epochs) trained++;
      latest.set(m.label, m);
      const running = [...latest.values()].filter((x) => x.epoch < x.epochs).map((x) => `${x.label} ${x.epoch}/${x.epochs}`);
      bar.update(done, `${trained} encoder(s) trained${running.length > 0 ? `; ${running.join(', ')}` : ''}; loss ${m.loss.toFixed(3)}`);
    },
    finish: () => bar.finish(trained === 0 ? 'all encoders from the run cache' : `${trained} encoder(s) trained`),
  };
}
