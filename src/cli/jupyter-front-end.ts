import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Which notebook front end serves the notebooks. */
export type FrontEndKind = 'lab' | 'classic';

/** A front end found or installed by `ensureFrontEnd`. */
export interface FrontEnd {
  readonly kind: FrontEndKind;
  /** The Python that runs it (`python -m jupyterlab` or `python -m notebook`). */
  readonly python: string;
  readonly version: string;
  /** Why this one: one sentence for the user. */
  readonly why: string;
}

/** Options of `ensureFrontEnd`. */
export interface EnsureFrontEndOptions {
  /** `auto` (JupyterLab where installed or installable with pip, else the classic Notebook), `lab` or `classic`. Default `auto`. */
  readonly want?: 'auto' | FrontEndKind;
  /** Try no installation (pip, apt). Default false. */
  readonly noInstall?: boolean;
  /** Progress lines ("installing JupyterLab with pip ..."). */
  readonly log?: (line: string) => void;
  /** Seconds pip may wait for the package index per connection. Default 5 (offline machines fail fast). */
  readonly pipTimeoutSeconds?: number;
}

const moduleOf: Record<FrontEndKind, string> = { lab: 'jupyterlab', classic: 'notebook' };
const nameOf: Record<FrontEndKind, string> = { lab: 'JupyterLab', classic: 'classic Jupyter Notebook' };

/** The version of `module` in `python`, or undefined when it cannot import it. */
function moduleVersion(python: string, module: string): string | undefined {
  const r = spawnSync(python, ['-c', `import ${module}; print(${module}.__version__)`], { encoding: 'utf8', timeout: 60_000 });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** The first Python (via scripts/python-with.sh, then the project's venv) that imports `module`. */
function pythonWith(root: string, module: string): string | undefined {
  const venv = join(root, '.jupyter', 'venv', 'bin', 'python');
  if (existsSync(venv) && moduleVersion(venv, module) !== undefined) return venv;
  const r = spawnSync('bash', [join(root, 'scripts', 'python-with.sh'), module], { encoding: 'utf8', timeout: 120_000 });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function found(kind: FrontEndKind, python: string, why: string): FrontEnd {
  return { kind, python, version: moduleVersion(python, moduleOf[kind]) ?? '?', why };
}

/** Last non-empty line of a process's output, for a one-line reason. */
function lastLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.length > 0)
      .pop() ?? 'no output'
  );
}

/** Installs JupyterLab with pip into the project's `.jupyter/venv`; the Python, or the reason it failed. */
function pipInstallLab(root: string, timeout: number, log: (line: string) => void): { python: string } | { failed: string } {
  const venvDir = join(root, '.jupyter', 'venv');
  const python = join(venvDir, 'bin', 'python');
  if (!existsSync(python)) {
    const base = spawnSync('bash', ['-c', 'command -v python3 || command -v python'], { encoding: 'utf8' }).stdout.trim();
    if (base === '') return { failed: 'no python3 on PATH' };
    const venv = spawnSync(base, ['-m', 'venv', venvDir], { encoding: 'utf8', timeout: 120_000 });
    if (venv.status !== 0) return { failed: `${base} -m venv failed: ${lastLine(`${venv.stdout}\n${venv.stderr}`)}` };
  }
  log(`installing JupyterLab with pip into .jupyter/venv (pip waits at most ${timeout} s for the package index)`);
  const pip = spawnSync(python, ['-m', 'pip', 'install', '--disable-pip-version-check', '--quiet', '--timeout', String(timeout), '--retries', '0', 'jupyterlab'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 20 * 60_000,
  });
  if (pip.status !== 0) return { failed: `pip could not install it (${lastLine(`${pip.stdout}\n${pip.stderr}`)})` };
  return { python };
}

/** Installs Debian's classic Notebook (`jupyter-notebook`) with apt; true when it worked. */
function aptInstallClassic(log: (line: string) => void): boolean {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !existsSync('/etc/debian_version')) return false;
  log("installing Debian's classic Notebook (apt-get install jupyter-notebook)");
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const lock = ['-o', 'DPkg::Lock::Timeout=600'];
  spawnSync('apt-get', [...lock, 'update', '-qq'], { stdio: 'ignore', env });
  return spawnSync('apt-get', [...lock, 'install', '-y', '-qq', '--no-install-recommends', 'jupyter-notebook'], { stdio: 'ignore', env }).status === 0;
}

/**
 * Finds a notebook front end for the project at `root`, installing one where needed:
 * JupyterLab where some Python has it, else JupyterLab installed with pip into
 * `.jupyter/venv` (where pip reaches a package index; it gives up after a short timeout
 * offline, and a failure is not retried for a day unless JupyterLab is asked for), else the classic Notebook where installed, else Debian's `jupyter-notebook`
 * with apt (as root on Debian). Throws with what to install when none can be had.
 */
export function ensureFrontEnd(root: string, options: EnsureFrontEndOptions = {}): FrontEnd {
  const want = options.want ?? 'auto';
  const log = options.log ?? (() => {});
  const timeout = options.pipTimeoutSeconds ?? 5;
  const reasons: string[] = [];
  if (want !== 'classic') {
    const lab = pythonWith(root, 'jupyterlab');
    if (lab) return found('lab', lab, want === 'lab' ? 'asked for with --front-end lab' : 'installed');
    // A failed pip is remembered for a day (.jupyter/pip-failed), so an offline machine does not retry on every start.
    const memo = join(root, '.jupyter', 'pip-failed');
    const recent = want === 'auto' && existsSync(memo) && Date.now() - statSync(memo).mtimeMs < 24 * 3600 * 1000;
    if (options.noInstall) reasons.push('JupyterLab is not installed (--no-install)');
    else if (recent) reasons.push(`JupyterLab is not installed and pip failed within the last day (${readFileSync(memo, 'utf8').trim()}; --front-end lab tries again now)`);
    else {
      const pip = pipInstallLab(root, timeout, log);
      if ('python' in pip) {
        rmSync(memo, { force: true });
        return found('lab', pip.python, 'installed just now with pip into .jupyter/venv');
      }
      mkdirSync(join(root, '.jupyter'), { recursive: true });
      writeFileSync(memo, `${pip.failed}\n`);
      reasons.push(`JupyterLab is not installed and ${pip.failed}`);
    }
    if (want === 'lab') throw new Error(`no JupyterLab: ${reasons.join('; ')}`);
  }
  const why = want === 'classic' ? 'asked for with --front-end classic' : `the fallback: ${reasons.join('; ')}`;
  const classic = pythonWith(root, 'notebook');
  if (classic) return found('classic', classic, why);
  if (!options.noInstall && aptInstallClassic(log)) {
    const installed = pythonWith(root, 'notebook');
    if (installed) return found('classic', installed, `${why}; installed Debian's jupyter-notebook just now`);
  }
  throw new Error(
    `no notebook front end: ${[...reasons, 'the classic Notebook is not installed either'].join('; ')}; ` +
      "install JupyterLab (pip install jupyterlab) or the classic Notebook (Debian: apt install jupyter-notebook), or let SSLMEM_PYTHON name a Python that has one",
  );
}

/** Human name of a front end, e.g. `JupyterLab 4.2.5`. */
export function frontEndName(frontEnd: Pick<FrontEnd, 'kind' | 'version'>): string {
  return `${nameOf[frontEnd.kind]} ${frontEnd.version}`;
}
