import type { RedisOptions } from 'bullmq';
import IORedis from 'ioredis';
import { InputError } from '../util/errors';

/**
 * The connection options of a Redis URL: `redis://[[user]:password@]host[:port][/db]`, or
 * `rediss://...` for TLS (certificates checked against the system's roots, `?ca=` not
 * supported). The password, if any, is percent-decoded. Throws `InputError` naming `where`
 * for anything else. Keep Redis on trusted machines: whoever reaches it can queue trainings.
 */
export function redisOptions(url: string, where = 'option --queue'): RedisOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InputError(where, 'a Redis URL such as redis://127.0.0.1:6379 or rediss://:PASSWORD@HOST:6380', JSON.stringify(url));
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw new InputError(where, 'a redis:// or rediss:// URL', JSON.stringify(`${parsed.protocol}//...`));
  if (parsed.hostname === '') throw new InputError(where, 'a host in the Redis URL', JSON.stringify(url));
  const port = parsed.port === '' ? 6379 : Number(parsed.port);
  const path = parsed.pathname.replace(/^\//, '');
  if (path !== '' && !/^\d+$/.test(path)) throw new InputError(where, 'a database number after the host (redis://HOST:PORT/0)', JSON.stringify(parsed.pathname));
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  return {
    host,
    port,
    ...(parsed.username === '' ? {} : { username: decodeURIComponent(parsed.username) }),
    ...(parsed.password === '' ? {} : { password: decodeURIComponent(parsed.password) }),
    ...(path === '' ? {} : { db: Number(path) }),
    ...(parsed.protocol === 'rediss:' ? { tls: { servername: host } } : {}),
  };
}

/** A URL without its password, for messages. */
export function redactedUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

/**
 * Connects once to the Redis of `url` and pings it, without retrying: rejects at once with
 * the server's or the socket's error (a wrong password, nobody listening, a TLS mismatch) or
 * after `timeoutMs`, and leaves no connection behind.
 */
export async function pingRedis(url: string, timeoutMs = 10_000): Promise<void> {
  const client = new IORedis({ ...redisOptions(url), lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, connectTimeout: timeoutMs, enableOfflineQueue: false });
  let first: Error | undefined;
  client.on('error', (error: Error) => (first ??= error));
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    throw first ?? error;
  } finally {
    client.disconnect();
  }
}
