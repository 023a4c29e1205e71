import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { quietKernelShutdown } from '../../src/notebook/tslab-kernel';

// A stand-in for tslab's jupyter module whose sockets were closed by a restart: every send
// throws as zeromq does then, and a cell that ends afterwards reports to them.
const fakePath = '/fake-quiet/node_modules/tslab/dist/jupyter.js';
const closed = Object.assign(new Error('Socket is closed'), { code: 'EBADF', errno: 9 });

class ZmqServer {
  sent: string[] = [];
  socketOpen = true;
  publishStatus(status: string): void {
    if (!this.socketOpen) throw closed;
    this.sent.push(status);
  }
  async handleShellMessage(kind: 'execute' | 'broken'): Promise<void> {
    this.publishStatus('busy');
    try {
      await new Promise((r) => setTimeout(r, 1));
      if (kind === 'broken') throw new Error('a bug of the cell handler');
      if (!this.socketOpen) throw closed; // the execute_reply
    } finally {
      this.publishStatus('idle');
    }
  }
}

after(() => {
  delete require.cache[fakePath];
  delete (globalThis as { __tslab__?: unknown }).__tslab__;
});

test('a cell that ends after the sockets closed no longer rejects; other errors still do', async () => {
  require.cache[fakePath] = { id: fakePath, filename: fakePath, loaded: true, exports: { ZmqServer } } as unknown as NodeJS.Module;
  const before = new ZmqServer();
  before.socketOpen = false;
  quietKernelShutdown();
  assert.equal(ZmqServer.prototype.handleShellMessage.name, 'handleShellMessage', 'outside a kernel nothing is wrapped');
  await assert.rejects(before.handleShellMessage('execute'), /Socket is closed/);

  (globalThis as { __tslab__?: unknown }).__tslab__ = {};
  quietKernelShutdown();
  quietKernelShutdown(); // once per process: a second call wraps nothing twice
  const server = new ZmqServer();
  const running = server.handleShellMessage('execute');
  server.socketOpen = false; // the restart closes the sockets while the cell runs
  assert.equal(await running, undefined);
  assert.deepEqual(server.sent, ['busy']);
  server.socketOpen = true;
  await assert.rejects(server.handleShellMessage('broken'), /a bug of the cell handler/);
  assert.throws(() => {
    server.publishStatus.call({ socketOpen: true, get sent(): string[] { throw new Error('another failure'); } }, 'idle');
  }, /another failure/);
});
