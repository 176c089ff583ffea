import { z } from 'zod';
import type { Channel, Req } from './contract';
import { deviceSchema, nicSchema, scenarioSchema } from './scenario-schema';

const empty = z.object({}).strict();
const runId = z.string().min(1).max(64);
const sessionPath = z.string().min(1).max(4096);
const timeNs = z.number().int().nonnegative();
const textFile = z.object({ text: z.string().max(4 * 1024 * 1024), fileName: z.string().min(1).max(4096) }).strict();

const liveAction = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('write'), path: z.string().startsWith('/').max(4096), value: z.string().max(65536) }).strict(),
  z.object({ kind: z.literal('plug'), device: deviceSchema }).strict(),
  z.object({ kind: z.literal('unplug'), device: z.string().min(1).max(256) }).strict(),
  z.object({ kind: z.literal('plug_nic'), nic: nicSchema }).strict(),
  z.object({ kind: z.literal('unplug_nic'), nic: z.string().min(1).max(15) }).strict(),
]);

/**
 * One zod schema per channel. `satisfies` ties each to the contract's request
 * type, so the two cannot drift apart: a schema whose output is not the
 * contract's request type fails to compile.
 */
export const requestSchemas = {
  'session/info': empty,
  'session/new': z.object({ path: sessionPath }).strict(),
  'session/open': z.object({ path: sessionPath }).strict(),
  'session/saveAs': z.object({ path: sessionPath }).strict(),
  'session/close': empty,
  'session/recent': empty,
  'run/start': z
    .object({
      scenario: scenarioSchema,
      name: z.string().max(200).optional(),
      paused: z.boolean().optional(),
      pace: z.number().positive().max(1e9).nullable().optional(),
    })
    .strict(),
  'run/cancel': z.object({ runId }).strict(),
  'run/pause': z.object({ runId }).strict(),
  'run/resume': z.object({ runId }).strict(),
  'run/pace': z.object({ runId, pace: z.number().positive().max(1e9).nullable() }).strict(),
  'run/act': z.object({ runId, action: liveAction }).strict(),
  'run/list': empty,
  'experiment/replicate': z
    .object({ scenario: scenarioSchema, seeds: z.array(z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)).min(1).max(1000), name: z.string().max(200).optional() })
    .strict(),
  'experiment/cancel': z.object({ experimentId: z.number().int().positive() }).strict(),
  'experiment/sweep': z
    .object({
      sweep: textFile,
      scenario: textFile,
      files: z.record(z.string().max(4096), z.string().max(4 * 1024 * 1024)).optional(),
      redisUrl: z.string().regex(/^rediss?:\/\//, 'expected redis://HOST:PORT or rediss://…').max(2048).optional(),
    })
    .strict(),
  'experiment/list': empty,
  'experiment/result': z.object({ experimentId: z.number().int().positive() }).strict(),
  'query/bands': z.object({ runIds: z.array(runId).min(1).max(1000), path: z.string().startsWith('/').max(4096), field: z.string().max(256), points: z.number().int().min(2).max(100_000) }).strict(),
  'stats/welch': z.object({ a: z.array(runId).min(2).max(1000), b: z.array(runId).min(2).max(1000), path: z.string().startsWith('/').max(4096), field: z.string().max(256) }).strict(),
  'run/fork': z
    .object({ runId, atNs: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER), write: z.object({ path: z.string().startsWith('/').max(4096), value: z.string().max(65536) }).strict() })
    .strict(),
  'run/get': z.object({ runId }).strict(),
  'run/subscribe': z.object({ runId }).strict(),
  'run/unsubscribe': z.object({ runId }).strict(),
  'query/series': z.object({ runId }).strict(),
  'query/window': z
    .object({
      runId,
      seriesIds: z.array(z.number().int().nonnegative()).max(1000),
      t0Ns: timeNs,
      t1Ns: timeNs,
      points: z.number().int().min(2).max(100_000),
      method: z.enum(['minmax', 'lttb']),
    })
    .strict()
    .refine((r) => r.t1Ns >= r.t0Ns, { message: 't1Ns must be ≥ t0Ns', path: ['t1Ns'] }),
  'query/file': z.object({ runId, path: z.string().startsWith('/').max(4096), atNs: timeNs }).strict(),
  'query/files': z.object({ runId, atNs: timeNs }).strict(),
  'query/events': z
    .object({
      runId,
      kinds: z.array(z.string().max(64)).max(100).optional(),
      t0Ns: timeNs.optional(),
      t1Ns: timeNs.optional(),
      text: z.string().max(200).optional(),
      offset: z.number().int().nonnegative().optional(),
      limit: z.number().int().min(1).max(10_000).optional(),
    })
    .strict(),
  'query/timeline': z.object({ runId }).strict(),
  'export/series': z
    .object({ runId, seriesIds: z.array(z.number().int().nonnegative()).min(1).max(1000), format: z.enum(['csv', 'json']) })
    .strict(),
  'export/scenario': z.object({ runId, format: z.enum(['yaml', 'json']) }).strict(),
  'export/summary': z.object({ runId }).strict(),
  'export/trace': z.object({ runId }).strict(),
  'export/script': z.object({ runId }).strict(),
  'import/real': z.object({ text: z.string().max(256 * 1024 * 1024), fileName: z.string().min(1).max(4096), runId: runId.optional() }).strict(),
  'device/calibrate': z
    .object({
      // fio JSON of a few jobs is tens of KiB; the CLI's 1 MiB bound on input files holds here too.
      files: z.array(z.object({ name: z.string().min(1).max(4096), text: z.string().max(1024 * 1024) }).strict()).min(1).max(16),
      type: z.enum(['ssd', 'nvme']).optional(),
      device: z.string().min(1).max(256).optional(),
    })
    .strict(),
} satisfies { [C in Channel]: z.ZodType<Req<C>> };

export const CHANNELS = Object.keys(requestSchemas) as Channel[];

export function isChannel(name: string): name is Channel {
  return Object.prototype.hasOwnProperty.call(requestSchemas, name);
}

/** A refused request: names the channel, the path inside the payload and what was expected. */
export class InvalidRequestError extends Error {
  constructor(
    readonly channel: string,
    readonly issues: string[],
  ) {
    super(`invalid request to ${channel}: ${issues.join('; ')}`);
    this.name = 'InvalidRequestError';
  }
}

export function validateRequest<C extends Channel>(channel: C, payload: unknown): Req<C> {
  const schema = requestSchemas[channel] as z.ZodType<Req<C>>;
  const r = schema.safeParse(payload);
  if (!r.success) {
    const issues = r.error.issues.slice(0, 5).map((i) => `${i.path.length ? i.path.join('.') : '(payload)'}: ${i.message}`);
    throw new InvalidRequestError(channel, issues);
  }
  return r.data;
}
