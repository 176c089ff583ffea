/**
 * Runs: the list, the live run's streamed series (kept out of Vue's deep
 * reactivity: plain arrays plus a version counter), its event log and the
 * markers every chart draws for live actions.
 */
import { defineStore } from 'pinia';
import { ref, shallowRef, triggerRef } from 'vue';
import type { EventEntry, LiveActionRequest, RunBatchEvent, RunInfo, SeriesMeta } from '../../src-main/ipc/contract.ts';
import type { Marker } from '../charts/line-option';
import type { Scenario } from '../model/types';
import { useService } from './service';

export interface LiveSeries {
  id: number;
  path: string;
  field: string;
  t: number[];
  v: (number | null)[];
}

export interface LiveRun {
  runId: string;
  series: Map<number, LiveSeries>;
  events: EventEntry[];
  markers: Marker[];
  lastSeq: number;
  lostBatches: number;
}

const FINAL = new Set(['complete', 'failed', 'cancelled', 'incomplete']);

/** Keep live charts cheap: at most this many points per series (older points are thinned 2:1). */
const LIVE_POINTS = 4000;

/**
 * Batches arrive at up to 20 Hz and a run can stream hundreds of series (per
 * node, per NIC queue, ...): the data is appended at once but the charts and
 * the log re-render at most this often, so the page stays responsive.
 */
export const RENDER_MS = 250;

export function appendBatch(live: LiveRun, b: RunBatchEvent): void {
  if (live.lastSeq >= 0 && b.seq !== live.lastSeq + 1) live.lostBatches += b.seq - live.lastSeq - 1;
  live.lastSeq = b.seq;
  for (const s of b.series) {
    let cur = live.series.get(s.id);
    if (!cur) {
      cur = { id: s.id, path: s.path, field: s.field, t: [], v: [] };
      live.series.set(s.id, cur);
    }
    for (let i = 0; i < s.t.length; i++) {
      cur.t.push(s.t[i]!);
      cur.v.push(s.v[i] ?? null);
    }
    if (cur.t.length > LIVE_POINTS) {
      cur.t = cur.t.filter((_, i) => i % 2 === 0);
      cur.v = cur.v.filter((_, i) => i % 2 === 0);
    }
  }
}

export function markerLabel(a: LiveActionRequest): string {
  if (a.kind === 'write') return `${a.path.replace(/^\/sys\/fs\/cgroup/, '').replace(/^\/sys\/devices\/system\//, '')} ← ${a.value}`;
  if (a.kind === 'plug') return `plug ${a.device.name}`;
  if (a.kind === 'plug_nic') return `plug ${a.nic.name}`;
  if (a.kind === 'unplug_nic') return `unplug ${a.nic}`;
  return `unplug ${a.device}`;
}

/** A scenario timeline action in a few words (the marker label). */
export function timelineLabel(a: Scenario['timeline'][number]): string {
  if (a.kind === 'write') return markerLabel({ kind: 'write', path: a.path, value: a.value });
  const what = 'device' in a ? (typeof a.device === 'string' ? a.device : a.device.name) : 'nic' in a ? (typeof a.nic === 'string' ? a.nic : a.nic.name) : '';
  return `${a.kind.replace('_nic', '')} ${what}`;
}

