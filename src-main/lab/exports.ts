import { stringify } from 'yaml';
import type { Scenario, TimelineAction } from '../../src-sim/scenario/types';
import { toScenarioFile } from '../../src-sim/scenario/to-file';
import { replayScenario } from '../sim-host/run-driver';

export const SERIES_FORMAT = 'kernel-lab/series@1';

export interface ExportedSeries {
  path: string;
  field: string;
  startIndex: number;
  values: Float64Array;
}

export interface ExportFile {
  filename: string;
  mime: string;
  text: string;
}

/** A sample as text: the kernel's "max" for +Infinity, empty for a missing sample. */
function cell(x: number): string {
  if (Number.isNaN(x)) return '';
  if (x === Infinity) return 'max';
  return String(x);
}

function jsonValue(x: number): number | string | null {
  if (Number.isNaN(x)) return null;
  if (x === Infinity) return 'max';
  if (x === -Infinity) return '-max';
  return x;
}

export function columnName(s: { path: string; field: string }): string {
  return s.field ? `${s.path}:${s.field}` : s.path;
}

function csvQuote(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function slug(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'run';
}

/**
 * One row per sample tick from the earliest first sample to the latest last
 * one, one column per series ("path" or "path:field"), t_ns first.
 */
export function seriesCsv(base: string, intervalNs: number, series: ExportedSeries[]): ExportFile {
  const start = Math.min(...series.map((s) => s.startIndex));
  const end = Math.max(...series.map((s) => s.startIndex + s.values.length));
  const lines = [['t_ns', ...series.map((s) => csvQuote(columnName(s)))].join(',')];
  for (let i = start; i < end; i++) {
    const row = [String(i * intervalNs)];
    for (const s of series) {
      const j = i - s.startIndex;
      row.push(j >= 0 && j < s.values.length ? cell(s.values[j]!) : '');
    }
    lines.push(row.join(','));
  }
  return { filename: `${base}.csv`, mime: 'text/csv', text: `${lines.join('\n')}\n` };
}

export function seriesJson(base: string, runId: string, intervalNs: number, series: ExportedSeries[]): ExportFile {
  const doc = {
    format: SERIES_FORMAT,
    runId,
    sampleIntervalNs: intervalNs,
    series: series.map((s) => ({ path: s.path, field: s.field, startIndex: s.startIndex, values: Array.from(s.values, jsonValue) })),
  };
  return { filename: `${base}.json`, mime: 'application/json', text: `${JSON.stringify(doc)}\n` };
}

/**
 * The scenario with the run's live actions folded into its timeline, in the
 * scenario file format (kernel-lab/scenario@1, units written out): it can be
 * edited, and `kernel-lab run` or the workbench reruns it to the same result.
 */
export function scenarioFile(base: string, scenario: Scenario, live: readonly TimelineAction[], format: 'yaml' | 'json'): ExportFile {
  const s = toScenarioFile(replayScenario(scenario, live));
  if (format === 'json') return { filename: `${base}.scenario.json`, mime: 'application/json', text: `${JSON.stringify(s, null, 2)}\n` };
  return { filename: `${base}.scenario.yaml`, mime: 'application/yaml', text: stringify(s) };
}
