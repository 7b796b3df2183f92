/** The backend's origin is asked for at run time as an optional host permission. */
import { browser } from 'wxt/browser';
import { normalizeBaseUrl } from '../../lib/sync/protocol';

export function originPattern(baseUrl: string): string {
  const u = new URL(normalizeBaseUrl(baseUrl));
  return `${u.protocol}//${u.hostname}/*`;
}

/** Ask for access to the server's origin (a user gesture is needed, so call from a click). */
export async function ensureOrigin(baseUrl: string): Promise<boolean> {
  const origins = [originPattern(baseUrl)];
  if (await browser.permissions.contains({ origins }).catch(() => false)) return true;
  return browser.permissions.request({ origins }).catch(() => false);
}
