import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { presetNames } from '../design/presets';
import { InputError } from '../util/errors';
import type { Command } from './command';
import { ensureFrontEnd, frontEndName, type FrontEnd } from './jupyter-front-end';

/** The project (package) root: the folder holding notebooks/, scripts/ and dist/. */
function projectRoot(): string {
  return resolve(__dirname, '..', '..');
}

/** Arguments that start `frontEnd` on 127.0.0.1:`port` in `dir` with `token`. */
export function serverArgs(frontEnd: Pick<FrontEnd, 'kind'>, o: { port: number; token: string; dir: string; root: boolean }): string[] {
  const common = ['--no-browser', '--ip=127.0.0.1', `--port=${o.port}`, '--port-retries=0', ...(o.root ? ['--allow-root'] : [])];
  return frontEnd.kind === 'lab'
    ? ['-m', 'jupyterlab', ...common, `--ServerApp.root_dir=${o.dir}`, `--ServerApp.token=${o.token}`]
    : ['-m', 'notebook', ...common, `--notebook-dir=${o.dir}`, `--NotebookApp.token=${o.token}`];
}

/** `sslmem jupyter`: a notebook server on the notebooks with the project's kernel. */
export const jupyterCommand: Command = {
  summary: 'Open the notebooks in Jupyter (front end installed where missing, TypeScript kernel ready).',
  help: {
    command: 'sslmem jupyter',
    summary:
      'Starts a Jupyter server on 127.0.0.1 in notebooks/ with the TypeScript kernel (tslab) of this project: ' +
      'JupyterLab where installed or installable with pip (into .jupyter/venv), else the classic Notebook ' +
      "(Debian's jupyter-notebook, installed with apt as root). Registers the kernel in .jupyter/ " +
      '(scripts/setup-jupyter.sh) and starts the server with JUPYTER_PATH pointing there; the notebooks read the ' +
      'preset from SSLMEM_PRESET and share the run store with `npm run reproduce`. Stop it with Ctrl-C.',
    options: [
      { name: 'preset', kind: 'choice', choices: presetNames, defaultText: '$SSLMEM_PRESET or laptop', description: 'Scale the notebooks run at (quick: minutes; laptop: the committed outputs, tens of minutes from a cold run store).' },
      { name: 'port', kind: 'integer', min: 1, default: 8888, description: 'Port on 127.0.0.1.' },
      { name: 'token', kind: 'string', valueName: 'TOKEN', defaultText: 'a random one, printed', description: 'Token the browser needs (in the printed address).' },
      { name: 'front-end', kind: 'choice', choices: ['auto', 'lab', 'classic'], default: 'auto', description: 'JupyterLab, the classic Notebook, or auto (JupyterLab where it can be had).' },
      { name: 'no-install', kind: 'flag', description: 'Install nothing (no pip, no apt); use what is there.' },
      { name: 'runs', kind: 'string', valueName: 'DIR', defaultText: '$SSLMEM_RUNS or runs/ at the project root', description: 'Run store the notebooks train into and read from.' },
      { name: 'verbose', kind: 'flag', description: 'Print the stack trace of errors.' },
    ],
    examples: ['npm run jupyter -- --preset quick', 'sslmem jupyter --preset quick --port 8899 --token secret', 'sslmem jupyter --front-end classic --no-install'],
    notes: ['Interrupting the kernel (Kernel > Interrupt) stops a training in progress; its checkpoints stay, and the next run resumes from them.'],
  },
  async run({ values }, io) {
    const root = projectRoot();
    const notebooks = join(root, 'notebooks');
    if (!existsSync(notebooks)) throw new InputError('sslmem jupyter', `the notebooks in ${notebooks}`, 'no such folder');
    const preset = (values.preset as string | undefined) ?? process.env.SSLMEM_PRESET ?? 'laptop';
    if (!presetNames.includes(preset as never)) throw new InputError('sslmem jupyter: $SSLMEM_PRESET', `one of ${presetNames.join(', ')}`, JSON.stringify(preset));
    const port = values.port as number;
    const token = (values.token as string | undefined) ?? randomBytes(24).toString('hex');
    const runs = resolve((values.runs as string | undefined) ?? (process.env.SSLMEM_RUNS || join(root, 'runs')));
    const say = (line: string) => io.stdout.write(`sslmem jupyter: ${line}\n`);

    const frontEnd = ensureFrontEnd(root, { want: values['front-end'] as 'auto' | 'lab' | 'classic', noInstall: values['no-install'] === true, log: say });
    say(`front end: ${frontEndName(frontEnd)} (${frontEnd.why}; ${frontEnd.python})`);
    const setup = spawnSync('bash', [join(root, 'scripts', 'setup-jupyter.sh')], {
      encoding: 'utf8',
      env: { ...process.env, SSLMEM_PYTHON: process.env.SSLMEM_PYTHON ?? frontEnd.python },
    });
    if (setup.status !== 0) throw new Error(`scripts/setup-jupyter.sh failed (exit ${setup.status}):\n${setup.stderr.trim()}`);
    const jupyterPath = join(root, '.jupyter', 'share', 'jupyter');
    say(`kernel: TypeScript (tslab of this project), found through JUPYTER_PATH=${jupyterPath}`);
    if (!existsSync(join(root, 'dist', 'index.js'))) say('warning: dist/ is missing; the notebooks import the built library: run `npm run build`');
    say(`preset: ${preset} (SSLMEM_PRESET)${preset === 'laptop' ? '; --preset quick runs every notebook in minutes' : ''}`);
    say(`run store: ${runs} (shared with npm run reproduce; trained encoders are reused)`);

    const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    const env = {
      ...process.env,
      JUPYTER_PATH: [jupyterPath, process.env.JUPYTER_PATH].filter((p) => p !== undefined && p !== '').join(delimiter),
      SSLMEM_PRESET: preset,
      SSLMEM_RUNS: runs,
    };
    const child = spawn(frontEnd.python, serverArgs(frontEnd, { port, token, dir: notebooks, root: isRoot }), { env, stdio: ['ignore', 'inherit', 'inherit'] });
    say(`open http://127.0.0.1:${port}/${frontEnd.kind === 'lab' ? 'lab' : 'tree'}?token=${token}`);
    // Ctrl-C reaches the server from the terminal itself; SIGTERM (e.g. from a test) is passed on.
    const onSigint = () => {};
    const onSigterm = () => child.kill('SIGTERM');
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigterm);
    try {
      return await new Promise<number>((done, fail) => {
        child.once('error', fail);
        child.once('exit', (code, signal) => done(code ?? (signal === 'SIGTERM' || signal === 'SIGINT' ? 0 : 1)));
      });
    } finally {
      process.removeListener('SIGINT', onSigint);
      process.removeListener('SIGTERM', onSigterm);
    }
  },
};
