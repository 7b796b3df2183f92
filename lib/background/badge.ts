/**
 * The toolbar badge: how many records wait to sync (queued, sending, failed), on a background
 * colour that says the sync state (lib/background/sync-display.ts: locked, no server, paused,
 * offline, server trouble, refused records, syncing, waiting, all sent), with the state in words
 * in the button's tooltip. Refreshed when records change and whenever the sync state, the server
 * settings, the language or the encrypted store's lock change (watchBadgeInputs).
 */
import { browser } from 'wxt/browser';
import { countByStatus } from '../db/evidence-db';
import { VAULT_META_KEY, VAULT_SESSION_KEY, vaultState } from '../db/vault';
import { backendItem, getSettings } from '../settings';
import { badgeTitle, BADGE_COLORS, syncDisplay, type SyncDisplayState } from './sync-display';
import { syncStatusItem } from './sync-status';

export function waitingCount(c: Record<string, number>): number {
  return (c.queued ?? 0) + (c.sending ?? 0) + (c.failed ?? 0);
}

function action(): typeof browser.action {
  return browser.action ?? (browser as unknown as { browserAction: typeof browser.action }).browserAction;
}

/** The display state from what the background can read (the counts stay readable while locked). */
export async function currentDisplayState(): Promise<{ state: SyncDisplayState; counts: Record<string, number> }> {
  const [counts, status, backend, vault] = await Promise.all([
    countByStatus(), syncStatusItem.getValue(), backendItem.getValue(), vaultState().catch(() => null),
  ]);
  const state = syncDisplay({
    state: status.state, httpStatus: status.httpStatus ?? null, configured: !!backend.baseUrl.trim(),
    locked: !!vault?.meta && !vault.keys, counts,
  });
  return { state, counts };
}

export async function refreshBadge(): Promise<number> {
  const { state, counts } = await currentDisplayState();
  const n = waitingCount(counts);
  const a = action();
  await a.setBadgeText({ text: n > 0 ? (n > 999 ? '999+' : String(n)) : '' });
  await a.setBadgeBackgroundColor({ color: BADGE_COLORS[state] });
  try {
    await a.setTitle({ title: badgeTitle(state, (await getSettings()).language, counts) });
  } catch {
    /* the tooltip is a nicety */
  }
  return n;
}

let watching = false;
/** Keep the badge in step with the sync state, the server settings, the language and the lock. */
export function watchBadgeInputs(): void {
  if (watching) return;
  watching = true;
  const again = () => void refreshBadge().catch(() => undefined);
  browser.storage.onChanged.addListener((changes, area) => {
    const keys = Object.keys(changes);
    if (area === 'local' && keys.some((k) => k === 'syncStatus' || k === 'backend' || k === 'settings' || k === VAULT_META_KEY)) again();
    else if (area === 'session' && keys.includes(VAULT_SESSION_KEY)) again();
  });
}
