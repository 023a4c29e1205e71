import type { ExperimentConfig } from '../experiments/experiment-config';
import type { TrainTaskMessage } from '../experiments/train-task';
import { missingEncoders } from '../experiments/trained-encoders';
import { progressBar, type ProgressBarOptions } from './progress-bar';

/** What `trainingProgress` returns: the callback for recipes and the closing call. */
export interface TrainingProgress {
  /** Pass as `onEpoch` to a recipe (`memorizationScores`, `regimeStudy`, ...). */
  readonly onEpoch: (message: TrainTaskMessage) => void;
  /** Ends the bar: how many encoders were trained, or that all came from the run cache. */
  finish(): void;
}

/**
 * A progress bar for a notebook cell over the trainings that the experiments `configs`
 * still need (encoders in the run cache are neither trained nor counted; call
 * `initBackend` first). Shows encoders done, the running ones' epoch and an ETA; prints
 * the trainer's warnings (a loss stuck at chance level) as they come. Headless runs
 * (scripts/run-notebook.py) keep one final line in the notebook and report progress
 * through the status file.
 */
export function trainingProgress(configs: ExperimentConfig | readonly ExperimentConfig[], options: ProgressBarOptions & { log?: (line: string) => void } = {}): TrainingProgress {
  const { log = (line: string) => console.log(line), ...barOptions } = options;
  const list: readonly ExperimentConfig[] = Array.isArray(configs) ? configs : [configs as ExperimentConfig];
  const epochs = list.reduce((n, c) => n + missingEncoders(c).length * c.train.epochs, 0);
  const bar = progressBar(epochs, { label: 'train', ...barOptions });
  const latest = new Map<string, TrainTaskMessage>();
  let done = 0;
  let trained = 0;
  return {
    onEpoch: (m) => {
      if (m.warning !== undefined) {
        log(`warning: ${m.warning}`);
        return;
      }
      done++;
      if (m.epoch === m.epochs) trained++;
      latest.set(`${m.side}${m.seed}`, m);
      const running = [...latest.values()].filter((x) => x.epoch < x.epochs).map((x) => `${x.side}${x.seed} ${x.epoch}/${x.epochs}`);
      bar.update(done, `${trained} encoder(s) trained${running.length > 0 ? `; ${running.join(', ')}` : ''}; loss ${m.loss.toFixed(3)}`);
    },
    finish: () => bar.finish(trained === 0 ? 'all encoders from the run cache' : `${trained} encoder(s) trained`),
  };
}
