// A private redis-server for the queue tests: a free loopback port, a password, its own data
// folder, no persistence. Not a test file itself (no .test.ts): imported by the queue tests.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Queue } from 'bullmq';

/** Whether redis-server is installed (the queue tests are skipped without it). */
export const hasRedis = spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).status === 0;

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const p = (server.address() as { port: number }).port;
      server.close(() => done(p));
    });
  });
}

/** Polls `condition` every 100 ms until it holds; throws after `timeoutMs`. */
export async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const start = Date.now();
  while (!(await condition())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A running private redis-server. */
export interface PrivateRedis {
  readonly port: number;
  readonly password: string;
  readonly process: ChildProcess;
  /** Its URL with the password, as users pass it to --queue. */
  url(): string;
  /** BullMQ connection options for the test's own queue handles. */
  connection(): { host: string; port: number; password: string; maxRetriesPerRequest: null };
  /** Stops it (SIGTERM) and waits for the exit. */
  stop(): Promise<void>;
}

/** Starts a redis-server with `password` and its data in `dir/name`, and waits until it answers. */
export async function startPrivateRedis(dir: string, name: string, password: string): Promise<PrivateRedis> {
  const port = await freePort();
  const data = join(dir, name);
  mkdirSync(data, { recursive: true });
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', data, '--save', '', '--appendonly', 'no', '--requirepass', password], { stdio: 'ignore' });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const connection = () => ({ host: '127.0.0.1', port, password, maxRetriesPerRequest: null });
  await until(
    'redis-server',
    async () => {
      const q = new Queue('ping', { connection: { ...connection(), retryStrategy: () => null, enableOfflineQueue: false } });
      try {
        await q.waitUntilReady();
        return true;
      } catch {
        return false;
      } finally {
        await q.close().catch(() => undefined);
      }
    },
    20_000,
  );
  return {
    port,
    password,
    process: child,
    url: () => `redis://:${encodeURIComponent(password)}@127.0.0.1:${port}`,
    connection,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
