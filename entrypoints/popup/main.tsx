/** The toolbar popup: wiring only. The parts live in components/popup/ and lib/background/sync-display.ts. */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import '../../assets/ui.css';
import '../../assets/popup.css';
import { send } from '../../components/api';
import { useT } from '../../components/i18n';
import { FailedList, RecentList } from '../../components/popup/record-lists';
import { SyncPanel } from '../../components/popup/sync-panel';
import { StatusCounts } from '../../components/status';
import { LockedNotice } from '../../components/vault';
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

function Popup() {
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

render(<Popup />, document.getElementById('app')!);
