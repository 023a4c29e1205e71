import { hostname } from 'node:os';
import { cancelQueuedJobs, cleanQueue, queueJobs, type CancelSelection, type QueueJobInfo } from '../queue/queue-admin';
import { defaultQueueName } from '../queue/queue-job';
import { redactedUrl, redisOptions } from '../queue/redis-url';
import { InputError } from '../util/errors';
import type { Command } from './command';
import { formatDuration } from './status-line';
import { formatTable } from './summary-text';

function progressText(job: QueueJobInfo): string {
  if (job.epoch === undefined || job.epochs === undefined) return job.state === 'active' ? 'starting' : '';
  return `${job.epoch}/${job.epochs} (${Math.floor((100 * job.epoch) / Math.max(job.epochs, 1))}%)`;
}

/** `sslmem queue status|cancel|clean`: watch and steer a Redis training queue. */
export const queueCommand: Command = {
  summary: 'Watch and steer a Redis training queue: list its jobs and workers, cancel jobs, remove finished ones.',
  help: {
    command: 'sslmem queue',
    summary:
      '`status` lists the jobs of the queue (running, waiting, failed, completed) with label, run key, submitter, worker, ' +
      'progress and age, and the workers connected. `cancel JOBID` (a run key or its first digits, as status prints them), ' +
      '`cancel --all` or `cancel --submitter ID` cancels jobs: a waiting job is removed, a running one is stopped (its ' +
      'worker kills the training and takes the next job); their submitters report them as cancelled. `clean` removes the ' +
      'completed and failed jobs.',
    positionals: [
      { name: 'action', description: 'What to do', choices: ['status', 'cancel', 'clean'] },
      { name: 'job', description: 'cancel: the job id (run key, or a prefix of it).', required: false },
    ],
    options: [
      { name: 'queue', kind: 'string', valueName: 'URL', description: 'Redis URL of the queue, as given to sslmem worker (required).' },
      { name: 'queue-name', kind: 'string', valueName: 'NAME', default: defaultQueueName, description: 'The queue.' },
      { name: 'all', kind: 'flag', description: 'cancel: every waiting and running job.' },
      { name: 'submitter', kind: 'string', valueName: 'ID', description: 'cancel: every waiting and running job of this submitter (host/pid, as status and the submitting command print it).' },
      { name: 'limit', kind: 'integer', min: 1, default: 50, description: 'status: at most this many jobs per state.' },
      { name: 'verbose', kind: 'flag', description: 'Print the stack trace of errors.' },
    ],
    examples: ['sslmem queue status --queue redis://127.0.0.1:6379', 'sslmem queue cancel --submitter node3/4711 --queue redis://127.0.0.1:6379', 'sslmem queue clean --queue redis://127.0.0.1:6379'],
  },
  async run({ values, positionals }, io) {
    const url = values.queue as string | undefined;
    if (url === undefined) throw new InputError('option --queue', 'the Redis URL of the queue (--queue redis://HOST:PORT)', 'nothing');
    redisOptions(url);
    const queue = values['queue-name'] as string;
    const where = `queue ${queue} on ${redactedUrl(url)}`;
    const action = positionals.action;
    if (action !== 'cancel' && positionals.job !== undefined) throw new InputError(`sslmem queue ${action}`, 'no job id (only cancel takes one)', JSON.stringify(positionals.job));
    if (action === 'status') {
      const { jobs, workers } = await queueJobs(url, { queue, limit: values.limit as number });
      const now = Date.now();
      io.stdout.write(`${where}: ${workers.length === 0 ? 'no worker connected' : `${workers.length} worker(s): ${workers.join(', ')}`}\n`);
      if (jobs.length === 0) {
        io.stdout.write('no jobs\n');
        return 0;
      }
      const rows = jobs.map((j) => ({
        state: j.state,
        job: j.id.slice(0, 12),
        label: j.label,
        submitter: j.submitter ?? '',
        worker: j.worker ?? '',
        progress: progressText(j),
        age: formatDuration(Math.max(0, now - j.queuedAt) / 1000),
        tries: j.attempts,
      }));
      io.stdout.write(`${formatTable(rows, ['state', 'job', 'label', 'submitter', 'worker', 'progress', 'age', 'tries'])}\n`);
      for (const j of jobs) if (j.state === 'failed' && j.failedReason !== undefined) io.stdout.write(`failed ${j.id.slice(0, 12)} (${j.label}): ${j.failedReason.slice(0, 400)}\n`);
      return 0;
    }
    if (action === 'clean') {
      const removed = await cleanQueue(url, { queue });
      io.stdout.write(`${where}: removed ${removed.completed} completed and ${removed.failed} failed job(s)\n`);
      return 0;
    }
    const chosen = [positionals.job !== undefined, values.all === true, values.submitter !== undefined].filter(Boolean).length;
    if (chosen !== 1) throw new InputError('sslmem queue cancel', 'exactly one of JOBID, --all, --submitter ID', chosen === 0 ? 'none' : 'more than one');
    let selection: CancelSelection;
    if (positionals.job !== undefined) {
      const prefix = positionals.job;
      if (!/^[0-9a-f]{1,64}$/.test(prefix)) throw new InputError('argument <job>', 'a job id: a run key (hex digits) or its first digits, as sslmem queue status prints it', JSON.stringify(prefix.slice(0, 80)));
      let id = prefix;
      if (prefix.length < 64) {
        const matches = (await queueJobs(url, { queue, limit: 10_000 })).jobs.filter((j) => j.id.startsWith(prefix) && j.state !== 'completed' && j.state !== 'failed');
        if (matches.length !== 1) throw new InputError('argument <job>', `the id (or first digits) of one unfinished job of the ${where}`, matches.length === 0 ? `no job starting with ${prefix}` : `${matches.length} jobs starting with ${prefix}`);
        id = matches[0].id;
      }
      selection = { id };
    } else selection = values.all === true ? { all: true } : { submitter: values.submitter as string };
    const outcomes = await cancelQueuedJobs(url, selection, { queue, by: `sslmem queue cancel on ${hostname()}/${process.pid}` });
    for (const o of outcomes) {
      const text = o.outcome === 'removed' ? 'removed from the queue' : o.outcome === 'stopping' ? 'running: its worker stops the training' : 'already finished: nothing to cancel';
      io.stdout.write(`${o.id.slice(0, 12)} (${o.label}): ${text}\n`);
    }
    io.stdout.write(`${where}: ${outcomes.filter((o) => o.outcome !== 'finished').length} job(s) cancelled\n`);
    return 0;
  },
};
