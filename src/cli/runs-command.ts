import { collectGarbage, verifyRuns, type RunReport } from '../runs/run-maintenance';
import { defaultRunRoot, runStore } from '../runs/run-store';
import { formatSize } from '../util/storage-error';
import type { Command } from './command';
import { formatTable } from './summary-text';

function countText(reports: readonly RunReport[], interrupted: number): string {
  const runs = reports.filter((r) => r.part === 'run');
  const work = reports.filter((r) => r.part === 'work');
  const n = (list: readonly RunReport[], state: RunReport['state']) => list.filter((r) => r.state === state).length;
  return (
    `${runs.length} run(s): ${n(runs, 'ok')} ok, ${n(runs, 'damaged')} damaged, ${n(runs, 'stale')} stale; ` +
    `${interrupted} work folder(s): ${n(work, 'damaged')} with a damaged checkpoint, ${n(work, 'busy')} training now`
  );
}

/** `sslmem runs list|verify|gc`: look after the run store. */
export const runsCommand: Command = {
  summary: 'Look after the run store: list it, verify every file, remove what is damaged or stale.',
  help: {
    command: 'sslmem runs',
    summary:
      'The run store caches trained encoders and score tables by a key of everything that decides their numbers (config, ' +
      'library version, the code that computed them, the backend arithmetic). `list` shows what it holds per kind; `verify` ' +
      'checks every file against the size and SHA-256 recorded when it was written and says which runs today\'s code would no ' +
      'longer reuse (stale), and every checkpoint in the work folders of interrupted trainings against its record; `gc` removes ' +
      'unfinished writes and locks of processes that are gone, damaged runs, damaged checkpoints of work folders (a resume would ' +
      'skip them), (unless --keep-stale) stale runs and interrupted trainings that cannot be resumed, (with --interrupted) every ' +
      'interrupted training no process is training, and (with --out DIR) what killed writes left beside an output folder.',
    positionals: [{ name: 'action', description: 'What to do', choices: ['list', 'verify', 'gc'] }],
    options: [
      { name: 'runs', kind: 'string', valueName: 'DIR', defaultText: 'runs/ or $SSLMEM_RUNS', description: 'The run store.' },
      { name: 'dry-run', kind: 'flag', description: 'gc: list what would be removed, remove nothing.' },
      { name: 'keep-stale', kind: 'flag', description: 'gc: keep runs of other library versions or code.' },
      { name: 'interrupted', kind: 'flag', description: 'gc: also remove interrupted trainings of today\'s code (they could be resumed) that no process is training.' },
      { name: 'out', kind: 'string', valueName: 'DIR', description: 'gc: also finish or undo what killed writes left beside this output folder (.NAME.new-*, .NAME.old-*, .*.tmp).' },
      { name: 'verbose', kind: 'flag', description: 'Print the stack trace of errors.' },
    ],
    notes: ['verify exits with 1 when a run or a work checkpoint is damaged. Damaged runs are also found (and computed again) whenever a command reads them.'],
    examples: ['sslmem runs verify', 'sslmem runs gc --dry-run --runs /shared/sslmem-runs', 'sslmem runs gc --out out/quick'],
  },
  async run({ values, positionals }, io) {
    const store = runStore((values.runs as string | undefined) ?? defaultRunRoot(), { sweep: false });
    const action = positionals.action;
    if (action === 'gc') {
      const dryRun = values['dry-run'] === true;
      const out = values.out as string | undefined;
      const items = collectGarbage(store, { dryRun, keepStale: values['keep-stale'] === true, interrupted: values.interrupted === true, ...(out === undefined ? {} : { outs: [out] }) });
      for (const item of items) io.stdout.write(`${dryRun ? 'would remove' : 'removed'} ${item.path} (${formatSize(item.bytes)}): ${item.why}\n`);
      const bytes = items.reduce((s, i) => s + i.bytes, 0);
      io.stdout.write(`${store.root}: ${dryRun ? 'would free' : 'freed'} ${formatSize(bytes)} in ${items.length} item(s)\n`);
      return 0;
    }
    const reports = verifyRuns(store);
    const runReports = reports.filter((r) => r.part === 'run');
    if (action === 'list') {
      const rows = store.kinds().map((kind) => {
        const mine = runReports.filter((r) => r.kind === kind);
        return {
          kind,
          runs: mine.length,
          stale: mine.filter((r) => r.state === 'stale').length,
          damaged: mine.filter((r) => r.state === 'damaged').length,
          interrupted: store.workKeys(kind).length,
          size: formatSize(mine.reduce((s, r) => s + r.bytes, 0)),
        };
      });
      io.stdout.write(rows.length === 0 ? `${store.root}: empty\n` : `${store.root}\n${formatTable(rows, ['kind', 'runs', 'stale', 'damaged', 'interrupted', 'size'])}\n`);
      return 0;
    }
    for (const r of reports) if (r.state !== 'ok') io.stdout.write(`${r.state.padEnd(7)} ${r.dir}: ${r.problem}\n`);
    const interrupted = store.kinds().reduce((n, kind) => n + store.workKeys(kind).length, 0);
    io.stdout.write(`${store.root}: ${countText(reports, interrupted)}${reports.some((r) => r.state === 'damaged') ? ' (sslmem runs gc removes the damaged ones)' : ''}\n`);
    return reports.some((r) => r.state === 'damaged') ? 1 : 0;
  },
};
