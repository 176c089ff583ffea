// @vitest-environment happy-dom
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { defineComponent, h } from 'vue';
import type { Transport } from '../../../src-renderer/api/transport';
import { useScenario } from '../../../src-renderer/stores/scenario';
import { useService } from '../../../src-renderer/stores/service';
import RunView from '../../../src-renderer/views/RunView.vue';
import { makeLab, until } from '../../src-main/fixtures/lab';

// Charts are drawn by their own tests; this one is about the Seeds field against the real lab service.
vi.mock('vue-echarts', () => ({ default: defineComponent({ name: 'VChart', setup: () => () => h('div', { class: 'chart-stub' }) }) }));

const lab = makeLab();
afterAll(() => lab.dispose());

describe('Run view: Seeds field (replications)', () => {
  it('runs one stored run per seed and shows done/total progress until all are done', async () => {
    setActivePinia(createPinia());
    const client = lab.client();
    const transport: Transport = { kind: 'memory', call: (c, r) => client.call(c, r), on: (e, f) => client.on(e, f) };
    useService().attach(transport);
    await client.call('session/new', { path: 'seeds.klab' });
    const w = mount(RunView);
    await w.get('[data-field="run-duration"]').setValue('200ms');
    await w.get('[data-field="run-seeds"]').setValue('1..3');
    await w.get('[data-action="start-run"]').trigger('click');
    await until(() => w.find('[data-role="experiment-progress-text"]').exists() && w.get('[data-role="experiment-progress-text"]').text() === '3/3 runs done', 60_000, 'three seeds');
    const runs = (await client.call('run/list', {})).runs;
    const name = useScenario().draft.name;
    expect(runs.map((r) => r.name).sort()).toEqual([`${name} seed 1`, `${name} seed 2`, `${name} seed 3`]);
    expect(runs.every((r) => r.status === 'complete')).toBe(true);
  });

  it('a malformed seed list is shown as the parser explains it, and nothing runs', async () => {
    setActivePinia(createPinia());
    const client = lab.client();
    useService().attach({ kind: 'memory', call: (c, r) => client.call(c, r), on: (e, f) => client.on(e, f) });
    const before = (await client.call('run/list', {})).runs.length;
    const w = mount(RunView);
    await w.get('[data-field="run-seeds"]').setValue('3..1');
    await w.get('[data-action="start-run"]').trigger('click');
    await new Promise((r) => setTimeout(r, 20));
    expect(w.get('[data-role="run-error"]').text()).toBe('seeds: expected FIRST..LAST with FIRST ≤ LAST, got "3..1"');
    expect((await client.call('run/list', {})).runs.length).toBe(before);
  });
});
