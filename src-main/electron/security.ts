import type { BrowserWindow, Session, WebContents } from 'electron';
import { desktopCsp, isAppUrl } from '../lab/desktop-policy';
import { openExternalSafely } from './external-links';

/**
 * Electron security checklist items applied to every window:
 * https://www.electronjs.org/docs/latest/tutorial/security
 * (#7 CSP, #13 navigation, #14 new windows, #5 permission requests).
 */
export function webPreferences(preload: string): Electron.WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    spellcheck: false,
  };
}

/** CSP on every response of the app's session, whatever the page's own meta tags say. */
export function applyCsp(session: Session, devOrigin: string | null): void {
  const csp = desktopCsp(devOrigin);
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  // No camera, microphone, notifications, geolocation…: the lab needs none.
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

/** The window shows only the app: navigation elsewhere is blocked, new windows never open (https links go to the browser). */
export function lockNavigation(contents: WebContents, appUrl: string): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, appUrl)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url, appUrl)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    void openExternalSafely(url);
    return { action: 'deny' };
  });
}

/** IPC is answered only for the app's own top frame. */
export function isTrustedSender(win: BrowserWindow | null, frameUrl: string | undefined, appUrl: string): boolean {
  return win !== null && frameUrl !== undefined && isAppUrl(frameUrl, appUrl);
}
