import type { MimeBundle } from './mime-bundle';

/**
 * The only place that talks to tslab. Everything is looked up lazily, so the library
 * loads (and the display helpers run as no-ops) outside a kernel.
 *
 * tslab's public `display.*` sends one MIME type per call, and a figure needs several in
 * one output (Plotly JSON, HTML, PNG, text). tslab keeps the function that writes a
 * `display_data` message of the running cell in `lastWriteDisplayData` of its module
 * `tslab/dist/jupyter.js`; `sendToKernel` finds that module in Node's module cache (the
 * one whose writer is set, i.e. the running kernel's own copy, wherever it is installed)
 * and sends the whole bundle through it. Should a tslab version lack it, only the richest
 * type (HTML, else PNG, else text) goes out through `display.raw`.
 */

type WriteDisplayData = (content: { data: MimeBundle; metadata: Record<string, unknown>; transient: Record<string, unknown> }, update: boolean) => void;

interface TslabDisplay {
  raw(contentType: string, content: string | Uint8Array): unknown;
}

interface TslabModule {
  display: TslabDisplay;
}

/** Whether this code runs inside a tslab kernel (tslab sets `globalThis.__tslab__`). */
export function inKernel(): boolean {
  return (globalThis as { __tslab__?: unknown }).__tslab__ !== undefined;
}

/** The kernel's `tslab` module (its public `display` API), or undefined outside a kernel. */
export function tslabModule(): TslabModule | undefined {
  if (!inKernel()) return undefined;
  const hook = (globalThis as { __tslab__?: { require?: (id: string) => unknown } }).__tslab__;
  try {
    // The notebook's own require hands out the kernel's tslab, whichever copy runs.
    if (hook?.require) return hook.require('tslab') as TslabModule;
  } catch {
    // fall through
  }
  try {
    return require('tslab') as TslabModule;
  } catch {
    return undefined;
  }
}

function kernelWriter(): WriteDisplayData | undefined {
  for (const [file, mod] of Object.entries(require.cache)) {
    if (!/[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(file)) continue;
    const writer = (mod?.exports as { lastWriteDisplayData?: unknown } | undefined)?.lastWriteDisplayData;
    if (typeof writer === 'function') return writer as WriteDisplayData;
  }
  return undefined;
}

/**
 * Sends `bundle` as one output of the running cell. Returns false (and sends nothing)
 * outside a kernel. `displayId` makes a later call with `update: true` replace the output.
 */
export function sendToKernel(bundle: MimeBundle, options: { displayId?: string; update?: boolean } = {}): boolean {
  if (!inKernel()) return false;
  quietKernelShutdown();
  const writer = kernelWriter();
  const transient = options.displayId === undefined ? {} : { display_id: options.displayId };
  if (writer) {
    writer({ data: bundle, metadata: {}, transient }, options.update ?? false);
    return true;
  }
  const tslab = tslabModule();
  if (!tslab) return false;
  // Fallback: the richest single type (a figure's HTML carries its PNG as an <img>).
  const type = ['text/html', 'image/png', 'text/plain'].find((t) => typeof bundle[t] === 'string');
  if (type === undefined) return false;
  const content = bundle[type] as string;
  tslab.display.raw(type, type === 'image/png' ? Buffer.from(content, 'base64') : content);
  return true;
}

const quieted = Symbol.for('sslmem.quietKernelShutdown');

/** Whether `error` is a write to a ZeroMQ socket that has been closed. */
function closedSocketError(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  return e?.code === 'EBADF' || /Socket is closed/.test(String(e?.message ?? ''));
}

/**
 * Lets the kernel shut down quietly while a cell runs. tslab answers a restart or shutdown
 * request by closing its sockets at once; the running cell then reports its end to a closed
 * socket, the error escapes as an unhandled rejection, and the wasm backend's handler turns
 * it into a crash of the old kernel (`Error: Socket is closed ... EBADF` in the server's log).
 * This wraps tslab's two reporting methods (`ZmqServer.publishStatus` and
 * `handleShellMessage`) so that writes to a closed socket, which nobody can receive any more,
 * are dropped; every other error still surfaces. Once per process; nothing outside a kernel.
 */
export function quietKernelShutdown(): void {
  if (!inKernel()) return;
  for (const [file, mod] of Object.entries(require.cache)) {
    if (!/[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(file)) continue;
    const proto = (mod?.exports as { ZmqServer?: { prototype: Record<string | symbol, unknown> } } | undefined)?.ZmqServer?.prototype;
    if (proto === undefined || proto[quieted] === true) continue;
    const publish = proto.publishStatus;
    const handle = proto.handleShellMessage;
    if (typeof publish !== 'function' || typeof handle !== 'function') continue;
    proto.publishStatus = function (this: unknown, ...args: unknown[]): unknown {
      try {
        return publish.apply(this, args);
      } catch (error) {
        if (!closedSocketError(error)) throw error;
        return undefined;
      }
    };
    proto.handleShellMessage = async function (this: unknown, ...args: unknown[]): Promise<unknown> {
      try {
        return await handle.apply(this, args);
      } catch (error) {
        if (!closedSocketError(error)) throw error;
        return undefined;
      }
    };
    proto[quieted] = true;
  }
}
