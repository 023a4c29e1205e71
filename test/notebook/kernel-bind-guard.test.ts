import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

// The project's kernel (scripts/tslab-kernel.cjs) guards zeromq so that a socket sends and
// receives only once its bind has completed: tslab answers kernel_info without waiting for
// its binds, and on a loaded machine the reply was refused with EBUSY and the kernel hung.

const root = resolve(__dirname, '../..');
const load = createRequire(resolve(root, 'scripts', 'tslab-kernel.cjs'));
const zmq = load(load.resolve('zeromq', { paths: [resolve(root, 'node_modules', 'tslab', 'dist')] }));
const { guardBinds } = load('./zmq-bind-guard.cjs');

test('a socket used while its bind is under way: refused unguarded, served once guarded', async () => {
  // Unguarded (the control): zeromq refuses a receive during the bind.
  const before = new zmq.Pair();
  const bound = before.bind('tcp://127.0.0.1:*');
  assert.throws(() => before.receive(), { code: 'EBUSY' });
  await bound;
  before.close();

  guardBinds(zmq);
  guardBinds(zmq); // a second call changes nothing
  const server = new zmq.Pair();
  const binding = server.bind('tcp://127.0.0.1:*');
  const received = server.receive(); // during the bind: waits for it
  const reply = server.send('ready'); // likewise
  await binding;
  const client = new zmq.Pair();
  client.connect(server.lastEndpoint);
  await client.send('hello');
  assert.equal(String((await received)[0]), 'hello');
  await reply;
  assert.equal(String((await client.receive())[0]), 'ready');
  // A bind that fails leaves the socket usable for the error it had, not blocked forever.
  const other = new zmq.Pair();
  await assert.rejects(other.bind('nonsense://x'), /./);
  other.close();
  client.close();
  server.close();
});
