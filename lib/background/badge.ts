/** The toolbar badge shows how many records wait to sync (queued, sending, failed). */
import { browser } from 'wxt/browser';
import { countByStatus } from '../db/evidence-db';

export function waitingCount(c: Record<string, number>): number {
  return (c.queued ?? 0) + (c.sending ?? 0) + (c.failed ?? 0);
}

export async function refreshBadge(): Promise<number> {
  const counts = await countByStatus();
  const n = waitingCount(counts);
  const action = browser.action ?? (browser as unknown as { browserAction: typeof browser.action }).browserAction;
  await action.setBadgeText({ text: n > 0 ? (n > 999 ? '999+' : String(n)) : '' });
  await action.setBadgeBackgroundColor({ color: counts.failed ? '#b91c1c' : '#1d4ed8' });
  return n;
}
