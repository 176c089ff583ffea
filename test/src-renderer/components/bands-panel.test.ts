// @vitest-environment happy-dom
import { readFileSync } from 'node:fs';
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterAll, expect, it, vi } from 'vitest';
import { defineComponent, h } from 'vue';
import type { RunInfo } from '../../../src-main/ipc/contract';
import BandsPanel from '../../../src-renderer/components/BandsPanel.vue';
import { useService } from '../../../src-renderer/stores/service';
import { loadScenario } from '../../../src-sim/scenario/load';
import { makeLab, until } from '../../src-main/fixtures/lab';

// The band chart's pixels are checked on its SVG rendering (charts/band-option.test.ts); here the option handed to ECharts.
const drawnOptions: unknown[] = [];
vi.mock('vue-echarts', () => ({
  default: defineComponent({ name: 'VChart', props: { option: Object }, setup: (p) => () => (drawnOptions.push(p.option), h('div', { class: 'chart-stub' })) }),
}));

const lab = makeLab();
afterAll(() => lab.dispose());
const SCEN = 'test/src-main/experiments/fixtures/randread.yaml';

it('Compare bands: groups the seeds of each setting, draws mean and band per group, and says whether B differs from A', async () => {
  setActivePinia(createPinia());
  const c = lab.client();
  useService().attach({ kind: 'memory', call: (ch, r) => c.call(ch, r), on: (e, f) => c.on(e, f) });
  await c.call('session/new', { path: 'bands.klab' });
  const ends = new Set<string>();
  c.on('onRunStatus', (e: { run: RunInfo }) => ['complete', 'failed', 'cancelled'].includes(e.run.status) && ends.add(e.run.id));
  const base = { ...loadScenario(readFileSync(SCEN, 'utf8'), SCEN, { readFile: (p) => readFileSync(p, 'utf8') }), durationNs: 3e8 };
  const a = await c.call('experiment/replicate', { scenario: base, seeds: [1, 2, 3], name: 'quota 50' });
  const more = { ...base, cgroups: base.cgroups.map((g) => (g.path === '/web' ? { ...g, writes: [['cpu.max', '90000 100000'] as [string, string]] } : g)) };
  const b = await c.call('experiment/replicate', { scenario: more, seeds: [1, 2, 3], name: 'quota 90' });
  await until(() => [...a.runIds, ...b.runIds].every((id) => ends.has(id)), 60_000, 'runs');
  const runs = (await c.call('run/list', {})).runs.filter((r) => [...a.runIds, ...b.runIds].includes(r.id)).reverse();
  const cat = await c.call('query/series', { runId: a.runIds[0]! });
  const series = cat.series.map((s) => [`${s.path}|${s.field}`, { path: s.path, field: s.field }] as [string, { path: string; field: string }]);
  const w = mount(BandsPanel, { props: { runs, series } });
  expect(w.text()).toContain('quota 50 (3) · quota 90 (3)');
  // Random reads: the seeds differ, so there is a variance to test.
  await w.get('[data-field="bands-series"]').setValue('/sys/block/sda/stat|0');
  await w.get('[data-action="draw-bands"]').trigger('click');
  await until(() => w.find('[data-role="welch-statement"]').exists(), 10_000, 'statement');
  const text = w.get('[data-role="welch-statement"]').text();
  expect(text).toMatch(/^A = quota 50, B = quota 90 — final value: \/sys\/block\/sda\/stat:0: B − A = -?[\d.]+ \(95 % CI -?[\d.]+ … -?[\d.]+\), Welch's t = -?[\d.]+, df = [\d.]+, p = [\d.e-]+: (not )?significant at the 5 % level$/);
  const option = drawnOptions.at(-1) as { series: { name: string; data: [number, number | null][] }[] };
  expect(option.series.map((s) => s.name)).toEqual(['quota 50 lower', 'quota 50 95 % CI', 'quota 50 (mean of 3)', 'quota 90 lower', 'quota 90 95 % CI', 'quota 90 (mean of 3)']);
  // At the last sample each group's mean lies inside its band (lower, lower + width).
  for (const g of [0, 3]) {
    const lo = option.series[g]!.data.at(-1)![1]!;
    const width = option.series[g + 1]!.data.at(-1)![1]!;
    const mean = option.series[g + 2]!.data.at(-1)![1]!;
    expect(width).toBeGreaterThan(0);
    expect(mean).toBeGreaterThan(lo);
    expect(mean).toBeLessThan(lo + width);
  }
});
