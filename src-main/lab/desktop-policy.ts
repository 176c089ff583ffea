/**
 * The desktop window's security and menu decisions, as plain functions so
 * they are tested under Node; src-main/electron only applies them.
 * Electron security checklist: https://www.electronjs.org/docs/latest/tutorial/security
 */

/** Links that may leave the app for the user's browser: https only, no credentials in the URL. */
export function isSafeExternalUrl(raw: string): boolean {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return false;
  }
  return u.protocol === 'https:' && u.username === '' && u.password === '' && u.hostname !== '';
}

/**
 * The window may only ever show the app itself: the packaged index.html
 * (file://) or, in development, the Vite dev server on loopback.
 */
export function isAppUrl(raw: string, appUrl: string): boolean {
  let u: URL;
  let app: URL;
  try {
    u = new URL(raw);
    app = new URL(appUrl);
  } catch {
    return false;
  }
  if (app.protocol === 'file:') return u.protocol === 'file:' && u.pathname === app.pathname;
  return u.origin === app.origin && (app.hostname === '127.0.0.1' || app.hostname === 'localhost');
}

/** A dev-server URL is honoured only on loopback (never a remote page with the preload's powers). */
export function devServerUrl(env: NodeJS.ProcessEnv): string | null {
  const raw = env.KERNEL_LAB_DEV_URL;
  if (!raw) return null;
  try {
    const u = new URL(raw);
    return u.protocol === 'http:' && (u.hostname === '127.0.0.1' || u.hostname === 'localhost') ? u.toString() : null;
  } catch {
    return null;
  }
}

/** Strict CSP for the desktop renderer: no network at all (IPC only), no eval, no plugins. */
export function desktopCsp(devOrigin: string | null): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    devOrigin ? `connect-src 'self' ${devOrigin.replace(/^http/, 'ws')}` : "connect-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export type MenuCommand =
  | { kind: 'session-new' }
  | { kind: 'session-open' }
  | { kind: 'session-open-recent'; path: string }
  | { kind: 'session-save-as' }
  | { kind: 'renderer'; command: 'export' | 'about' | 'shortcuts' }
  | { kind: 'external'; url: string };

export type MenuItemModel =
  | { type: 'command'; label: string; accelerator?: string; command: MenuCommand; enabled?: boolean }
  | { type: 'role'; role: string }
  | { type: 'separator' }
  | { type: 'submenu'; label: string; items: MenuItemModel[] };

export interface MenuModel {
  label: string;
  items: MenuItemModel[];
}

const DOCS_URL = 'https://docs.kernel.org/admin-guide/cgroup-v2.html';

/** File (New, Open…, Open Recent, Save As… — always: an untitled session is saved as an editor saves a new document —, Export), Edit, View, Help. */
export function menuModel(recent: readonly string[], hasSession: boolean): MenuModel[] {
  const recentItems: MenuItemModel[] = recent.length
    ? recent.map((path) => ({ type: 'command', label: path, command: { kind: 'session-open-recent', path } }))
    : [{ type: 'command', label: 'No recent sessions', command: { kind: 'session-open' }, enabled: false }];
  return [
    {
      label: 'File',
      items: [
        { type: 'command', label: 'New Session…', accelerator: 'CmdOrCtrl+N', command: { kind: 'session-new' } },
        { type: 'command', label: 'Open Session…', accelerator: 'CmdOrCtrl+O', command: { kind: 'session-open' } },
        { type: 'submenu', label: 'Open Recent', items: recentItems },
        { type: 'separator' },
        { type: 'command', label: 'Save Session As…', accelerator: 'CmdOrCtrl+Shift+S', command: { kind: 'session-save-as' } },
        { type: 'command', label: 'Export…', accelerator: 'CmdOrCtrl+E', command: { kind: 'renderer', command: 'export' }, enabled: hasSession },
        { type: 'separator' },
        { type: 'role', role: 'quit' },
      ],
    },
    {
      label: 'Edit',
      items: [
        { type: 'role', role: 'undo' },
        { type: 'role', role: 'redo' },
        { type: 'separator' },
        { type: 'role', role: 'cut' },
        { type: 'role', role: 'copy' },
        { type: 'role', role: 'paste' },
        { type: 'role', role: 'selectAll' },
      ],
    },
    {
      label: 'View',
      items: [
        { type: 'role', role: 'reload' },
        { type: 'role', role: 'toggleDevTools' },
        { type: 'separator' },
        { type: 'role', role: 'resetZoom' },
        { type: 'role', role: 'zoomIn' },
        { type: 'role', role: 'zoomOut' },
        { type: 'separator' },
        { type: 'role', role: 'togglefullscreen' },
      ],
    },
    {
      label: 'Help',
      items: [
        { type: 'command', label: 'Keyboard Shortcuts', accelerator: 'F1', command: { kind: 'renderer', command: 'shortcuts' } },
        { type: 'command', label: 'cgroup v2 Documentation', command: { kind: 'external', url: DOCS_URL } },
        { type: 'separator' },
        { type: 'command', label: 'About Kernel Lab', command: { kind: 'renderer', command: 'about' } },
      ],
    },
  ];
}

/** Open/save dialog filter for session files. */
export const SESSION_FILTERS = [{ name: 'Kernel Lab session', extensions: ['klab'] }];

/** "Save As" dialogs may return a name without the extension; sessions always end in .klab. */
export function withKlabExtension(path: string): string {
  return path.toLowerCase().endsWith('.klab') ? path : `${path}.klab`;
}

/**
 * Where an asarUnpack'ed file really is: worker threads load their script with
 * Node's own loader, which cannot read inside app.asar, so the packaged app
 * starts dist/sim-worker.mjs from app.asar.unpacked (electron-builder.yml).
 */
export function unpackedPath(p: string, sep = '/'): string {
  return p.replace(`${sep}app.asar${sep}`, `${sep}app.asar.unpacked${sep}`);
}
