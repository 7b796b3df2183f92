/**
 * "Pilih di halaman", background side: the tab a record was flagged in is remembered for the
 * browser session; the form asks to pick a field there; the page's answer (from that tab only) is
 * handed to the form through storage.session and the picked element is kept with the stored
 * record (extras.picked), so it is known what on the page the value came from.
 */
import { browser, type Browser } from 'wxt/browser';
import { getEvidence, updateEvidence } from '../db/evidence-db';
import { t, type Lang } from '../i18n/messages';
import { pickResultKey, type PickField, type PickResult } from '../messages';
import { sendToTab } from './tabs';

const tabKey = (id: string) => `pickTab:${id}`;

export async function rememberFlagTab(recordId: string, tabId: number): Promise<void> {
  await browser.storage.session?.set({ [tabKey(recordId)]: tabId }).catch(() => undefined);
}

async function flagTabOf(recordId: string): Promise<number | null> {
  const v = (await browser.storage.session?.get(tabKey(recordId)).catch(() => ({})) ?? {}) as Record<string, unknown>;
  const n = v[tabKey(recordId)];
  return typeof n === 'number' ? n : null;
}

export async function startPick(id: string, field: PickField, lang: Lang): Promise<{ ok: true } | { ok: false; message: string }> {
  const fail = { ok: false as const, message: t(lang, 'pickNoTab') };
  const [tabId, ev] = await Promise.all([flagTabOf(id), getEvidence(id)]);
  if (tabId === null || !ev) return fail;
  let tab: Browser.tabs.Tab;
  try {
    tab = await browser.tabs.get(tabId);
    await browser.storage.session?.remove(pickResultKey(id)).catch(() => undefined);
    await sendToTab(tabId, { type: 'pick-start', recordId: id, field });
  } catch {
    return fail;
  }
  await browser.tabs.update(tabId, { active: true }).catch(() => undefined);
  if (tab.windowId !== undefined) await browser.windows.update(tab.windowId, { focused: true }).catch(() => undefined);
  return { ok: true };
}

export async function pickResult(
  m: { recordId: string; field: PickField; value: string | null; path: string | null },
  sender: Browser.runtime.MessageSender,
): Promise<{ ok: boolean }> {
  // Only the tab the record was flagged in answers for it.
  if (sender.tab?.id === undefined || sender.tab.id !== (await flagTabOf(m.recordId))) return { ok: false };
  const at = new Date().toISOString();
  const result: PickResult = { field: m.field, value: m.value, path: m.path, at };
  if (m.value !== null) {
    await updateEvidence(m.recordId, (ev) => ({
      ...ev,
      extras: { ...ev.extras, picked: { ...((ev.extras.picked as object | undefined) ?? {}), [m.field]: { path: m.path, value: m.value, at } } },
    })).catch(() => undefined);
  }
  await browser.storage.session?.set({ [pickResultKey(m.recordId)]: result });
  return { ok: true };
}
