import type { ConnectionOptions } from 'bullmq';

/** The BullMQ queue every sweep's points go through; workers listen on it. */
export const QUEUE = 'kernel-lab-points';

/** Refused or lost Redis: a clear message for the CLI (exit 1 mid-sweep, 2 when unreachable at the start). */
export class RedisUnavailable extends Error {
  constructor(
    message: string,
    readonly atStart: boolean,
  ) {
    super(message);
    this.name = 'RedisUnavailable';
  }
}

/** redis://[user:password@]host:port[/db] → ioredis options (BullMQ takes options, not a URL). */
export function redisOptions(url: string, o: { forWorker: boolean; giveUpAfterMs?: number }): ConnectionOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new RedisUnavailable(`--redis: expected a URL like redis://127.0.0.1:6379, got "${url}"`, true);
  }
  if (u.protocol !== 'redis:') throw new RedisUnavailable(`--redis: expected a redis:// URL, got "${url}"`, true);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  const started = Date.now();
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    db: Number.isInteger(db) ? db : 0,
    // Workers block on Redis and must wait for it forever (BullMQ requires null);
    // the coordinator fails its commands so a dead Redis becomes an error, not a hang.
    maxRetriesPerRequest: o.forWorker ? null : 1,
    retryStrategy: (times: number) => {
      if (!o.forWorker && o.giveUpAfterMs !== undefined && Date.now() - started > o.giveUpAfterMs && times > 3) return 500;
      return Math.min(times * 200, 2000);
    },
    lazyConnect: false,
  };
}

/** Where to find a URL's server in messages. */
export function showUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = u.password ? '***' : '';
    return u.toString();
  } catch {
    return url;
  }
}
