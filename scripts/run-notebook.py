#!/usr/bin/env python3
"""Run a notebook headless with nbclient; always write the executed notebook.

usage: run-notebook.py INPUT OUTPUT [--preset quick|laptop|paper] [--cell-timeout S]
                       [--timeout S] [--kernel NAME]

Exit 1 when a cell fails, times out (the kernel is interrupted), or prints tslab's
`UnhandledPromiseRejection:` / `UncaughtException:` banner (tslab reports those cells as
successful), also when the banner arrives after its cell finished. The failing cell's first
lines and its error go to stderr. The preset reaches the kernel as SSLMEM_PRESET, and
SSLMEM_HEADLESS=1 tells display helpers that nobody watches: their progress bars write
their current line (with ETA) to the file SSLMEM_PROGRESS_FILE instead, and this runner
prints it, with the running cell and its time, every 30 s (--progress-every) while a cell
runs. Outputs carry no timestamps, so running twice gives the same file. Needs a Python with nbclient
(scripts/python-with.sh nbclient); finds the project's kernel in .jupyter/.
"""
import argparse, asyncio, hashlib, os, re, sys, tempfile, time
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, DeadKernelError, CellTimeoutError

BANNER = re.compile(r'(?m)^(UnhandledPromiseRejection|UncaughtException):')
PRESETS = ('quick', 'laptop', 'paper')


def cell_text(cell, names=('stderr',)):
    parts = []
    for out in cell.get('outputs', []):
        if out.output_type == 'stream' and out.name in names:
            parts.append(out.text)
        elif out.output_type == 'error':
            parts.append('\n'.join(out.get('traceback') or []) or f"{out.ename}: {out.evalue}")
    return ''.join(parts)


def clock(seconds):
    seconds = int(seconds)
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"


async def watch(name, state, every):
    """Every `every` seconds while a cell runs: which one, for how long, and its progress line."""
    while True:
        await asyncio.sleep(every)
        index, began = state['cell'], state['began']
        if index is None:
            continue
        try:
            with open(state['file'], encoding='utf8') as f:
                progress = f.read().strip() or 'no progress reported yet'
        except OSError:
            progress = 'no progress reported yet'
        print(f"run-notebook: {name}: cell {index} running for {clock(time.monotonic() - began)} "
              f"(notebook {clock(time.monotonic() - state['start'])}): {progress}", file=sys.stderr, flush=True)


def report(index, cell, why):
    head = '\n'.join('    ' + line for line in cell.source.splitlines()[:8])
    err = '\n'.join(cell_text(cell).rstrip().splitlines()[-40:])
    print(f"run-notebook: cell {index} {why}:\n{head}\n--- error ---\n{err or '(no error text)'}", file=sys.stderr)


async def run(nb, args):
    state = {'cell': None, 'began': 0.0, 'start': time.monotonic(), 'file': os.environ['SSLMEM_PROGRESS_FILE']}
    watcher = asyncio.ensure_future(watch(os.path.basename(args.input), state, args.progress_every))
    try:
        return await execute_all(nb, args, state)
    finally:
        watcher.cancel()


