import { resolve } from 'node:path';
import { describeBackend, initBackend, type BackendChoice } from '../backend/init-backend';
import { defaultQueueName } from '../queue/queue-job';
import { startQueueWorker } from '../queue/queue-worker';
import { pingRedis, redactedUrl, redisOptions } from '../queue/redis-url';
import { defaultWorkerLimits } from '../queue/worker-limits';
import { defaultRunRoot } from '../runs/run-store';
import { InputError } from '../util/errors';
import type { Command } from './command';
import { useImageCacheBeside } from './image-folder-note';
import { backendNames } from './experiment-options';

/** `sslmem worker`: serve a Redis training queue until stopped. */
export const workerCommand: Command = {
  summary: 'Serve a Redis training queue: train the jobs that sslmem score --queue (and the other commands) submit.',
  help: {
    command: 'sslmem worker',
    summary:
      'Takes training jobs from a BullMQ queue on Redis and trains each into the run store, one child process per ' +
      'training. Run one (or more) per machine, all on the same Redis and a store on a shared filesystem; submit with ' +
      '--queue URL on score, train, probe, layer-mem or label-memorization. Each job is checked as plain data and against ' +
      'this worker\'s limits before it runs (a malformed, oversized or cancelled job, or one whose dataset is missing, ' +
      'fails at once and the worker keeps serving); sslmem queue cancel stops a running training; a killed worker\'s job is ' +
      'taken up again and resumes from its last checkpoint. Stops on Ctrl-C or SIGTERM after the running trainings.',
    options: [
      { name: 'queue', kind: 'string', valueName: 'URL', description: 'Redis URL: redis://HOST:PORT, redis://:PASSWORD@HOST:PORT, rediss:// for TLS (required).' },
      { name: 'runs', kind: 'string', valueName: 'DIR', defaultText: 'runs/ or $SSLMEM_RUNS', description: 'The shared run store the encoders go to.' },
      { name: 'concurrency', kind: 'integer', min: 1, default: 1, description: 'Trainings at once on this machine (each in its own process).' },
      { name: 'backend', kind: 'choice', choices: backendNames, defaultText: 'auto or $SSLMEM_BACKEND', description: "Backend of the trainings; it must compute like the submitter's (run keys name the arithmetic)." },
      { name: 'data-root', kind: 'string', valueName: 'DIR', repeated: true, description: 'A folder jobs may name as dataset.dir, symbolic links followed (default none: jobs use the built-in datasets).' },
      { name: 'max-epochs', kind: 'integer', min: 1, default: defaultWorkerLimits.maxEpochs, description: 'Refuse jobs of more training epochs.' },
      { name: 'max-train-size', kind: 'integer', min: 1, default: defaultWorkerLimits.maxTrainSize, description: 'Refuse jobs that train on (or generate) more images.' },
      { name: 'max-label', kind: 'integer', min: 1, default: defaultWorkerLimits.maxLabel, description: 'Refuse jobs with longer labels (characters).' },
      { name: 'queue-name', kind: 'string', valueName: 'NAME', default: defaultQueueName, description: 'The queue.' },
      { name: 'lock-ms', kind: 'integer', min: 1000, default: 30000, description: 'Job lock duration: how soon a killed worker\'s job counts as stalled.' },
      { name: 'stalled-ms', kind: 'integer', min: 500, default: 30000, description: 'How often to look for stalled jobs.' },
      { name: 'quiet', kind: 'flag', description: 'Print only errors.' },
      { name: 'verbose', kind: 'flag', description: 'Print the stack trace of errors.' },
    ],
    examples: ['sslmem worker --queue redis://127.0.0.1:6379 --runs /shared/sslmem-runs', 'sslmem worker --queue rediss://:s3cret@queue.lab:6380 --runs /shared/runs --concurrency 2'],
    notes: ['Keep Redis on trusted machines (bind it to a private network, set requirepass): whoever can reach it can queue trainings.'],
  },
  async run({ values }, io) {
    const url = values.queue as string | undefined;
    if (url === undefined) throw new InputError('option --queue', 'the Redis URL of the queue (--queue redis://HOST:PORT)', 'nothing');
    redisOptions(url);
    try {
      await pingRedis(url);
    } catch (error) {
      throw new InputError('option --queue', `a Redis that answers at ${redactedUrl(url)}`, (error as Error).message);
    }
    const root = resolve((values.runs as string | undefined) ?? defaultRunRoot());
    useImageCacheBeside(root);
    const quiet = values.quiet === true;
    const stamp = () => new Date().toISOString().slice(11, 19);
    const backend = (values.backend as BackendChoice | undefined) ?? ((process.env.SSLMEM_BACKEND as BackendChoice | undefined) || 'auto');
    const info = await initBackend({ backend });
    if (!quiet) io.stderr.write(`${describeBackend(info)}\n`);
    const worker = startQueueWorker({
      url,
      root,
      queue: values['queue-name'] as string,
      concurrency: values.concurrency as number,
      backend: info.name as BackendChoice,
      dataRoots: ((values['data-root'] as string[] | undefined) ?? []).map((d) => resolve(d)),
      limits: { maxEpochs: values['max-epochs'] as number, maxTrainSize: values['max-train-size'] as number, maxLabel: values['max-label'] as number },
      lockDurationMs: values['lock-ms'] as number,
      stalledIntervalMs: values['stalled-ms'] as number,
      onEvent: (e) => {
        if (e.type === 'error') io.stderr.write(`${stamp()} queue error: ${e.message}\n`);
        else if (e.type === 'failed') io.stderr.write(`${stamp()} failed ${e.label} (${e.key.slice(0, 12)}): ${e.message}\n`);
        else if (!quiet) io.stderr.write(`${stamp()} ${e.type === 'active' ? 'started' : 'finished'} ${e.label} (${e.key.slice(0, 12)})\n`);
      },
    });
    if (!quiet) {
      io.stderr.write(`worker ${worker.name}: serving ${values['queue-name'] as string} on ${redactedUrl(url)}, run store ${root}\n`);
      io.stderr.write(`limits: ${values['max-epochs'] as number} epochs, ${values['max-train-size'] as number} training images, labels of ${values['max-label'] as number} characters (--max-epochs, --max-train-size, --max-label)\n`);
    }
    await new Promise<void>((done) => {
      const stop = () => {
        if (!quiet) io.stderr.write(`worker ${worker.name}: stopping after the running trainings\n`);
        void worker.close().then(done, done);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    return 0;
  },
};
