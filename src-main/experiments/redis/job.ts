/**
 * What a sweep job carries to a BullMQ worker and what comes back. Plain
 * JSON (BullMQ stores both in Redis): series values travel as base64 of
 * their little-endian Float64 bytes, exact to the bit.
 */
import type { LogEntry } from '../../../src-sim/engine/event-log';
import type { SeriesInfo } from '../../../src-sim/engine/recorder';
import type { Scenario, TimelineAction } from '../../../src-sim/scenario/types';
import type { Metric } from '../../../src-sim/sweep/types';

export interface PointJobData {
  point: number;
  seed: number;
  name: string;
  scenario: Scenario;
  metrics: Metric[];
}

export type PointJobResult =
  | {
      status: 'complete';
      worker: string;
      appVersion: string;
      simulatedNs: number;
      wallMs: number;
      events: number;
      actions: TimelineAction[];
      tasks: Record<string, number>;
      files: Record<string, string>;
      metrics: Record<string, number | null>;
      series: (SeriesInfo & { values: string })[];
      log: LogEntry[];
    }
  | { status: 'failed'; worker: string; appVersion: string; error: string; simulatedNs: number; log: LogEntry[] };

/** BullMQ job ids may not contain ':'; one id per (experiment identity, point, seed) makes a re-add a no-op. */
export function jobId(identity: string, point: number, seed: number): string {
  return `${identity}-p${point}-s${seed}`;
}

export function encodeValues(v: Float64Array): string {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
}

export function decodeValues(s: string): Float64Array {
  const b = Buffer.from(s, 'base64');
  const out = new Float64Array(b.byteLength / 8);
  new Uint8Array(out.buffer).set(b);
  return out;
}