async def execute_all(nb, args, state):
    cwd = os.path.dirname(os.path.abspath(args.input))
    client = NotebookClient(nb, kernel_name=args.kernel, timeout=max(1, int(args.cell_timeout)), record_timing=False,
                            interrupt_on_timeout=True, shutdown_kernel='immediate',
                            resources={'metadata': {'path': cwd}})
    banners, cell_of_msg, current = [], {}, [None]
    async with client.async_setup_kernel():
        start = time.monotonic()
        kc = client.kc
        execute, get_iopub = kc.execute, kc.iopub_channel.get_msg

        def spy_execute(*a, **kw):  # remember which cell each request belongs to
            msg_id = execute(*a, **kw)
            cell_of_msg[msg_id] = current[0]
            return msg_id

        async def spy_iopub(*a, **kw):  # see every stream, also those nbclient drops as late
            msg = await get_iopub(*a, **kw)
            if msg['msg_type'] == 'stream' and BANNER.search(msg['content'].get('text', '')):
                banners.append((cell_of_msg.get(msg['parent_header'].get('msg_id')), msg['content']['name'], msg['content']['text']))
            return msg
        kc.execute, kc.iopub_channel.get_msg = spy_execute, spy_iopub

        def check_banners():
            for index, name, text in banners:
                if index is None:
                    continue
                cell = nb.cells[index]
                if text not in cell_text(cell, (name,)):  # arrived late: keep it where it belongs
                    cell.outputs.append(nbformat.v4.new_output('stream', name=name, text=text))
                report(index, cell, 'printed an unhandled rejection or exception')
                return False
            return True

        for index, cell in enumerate(nb.cells):
            if cell.cell_type != 'code':
                continue
            left = args.timeout - (time.monotonic() - start)
            if left <= 0:
                print(f"run-notebook: total timeout of {args.timeout}s reached before cell {index}", file=sys.stderr)
                return False
            client.timeout = max(1, int(min(args.cell_timeout, left)))
            client.error_on_timeout = {'ename': 'Timeout', 'evalue': f'cell ran longer than {client.timeout}s; kernel interrupted'}
            current[0] = index
            began = time.monotonic()
            state.update(cell=index, began=began)
            with open(state['file'], 'w', encoding='utf8'):
                pass  # a new cell starts without progress
            try:
                await client.async_execute_cell(cell, index, execution_count=client.code_cells_executed + 1)
            except (CellExecutionError, CellTimeoutError) as e:
                timed_out = isinstance(e, CellTimeoutError) or getattr(e, 'ename', '') == 'Timeout'
                if timed_out or not cell_text(cell):
                    text = f"{e.ename}: {e.evalue}" if getattr(e, 'ename', None) else str(e).strip()
                    cell.outputs.append(nbformat.v4.new_output('stream', name='stderr', text=text + '\n'))
                report(index, cell, f'timed out after {client.timeout}s' if timed_out else 'failed')
                return False
            except DeadKernelError:
                report(index, cell, 'killed the kernel')
                return False
            state['cell'] = None
            if not args.quiet:
                print(f"run-notebook: cell {index} ({time.monotonic() - began:.1f}s)", file=sys.stderr, flush=True)
            if not check_banners():
                return False
        # Late rejections of the last cells surface while the kernel waits a moment (they are
        # printed under this request, so they count for the last code cell).
        current[0] = max([i for i, c in enumerate(nb.cells) if c.cell_type == 'code'], default=None)
        msg_id = kc.execute('await new Promise((r) => setTimeout(r, 300));', store_history=False)
        while True:
            msg = await kc.iopub_channel.get_msg(timeout=30)
            if msg['parent_header'].get('msg_id') == msg_id and msg['msg_type'] == 'status' \
                    and msg['content']['execution_state'] == 'idle':
                break
        return check_banners()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('input')
    ap.add_argument('output')
    ap.add_argument('--preset', choices=PRESETS, default=os.environ.get('SSLMEM_PRESET') or 'laptop')
    ap.add_argument('--cell-timeout', type=float, default=3600, help='seconds per cell (default 3600)')
    ap.add_argument('--timeout', type=float, default=6 * 3600, help='seconds for the notebook (default 21600)')
    ap.add_argument('--kernel', default='tslab')
    ap.add_argument('--quiet', action='store_true', help='no line per cell')
    ap.add_argument('--progress-every', type=float, default=30, help='seconds between progress lines while a cell runs (default 30)')
    args = ap.parse_args()
    os.environ['SSLMEM_PRESET'] = args.preset
    os.environ['SSLMEM_HEADLESS'] = '1'
    progress = tempfile.NamedTemporaryFile(prefix='sslmem-progress-', delete=False)
    progress.close()
    os.environ['SSLMEM_PROGRESS_FILE'] = progress.name
    local = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), '.jupyter', 'share', 'jupyter')
    if os.path.isdir(local):
        os.environ['JUPYTER_PATH'] = os.pathsep.join(p for p in (local, os.environ.get('JUPYTER_PATH')) if p)

    nb = nbformat.read(args.input, as_version=4)
    for index, cell in enumerate(nb.cells):  # stable ids and no timing metadata
        if nb.nbformat_minor >= 5 and not cell.get('id'):
            cell['id'] = hashlib.sha256(f"{index}\n{cell.source}".encode()).hexdigest()[:12]
        cell.metadata.pop('execution', None)
    nb.metadata['sslmem'] = {'preset': args.preset}
    began = time.monotonic()
    try:
        ok = asyncio.run(run(nb, args))
    except Exception as e:  # kernel that would not start, lost connection, ...
        print(f"run-notebook: {type(e).__name__}: {e}", file=sys.stderr)
        ok = False
    os.unlink(progress.name)
    for cell in nb.cells:
        cell.metadata.pop('execution', None)
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    nbformat.write(nb, args.output)
    status = 'ok' if ok else 'FAILED'
    print(f"run-notebook: {status}: {args.input} -> {args.output} ({time.monotonic() - began:.1f}s, preset {args.preset})", file=sys.stderr)
    sys.exit(0 if ok else 1)


if __name__ == '__main__':
    main()
