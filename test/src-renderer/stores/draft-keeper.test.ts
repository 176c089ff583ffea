// @vitest-environment happy-dom
// The unsaved draft goes to localStorage while it has unsaved edits, comes
// back on the next start (still unsaved), and is forgotten once clean.
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, expect, test } from 'vitest';
import { newScenario } from '../../../src-renderer/model/scenario';
import { decodeDraft, encodeDraft, keepDraft, restoreDraft } from '../../../src-renderer/stores/draft-keeper';
import { useScenario } from '../../../src-renderer/stores/scenario';
import { useUi } from '../../../src-renderer/stores/ui';

beforeEach(() => localStorage.clear());
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 400));

test('an edited draft survives a new page (a new Pinia) and is still unsaved; a clean one is forgotten', async () => {
  const a = createPinia();
  setActivePinia(a);
  const stop = keepDraft(a, () => '/tmp/x.klab');
  useScenario(a).addCgroup('/web');
  useScenario(a).setCgroupWrite('/web', 'cpu.weight', '300');
  await settle();
  stop();
  expect(decodeDraft(localStorage.getItem('kernel-lab.draft'))?.session).toBe('/tmp/x.klab');

  const b = createPinia();
  setActivePinia(b);
  expect(restoreDraft(b)).not.toBe(null);
  const sc = useScenario(b);
  expect(sc.draft.cgroups.find((c) => c.path === '/web')?.writes).toEqual([['cpu.weight', '300']]);
  expect(sc.dirty).toBe(true);
  expect(useUi(b).toast?.text).toMatch(/^Restored your unsaved scenario draft from .+ \(session x\.klab\)\.$/);

  const stop2 = keepDraft(b, () => null);
  sc.replace(newScenario(), { clean: true });
  await settle();
  stop2();
  expect(localStorage.getItem('kernel-lab.draft')).toBe(null);
});

test('anything that is not a draft of this version is ignored, not half-loaded', () => {
  expect(decodeDraft(null)).toBe(null);
  expect(decodeDraft('{not json')).toBe(null);
  expect(decodeDraft(JSON.stringify({ v: 2, savedAt: 1, scenario: newScenario() }))).toBe(null);
  expect(decodeDraft(JSON.stringify({ v: 1, savedAt: 1, scenario: { machine: {} } }))).toBe(null);
  const ok = encodeDraft({ v: 1, savedAt: 5, session: null, scenario: newScenario(), nics: ['eth0'], positions: {} });
  expect(decodeDraft(ok)?.nics).toEqual(['eth0']);
});
