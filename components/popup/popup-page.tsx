/**
 * The toolbar popup: flag the open tab, the sync state (components/popup/sync-panel.tsx), the
 * counts, the refused and recent records in a region that scrolls inside itself, and the actions,
 * always in view within Chrome's 600 px popup limit (assets/popup.css).
 */
import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { send } from '../api';
import { useT } from '../i18n';
import { StatusCounts } from '../status';
import { LockedNotice } from '../vault';
import { FailedList, RecentList } from './record-lists';
import { SyncPanel } from './sync-panel';
import type { FlagResult, StatusSummary } from '../../lib/messages';
import { tx } from '../../lib/i18n/export-messages';
import { tw } from '../../lib/i18n/watchlist-messages';
import { tv } from '../../lib/i18n/vault-messages';
import { backendItem } from '../../lib/settings';

const open = (path: string) => void browser.tabs.create({ url: browser.runtime.getURL(path as '/popup.html') });

/** Whether a server address is set (read from settings; the token is not looked at). */
function useServerConfigured(): boolean | null {
  const [configured, setConfigured] = useState<boolean | null>(null);
  useEffect(() => {
    void backendItem.getValue().then((b) => setConfigured(!!b.baseUrl.trim()));
    return backendItem.watch((b) => setConfigured(!!b?.baseUrl?.trim()));
  }, []);
  return configured;
}

export function PopupPage() {
  const [t, lang] = useT();
  const configured = useServerConfigured();
  const [status, setStatus] = useState<StatusSummary | null>(null);
  const [busy, setBusy] = useState(false);
  const [syncing, setSyncing] = useState(false);
  const [result, setResult] = useState<FlagResult | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const load = () => void send<StatusSummary>({ type: 'get-status' }).then(setStatus);
  useEffect(() => {
    load();
    const timer = setInterval(load, 2000);
    return () => clearInterval(timer);
  }, []);

  const flag = async () => {
    setBusy(true);
    setResult(null);
    try {
      setResult(await send<FlagResult>({ type: 'flag-active-tab' }));
    } catch (e) {
      setResult({ ok: false, code: 'error', message: String((e as Error)?.message ?? e) });
    } finally {
      setBusy(false);
      load();
    }
  };
  const syncNow = () => {
    setSyncing(true);
    void send({ type: 'sync-now' }).finally(() => { setSyncing(false); load(); });
  };
  const openSettings = () => void browser.runtime.openOptionsPage();
  const openReview = (id: string) => open(`/review.html?id=${encodeURIComponent(id)}`);
  const locked = !!status && !status.vault.unlocked;

  return (
    <main class="popup">
      <div class="popup-head">
        <h1>{t('appName')}</h1>
        <button class="primary" id="flag" style={{ width: '100%', padding: '10px' }} disabled={busy} onClick={flag}>
          {busy ? t('flagging') : `⚑ ${t('flag')}`}
        </button>
        {result && (
          <p class={`msg ${result.ok ? 'ok' : 'error'}`} role="alert" id="flag-result" data-code={result.ok ? 'ok' : result.code}>
            {result.ok ? t('flagged') : result.message}
          </p>
        )}
        {notice && <p class="msg ok" role="status" id="vault-notice">{notice}</p>}
        {status && configured !== null && (
          <SyncPanel status={status} configured={configured} lang={lang} syncing={syncing} onSyncNow={syncNow} onOpenSettings={openSettings} />
        )}
        {status && (
          <>
            <StatusCounts counts={status.counts} t={t} />
            <p class="muted" id="waiting">{t('waitingToSync', { n: status.waiting })}</p>
          </>
        )}
      </div>
      <div class="popup-lists" id="popup-lists" tabIndex={0} aria-label={t('recent')}>
        {locked && <LockedNotice lang={lang} onUnlocked={(done) => { setNotice(done ?? null); load(); }} />}
        {status && !locked && (
          <>
            <FailedList failed={status.failed} t={t} onOpen={openReview}
              onRetry={() => void send({ type: 'retry-failed' }).then(load)} />
            <RecentList recent={status.recent} t={t} lang={lang} onOpen={openReview} />
          </>
        )}
      </div>
      <nav class="popup-foot" id="popup-actions" aria-label={t('popupActions')}>
        <button id="open-manager" type="button" onClick={() => open('/manager.html')}>{t('evidenceManager')}</button>
        {/* The export runs in the evidence manager page (a popup closes as soon as it loses focus). */}
        <button id="export-all" type="button" onClick={() => open('/manager.html?export=all')}>{tx(lang, 'exportAll')}</button>
        <button id="open-watchlist" type="button" onClick={() => open('/watchlist.html')}>{tw(lang, 'navLink')}</button>
        <button id="open-settings" type="button" onClick={openSettings}>{t('settings')}</button>
        {status?.vault.enabled && status.vault.unlocked && (
          <button id="vault-lock" type="button" onClick={() => void send({ type: 'vault-lock' }).then(load)}>🔒 {tv(lang, 'lockNow')}</button>
        )}
      </nav>
    </main>
  );
}

