// @vitest-environment happy-dom
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h, onMounted } from 'vue';
import ChartPanel from '../../../src-renderer/components/ChartPanel.vue';

// The chart is replaced by an element that reports one dataZoom as ECharts would
// (inside zoom: a batch with percentages of the drawn extent).
vi.mock('vue-echarts', () => ({
  default: defineComponent({
    name: 'VChart',
    emits: ['datazoom'],
    setup(_, { emit }) {
      onMounted(() => emit('datazoom', { type: 'datazoom', batch: [{ start: 50, end: 75 }] }));
      return () => h('div', { class: 'chart-stub' });
    },
  }),
}));

describe('ChartPanel', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('turns a zoom into the time window to fetch: 50–75 % of 0–4 s is 2–3 s', () => {
    const w = mount(ChartPanel, {
      props: { slug: 'x', data: { title: 'cpu.stat', unit: '', markers: [], series: [{ name: 'a', t: [0, 1e9, 2e9, 3e9, 4e9], v: [1, 2, 3, 4, 5] }] } },
    });
    expect(w.emitted('zoom')).toEqual([[{ t0Ns: 2e9, t1Ns: 3e9 }]]);
  });

  it('says when a chart has no samples yet', () => {
    const w = mount(ChartPanel, { props: { slug: 'x', data: { title: 'io.stat', unit: '', markers: [], series: [] } } });
    expect(w.text()).toContain('No samples yet for io.stat.');
  });
});
