/** Which tabs may be captured, and making sure our content script is in the tab. */
import { browser, type Browser } from 'wxt/browser';
import type { ToContent } from '../messages';

const RESTRICTED = [
  /^(chrome|edge|brave|opera|vivaldi|about|view-source|devtools|chrome-extension|moz-extension|resource|chrome-search|data|blob|javascript):/i,
  /^https:\/\/chrome\.google\.com\/webstore/i,
  /^https:\/\/chromewebstore\.google\.com/i,
  /^https:\/\/microsoftedge\.microsoft\.com\/addons/i,
  /^https:\/\/addons\.mozilla\.org/i,
  /^https:\/\/accounts-static\.cdn\.mozilla\.net/i,
];

/** True for pages no extension may script or capture, including the built-in PDF viewer. */
export function isRestrictedUrl(url: string | undefined): boolean {
  if (!url) return true;
  if (RESTRICTED.some((r) => r.test(url))) return true;
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return true;
    if (/\.pdf$/i.test(u.pathname)) return true;
  } catch {
    return true;
  }
  return false;
}

export async function sendToTab<R>(tabId: number, msg: ToContent): Promise<R> {
  return (await browser.tabs.sendMessage(tabId, msg)) as R;
}

/** Ping the content script; inject it (activeTab allows that after a user gesture) if absent. */
export async function ensureContentScript(tabId: number): Promise<boolean> {
  try {
    if ((await sendToTab<string>(tabId, { type: 'ping' })) === 'pong') return true;
  } catch {
    /* not injected yet */
  }
  try {
    await browser.scripting.executeScript({ target: { tabId }, files: ['/content-scripts/content.js'] });
  } catch {
    return false;
  }
  for (let i = 0; i < 20; i++) {
    try {
      if ((await sendToTab<string>(tabId, { type: 'ping' })) === 'pong') return true;
    } catch {
      /* still starting */
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

/**
 * The tab the monitor means when flagging from the popup: the active tab of the last focused
 * window, or, when our own page is the active tab (popup opened as a tab), the most recently
 * used web tab of that window.
 */
export async function targetTabForPopup(): Promise<Browser.tabs.Tab | undefined> {
  const [active] = await browser.tabs.query({ active: true, lastFocusedWindow: true });
  const own = browser.runtime.getURL('/');
  if (active && !(active.url ?? '').startsWith(own)) return active;
  const tabs = await browser.tabs.query({ lastFocusedWindow: true });
  return tabs
    .filter((t) => !(t.url ?? '').startsWith(own))
    .sort((a, b) => (b.lastAccessed ?? 0) - (a.lastAccessed ?? 0))[0];
}
