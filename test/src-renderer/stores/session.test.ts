// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Channel, Req, Res } from '../../../src-main/ipc/contract';
import type { Transport } from '../../../src-renderer/api/transport';
import { useScenario } from '../../../src-renderer/stores/scenario';
import { useService } from '../../../src-renderer/stores/service';
import { useSession } from '../../../src-renderer/stores/session';
import { useUi } from '../../../src-renderer/stores/ui';

/** A service that records calls and answers session requests. */
function fakeTransport(calls: string[]): Transport {
  const info = (path: string | null) => ({ path, untitled: path === null, runCount: 0, savedAt: null });
  const answers: Partial<{ [C in Channel]: (r: Req<C>) => Res<C> }> = {
    'session/info': () => info(null),
    'session/open': (r) => info(r.path),
    'session/new': (r) => info(r.path),
    'session/close': () => info(null),
    'session/recent': () => ({ paths: ['/x/a.klab'] }),
    'run/list': () => ({ runs: [] }),
  };
  return {
    kind: 'memory',
    call: async <C extends Channel>(c: C, r: Req<C>) => {
      calls.push(c);
      const f = answers[c] as ((r: Req<C>) => Res<C>) | undefined;
      if (!f) throw new Error(`unexpected ${c}`);
      return f(r);
    },
    on: () => () => undefined,
  };
}

describe('session store', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('asks before dropping unsaved edits and keeps them when the user says no', async () => {
    const calls: string[] = [];
    useService().attach(fakeTransport(calls));
    const questions: string[] = [];
    useUi().setConfirm((q) => (questions.push(q), false));
    useScenario().patch({ name: 'edited' });
    expect(await useSession().open('/x/b.klab')).toBe(false);
    expect(questions).toEqual(['The scenario has unsaved changes (not yet run or saved). Discard them?']);
    expect(calls).not.toContain('session/open');
    expect(useScenario().draft.name).toBe('edited');
  });

  it('opens without asking when the draft is clean, and starts from an empty scenario when the session has no runs', async () => {
    const calls: string[] = [];
    useService().attach(fakeTransport(calls));
    useUi().setConfirm(() => {
      throw new Error('should not ask');
    });
    expect(await useSession().open('/x/b.klab')).toBe(true);
    expect(useSession().info.path).toBe('/x/b.klab');
    expect(useSession().recent).toEqual(['/x/a.klab']);
    expect(calls).toEqual(['session/open', 'run/list', 'session/recent']);
    expect(useScenario().dirty).toBe(false);
  });
});
