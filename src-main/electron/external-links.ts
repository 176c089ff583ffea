import { shell } from 'electron';
import { isSafeExternalUrl } from '../lab/desktop-policy';

/**
 * The one way a link leaves the app (lint bans shell.openExternal elsewhere):
 * https only, checked here, because openExternal on an attacker-chosen URL
 * can launch arbitrary protocol handlers.
 * https://www.electronjs.org/docs/latest/tutorial/security#15-do-not-use-shellopenexternal-with-untrusted-content
 */
export async function openExternalSafely(url: string): Promise<boolean> {
  if (!isSafeExternalUrl(url)) return false;
  // eslint-disable-next-line no-restricted-properties -- this is the checked wrapper
  await shell.openExternal(url);
  return true;
}
