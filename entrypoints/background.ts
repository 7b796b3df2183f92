import { browser } from 'wxt/browser';
import { flagTab } from '../lib/background/flag';
import { handleMessage } from '../lib/background/handlers';
import { refreshBadge, watchBadgeInputs } from '../lib/background/badge';
import { backendItem, getSettings, settingsItem } from '../lib/settings';
import { recoverQueue, requestSync, resetPause, SYNC_ALARM } from '../lib/background/sync';
import { t } from '../lib/i18n/messages';
import { resumeVaultConversion } from '../lib/background/vault-handlers';
import { onInstalled } from '../lib/background/setup';
import { registerTeamKnowledge } from '../lib/team/service';

const MENU_ID = 'flag-evidence';

export default defineBackground(() => {
  // Listeners are registered synchronously so a woken service worker sees the event that woke it.
  browser.runtime.onInstalled.addListener((details) => {
    void setupMenu();
    void onInstalled(details).catch(() => undefined);
  });
  browser.runtime.onStartup.addListener(() => void refreshBadge());
  browser.contextMenus.onClicked.addListener((info, tab) => {
    if (info.menuItemId === MENU_ID) void flagTab(tab, { mode: 'contextmenu' });
  });
  browser.commands.onCommand.addListener((command, tab) => {
    if (command === 'flag-evidence') void flagTab(tab, { mode: 'hovered' });
  });
  browser.runtime.onMessage.addListener((msg, sender) => handleMessage(msg, sender) as Promise<unknown> | undefined);
  // Sync: alarms (re-armed on every run), coming back online, browser start, settings changes.
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === SYNC_ALARM) void requestSync();
  });
  browser.runtime.onStartup.addListener(() => void requestSync());
  globalThis.addEventListener?.('online', () => void requestSync());
  backendItem.watch(() => void resetPause().then(() => requestSync()));
  // Every worker start: an encryption being turned on or off that a killed worker left half-done is
  // finished (when unlocked), records it left "sending" go back to the queue, then sync.
  void resumeVaultConversion().catch(() => null)
    .then(() => recoverQueue())
    .then(() => requestSync())
    .catch(() => undefined);

  // The team's knowledge (counts per watched ASN from the server), cached for offline use.
  registerTeamKnowledge();

  // The context-menu title follows the monitor's language choice.
  settingsItem.watch(() => void setupMenu());
  // The badge's colour and tooltip follow the sync state, the server settings and the lock.
  watchBadgeInputs();
  void refreshBadge();

  if (import.meta.env.MODE === 'e2e') {
    // Test build only: lets the benchmark time a flag (to durable record) from the worker.
    (globalThis as Record<string, unknown>).__asnFlagTab = flagTab;
  }
});

async function setupMenu(): Promise<void> {
  const { language } = await getSettings();
  await browser.contextMenus.removeAll();
  browser.contextMenus.create({ id: MENU_ID, title: t(language, 'flagHint'), contexts: ['all'] });
}
