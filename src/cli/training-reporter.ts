import type { JobMessage } from '../plans/runner';
import { formatDuration, progressBar, type StatusLine } from './status-line';

/**
 * The `onEpoch` callback of `trainedEncoders` that reports training progress: one line per
 * epoch (`f seed 0  epoch 3/30  loss 4.1234  elapsed 12.3s  eta 1m02s`) when the stream is
 * not a terminal; on a terminal a `\r` bar over all trainings with an ETA, plus one line
 * per finished encoder. Warnings of the trainer are printed as they come.
 * `jobs` are the trainings that will run. When several of them share a label (a finding
 * trains `f seed 0` once per split, framework or level), messages cannot tell them apart, so
 * the epochs done are counted message by message instead of read from each job's latest.
 */
export function trainingReporter(
  line: StatusLine,
  jobs: ReadonlyArray<{ label?: string; train: { epochs: number } }>,
  options: { tty: boolean; now?: () => number },
): (message: JobMessage) => void {
  const now = options.now ?? Date.now;
  const start = now();
  const latest = new Map<string, JobMessage>();
  const total = jobs.reduce((n, job) => n + job.train.epochs, 0);
  const labels = jobs.map((job) => job.label);
  const shared = labels.some((label, i) => label !== undefined && labels.indexOf(label) !== i);
  let counted = 0;
  const width = String(Math.max(...jobs.map((job) => job.train.epochs), 1)).length;
  return (m) => {
    const name = m.label;
    if (m.warning !== undefined) {
      line.log(`warning: ${m.warning}`);
      return;
    }
    if (m.note !== undefined) {
      line.log(m.note);
      return;
    }
    const seconds = (now() - start) / 1000;
    const elapsed = formatDuration(seconds);
    latest.set(m.label, m);
    counted++;
    const done = shared ? Math.min(counted, total) : [...latest.values()].reduce((s, x) => s + x.epoch, 0);
    const eta = done > 0 && done < total ? `  eta ${formatDuration((seconds * (total - done)) / done)}` : '';
    const epochText = `epoch ${String(m.epoch).padStart(width)}/${m.epochs}  loss ${m.loss.toFixed(4)}${m.epsilon === undefined ? '' : `  epsilon ${m.epsilon.toFixed(2)}`}`;
    if (!options.tty) {
      line.log(`${name}  ${epochText}  elapsed ${elapsed}${eta}`);
      return;
    }
    if (m.epoch === m.epochs) line.log(`${name}  trained: ${epochText}  elapsed ${elapsed}`);
    const running = [...latest.values()]
      .filter((x) => x.epoch < x.epochs)
      .map((x) => `${x.label} ${x.epoch}/${x.epochs} loss ${x.loss.toFixed(3)}`)
      .join(', ');
    line.status(`training ${progressBar(total > 0 ? done / total : 1)} ${done}/${total} epochs  ${running}  ${elapsed}${eta}`);
  };
}
