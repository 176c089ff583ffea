import { RedisUnavailable, showUrl } from '../../experiments/redis/connection';
import { startPointWorker } from '../../experiments/redis/worker';
import { intOption, parseArgs, positionals } from '../args';
import { parseDurationOption } from '../duration';
import { badInput } from '../errors';

/**
 * `kernel-lab worker --redis URL`: a headless BullMQ worker for distributed
 * sweeps. Runs until SIGINT or SIGTERM; a point in progress then goes back
 * to the queue (its lock lapses) and another worker takes it.
 */
export async function workerCommand(argv: readonly string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const args = parseArgs('worker', argv, { redis: 'value', concurrency: 'value', name: 'value', 'lock-duration': 'value' });
  positionals('worker', args, []);
  const url = args.values.get('redis');
  if (url === undefined) throw badInput('kernel-lab worker: --redis URL is required (e.g. redis://127.0.0.1:6379)');
  const concurrency = intOption('worker', 'concurrency', args.values.get('concurrency')) ?? 1;
  if (concurrency < 1) throw badInput('kernel-lab worker: --concurrency: expected at least 1');
  const lock = args.values.get('lock-duration');
  const lockDurationMs = lock === undefined ? undefined : parseDurationOption('worker', 'lock-duration', lock) / 1e6;
  let w: ReturnType<typeof startPointWorker>;
  try {
    w = startPointWorker({
      url,
      concurrency,
      ...(args.values.get('name') ? { name: args.values.get('name')! } : {}),
      ...(lockDurationMs !== undefined ? { lockDurationMs } : {}),
      log: out,
    });
  } catch (e) {
    if (e instanceof RedisUnavailable) throw badInput(`kernel-lab worker: ${e.message}`);
    throw e;
  }
  let reported = '';
  w.worker.on('error', (e: Error) => {
    // ioredis reconnects by itself; say so once per distinct problem, not once per retry.
    if (e.message !== reported) err(`kernel-lab worker ${w.name}: Redis at ${showUrl(url)}: ${e.message} (retrying)\n`);
    reported = e.message;
  });
  w.worker.on('ready', () => {
    reported = '';
    out(`kernel-lab worker ${w.name}: waiting for sweep points on ${showUrl(url)} (${concurrency} at a time)\n`);
  });
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await w.close();
  out(`kernel-lab worker ${w.name}: stopped\n`);
  return 0;
}
