// A child process that trains one job for a queue worker: it receives the task arguments
// over IPC, posts progress messages back and exits. It also exits as soon as its parent
// is gone (the IPC channel closes), so a killed worker leaves no orphan training; the
// job's checkpoints stay in the store's work folder for the retry to resume from.
import { trainJobTask, type TrainJobTaskArgs } from '../plans/train-job-task';

type ToChild = { type: 'train'; args: TrainJobTaskArgs };
export type FromChild = { type: 'progress'; message: unknown } | { type: 'done'; key: string } | { type: 'error'; name: string; message: string; stack?: string };

function send(message: FromChild, then?: () => void): void {
  process.send?.(message, undefined, {}, () => then?.());
}

if (process.send !== undefined) {
  process.on('disconnect', () => process.exit(1));
  process.once('message', (message: ToChild) => {
    trainJobTask(message.args, { progress: () => {}, post: (m) => send({ type: 'progress', message: m }) })
      .then((key) => {
        send({ type: 'done', key }, () => process.exit(0));
      })
      .catch((error: unknown) => {
        const e = error instanceof Error ? error : new Error(String(error));
        send({ type: 'error', name: e.name, message: e.message, stack: e.stack }, () => process.exit(0));
      });
  });
}
