import { expect, test } from 'vitest';
import { desktopCsp, devServerUrl, isAppUrl, isSafeExternalUrl, menuModel, unpackedPath, withKlabExtension } from '../../../src-main/lab/desktop-policy';

test('only https links without credentials may leave the app', () => {
  expect(isSafeExternalUrl('https://docs.kernel.org/admin-guide/cgroup-v2.html')).toBe(true);
  for (const bad of ['http://example.com', 'file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'https://user:pw@example.com', 'not a url', 'vscode://x']) {
    expect(isSafeExternalUrl(bad), bad).toBe(false);
  }
});

test('the window may show the packaged index.html or a loopback dev server, nothing else', () => {
  const file = 'file:///opt/kl/dist/renderer/index.html';
  expect(isAppUrl('file:///opt/kl/dist/renderer/index.html#/compare', file)).toBe(true);
  expect(isAppUrl('file:///etc/passwd', file)).toBe(false);
  expect(isAppUrl('https://evil.example/', file)).toBe(false);
  expect(isAppUrl('http://127.0.0.1:5173/runs', 'http://127.0.0.1:5173/')).toBe(true);
  expect(isAppUrl('http://127.0.0.1:5174/', 'http://127.0.0.1:5173/')).toBe(false);
  expect(isAppUrl('http://evil.example:5173/', 'http://evil.example:5173/')).toBe(false);
  expect(devServerUrl({ KERNEL_LAB_DEV_URL: 'http://localhost:5173' })).toBe('http://localhost:5173/');
  expect(devServerUrl({ KERNEL_LAB_DEV_URL: 'http://192.168.1.9:5173' })).toBe(null);
  expect(devServerUrl({})).toBe(null);
});

test('the desktop CSP allows no network and no eval', () => {
  const csp = desktopCsp(null);
  expect(csp).toContain("connect-src 'none'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toContain('unsafe-eval');
  expect(csp).toContain("object-src 'none'");
});

test('menus: File (New, Open…, Open Recent, Save As…, Export), Edit, View, Help', () => {
  const m = menuModel(['/home/u/a.klab', '/home/u/b.klab'], true);
  expect(m.map((x) => x.label)).toEqual(['File', 'Edit', 'View', 'Help']);
  const file = m[0]!.items.flatMap((i) => (i.type === 'command' || i.type === 'submenu' ? [i.label] : []));
  expect(file).toEqual(['New Session…', 'Open Session…', 'Open Recent', 'Save Session As…', 'Export…']);
  const recent = m[0]!.items.find((i) => i.type === 'submenu');
  expect(recent).toMatchObject({ items: [{ label: '/home/u/a.klab', command: { kind: 'session-open-recent', path: '/home/u/a.klab' } }, { label: '/home/u/b.klab' }] });
  const noSession = menuModel([], false)[0]!.items;
  // Like an editor's new document: an untitled session (or none yet) can always be saved as a file.
  expect(noSession.find((i) => i.type === 'command' && i.label === 'Save Session As…')).not.toHaveProperty('enabled');
  expect(noSession.find((i) => i.type === 'command' && i.label === 'Export…')).toMatchObject({ enabled: false });
  expect(noSession.find((i) => i.type === 'submenu')).toMatchObject({ items: [{ label: 'No recent sessions', enabled: false }] });
});

test('a session name chosen in a save dialog always ends in .klab', () => {
  expect(withKlabExtension('/x/lab')).toBe('/x/lab.klab');
  expect(withKlabExtension('/x/lab.KLAB')).toBe('/x/lab.KLAB');
});

test('the packaged worker script is taken from app.asar.unpacked; unpackaged paths are left alone', () => {
  expect(unpackedPath('/opt/Kernel Lab/resources/app.asar/dist/sim-worker.mjs')).toBe('/opt/Kernel Lab/resources/app.asar.unpacked/dist/sim-worker.mjs');
  expect(unpackedPath('C:\\KL\\resources\\app.asar\\dist\\sim-worker.mjs', '\\')).toBe('C:\\KL\\resources\\app.asar.unpacked\\dist\\sim-worker.mjs');
  expect(unpackedPath('/work/main/dist/sim-worker.mjs')).toBe('/work/main/dist/sim-worker.mjs');
});