export const useRuns = defineStore('runs', () => {
  const list = ref<RunInfo[]>([]);
  const current = ref<string | null>(null);
  const live = shallowRef<LiveRun | null>(null);
  const version = ref(0);
  /** The live run's series, replaced only when it gains series (the series picker re-renders on this, not on every batch). */
  const seriesList = shallowRef<LiveSeries[]>([]);
  let renderTimer: ReturnType<typeof setTimeout> | null = null;
  let lastRender = 0;
  function bump(): void {
    renderTimer = null;
    lastRender = Date.now();
    const n = live.value?.series.size ?? 0;
    if (n !== seriesList.value.length) seriesList.value = live.value ? [...live.value.series.values()] : [];
    version.value++;
    triggerRef(live);
  }
  /** A streamed batch or log lines: render now if the last render is RENDER_MS old, else once when it is. */
  function bumpSoon(): void {
    if (renderTimer) return;
    const wait = RENDER_MS - (Date.now() - lastRender);
    if (wait <= 0) bump();
    else renderTimer = setTimeout(bump, wait);
  }
  function bumpNow(): void {
    if (renderTimer) clearTimeout(renderTimer);
    bump();
  }
  const lastError = ref<string | null>(null);
  const catalogue = ref<SeriesMeta[]>([]);
  let unsubs: (() => void)[] = [];

  function svc() {
    return useService();
  }

  async function refresh(): Promise<void> {
    list.value = (await svc().call('run/list', {})).runs;
  }

  function upsert(r: RunInfo): void {
    const i = list.value.findIndex((x) => x.id === r.id);
    if (i >= 0) list.value.splice(i, 1, r);
    else list.value.unshift(r);
  }

  function watchEvents(): void {
    for (const u of unsubs) u();
    const s = svc();
    unsubs = [
      s.on('onRunBatch', (b) => {
        if (!live.value || b.runId !== live.value.runId) return;
        appendBatch(live.value, b);
        bumpSoon();
      }),
      s.on('onRunProgress', (p) => {
        const r = list.value.find((x) => x.id === p.runId);
        if (r) upsert({ ...r, simNs: p.simNs, eventsPerSec: p.eventsPerSec });
      }),
      s.on('onRunEvents', (e) => {
        if (!live.value || e.runId !== live.value.runId) return;
        live.value.events.push(...e.events);
        bumpSoon();
      }),
      s.on('onRunStatus', (e) => {
        upsert(e.run);
        if (FINAL.has(e.run.status) && live.value?.runId === e.run.id) void loadEvents(e.run.id);
      }),
    ];
  }

  /** pace: N× real time from the first event (sent with the start, so a short run cannot finish at full speed before a later pace call). */
  async function start(scenario: Scenario, name?: string, pace?: number): Promise<RunInfo> {
    lastError.value = null;
    if (unsubs.length === 0) watchEvents();
    const run = await svc().call('run/start', { scenario, ...(name ? { name } : {}), ...(pace !== undefined ? { pace } : {}) });
    upsert(run);
    current.value = run.id;
    // The scenario's own timeline actions are marked on the live charts too, not only live actions.
    const planned = scenario.timeline.filter((a) => a.atNs <= scenario.durationNs).map((a) => ({ tNs: a.atNs, label: `timeline: ${timelineLabel(a)}` }));
    live.value = { runId: run.id, series: new Map(), events: [], markers: planned, lastSeq: -1, lostBatches: 0 };
    seriesList.value = [];
    bumpNow();
    await svc().call('run/subscribe', { runId: run.id });
    return run;
  }

  async function control(kind: 'pause' | 'resume' | 'cancel'): Promise<void> {
    if (!current.value) return;
    const channel = kind === 'pause' ? 'run/pause' : kind === 'resume' ? 'run/resume' : 'run/cancel';
    upsert(await svc().call(channel, { runId: current.value }));
  }

  async function pace(p: number | null): Promise<void> {
    if (!current.value) return;
    upsert(await svc().call('run/pace', { runId: current.value, pace: p }));
  }

  /** A live action; on success it becomes a marker on every chart. A refused write throws the kernel's error. */
  async function act(action: LiveActionRequest): Promise<number> {
    if (!current.value) throw new Error('no run is in progress');
    const { atNs } = await svc().call('run/act', { runId: current.value, action });
    if (live.value && live.value.runId === current.value) {
      live.value.markers.push({ tNs: atNs, label: markerLabel(action) });
      bumpNow();
    }
    return atNs;
  }

  /** The whole event log once a run has ended (the live stream may have started after the first events). */
  async function loadEvents(runId: string): Promise<void> {
    const { events } = await svc().call('query/events', { runId, limit: 5000 });
    if (live.value?.runId !== runId) return;
    live.value.events = events;
    bumpNow();
  }

  /**
   * After a lost connection comes back: the server forgot this page's run
   * subscription with the old socket, so the list is reloaded and the live
   * run subscribed again (its final log loaded if it ended meanwhile).
   */
  async function resync(): Promise<void> {
    await refresh();
    const id = live.value?.runId;
    if (!id) return;
    const r = list.value.find((x) => x.id === id);
    if (r && !FINAL.has(r.status)) {
      // A new subscription numbers its batches from 0 again.
      live.value!.lastSeq = -1;
      await svc().call('run/subscribe', { runId: id });
    } else if (r) await loadEvents(id);
  }

  async function loadCatalogue(runId: string): Promise<SeriesMeta[]> {
    catalogue.value = (await svc().call('query/series', { runId })).series;
    return catalogue.value;
  }

  function reset(): void {
    list.value = [];
    current.value = null;
    live.value = null;
    catalogue.value = [];
    if (renderTimer) clearTimeout(renderTimer);
    renderTimer = null;
    seriesList.value = [];
  }

  return { list, current, live, version, seriesList, lastError, catalogue, refresh, resync, start, control, pace, act, loadCatalogue, watchEvents, reset, upsert };
});
