import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import '../../assets/ui.css';
import { send } from '../../components/api';
import { formatTime, useT } from '../../components/i18n';
import { StatusChip, StatusCounts } from '../../components/status';
import type { FlagResult, StatusSummary } from '../../lib/messages';
import { tx } from '../../lib/i18n/export-messages';
import { tw } from '../../lib/i18n/watchlist-messages';
import { tv } from '../../lib/i18n/vault-messages';
import { LockedNotice } from '../../components/vault';

function Popup() {
  const [t, lang] = useT();
  const [status, setStatus] = useState<StatusSummary | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<FlagResult | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  // The export runs in the evidence manager page (a popup closes as soon as it loses focus).
  const exportAll = () => void browser.tabs.create({ url: browser.runtime.getURL('/manager.html?export=all') });


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
  const openReview = (id: string) =>
    void browser.tabs.create({ url: browser.runtime.getURL(`/review.html?id=${encodeURIComponent(id)}`) });

  return (
    <main style={{ width: '360px', padding: '12px' }}>
      <h1>{t('appName')}</h1>
      <button class="primary" id="flag" style={{ width: '100%', padding: '10px' }} disabled={busy} onClick={flag}>
        {busy ? t('flagging') : `⚑ ${t('flag')}`}
      </button>
      {result && (
        <p class={`msg ${result.ok ? 'ok' : 'error'}`} role="alert" id="flag-result" data-code={result.ok ? 'ok' : result.code}>
          {result.ok ? t('flagged') : result.message}
        </p>
      )}
      {status && !status.vault.unlocked && <LockedNotice lang={lang} onUnlocked={(done) => { setNotice(done ?? null); load(); }} />}
      {notice && <p class="msg ok" role="status" id="vault-notice">{notice}</p>}
      {status && (
        <>
          <StatusCounts counts={status.counts} t={t} />
          <p class="muted" id="waiting">{t('waitingToSync', { n: status.waiting })}</p>
          {status.sync.message && (
            <p class={`msg ${status.sync.state === 'paused' || status.sync.state === 'locked' ? 'error' : status.sync.state === 'ok' ? 'ok' : 'info'}`}
              id="sync-status" data-state={status.sync.state}>{status.sync.message}</p>
          )}
          <button id="sync-now" onClick={() => void send({ type: 'sync-now' }).then(load)}>{t('syncNow')}</button>
          {status.failed.length > 0 && (
            <div id="failed">
              <h2>{t('status_failed')}</h2>
              <ul style={{ listStyle: 'none', padding: 0, margin: 0 }}>
                {status.failed.map((f) => (
                  <li key={f.id} class="msg error" data-id={f.id}>
                    <strong>{f.subjectName ?? '—'}</strong>: {t('failedReason', { reason: f.message })}
                  </li>
                ))}
              </ul>
              <button id="retry-failed" onClick={() => void send({ type: 'retry-failed' }).then(load)}>{t('retry')}</button>
            </div>
          )}
          <h2>{t('recent')}</h2>
          {status.recent.length === 0 && <p class="muted">{t('noRecords')}</p>}
          <ul style={{ listStyle: 'none', padding: 0, margin: 0 }}>
            {status.recent.map((r) => (
              <li key={r.id} style={{ padding: '6px 0', borderBottom: '1px solid var(--line)' }}>
                <div style={{ display: 'flex', justifyContent: 'space-between', gap: '8px' }}>
                  <StatusChip status={r.status} t={t} />
                  <span class="muted">{formatTime(r.capturedAt, lang).split(' (')[0]}</span>
                </div>
                <div style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
                  <strong>{r.subjectName ?? '—'}</strong> · {r.platform} · {t(`kind_${r.kind as 'post'}`)}
                </div>
                <div class="muted" style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>{r.title}</div>
                <button onClick={() => openReview(r.id)}>{r.status === 'draft' ? t('complete') : t('open')}</button>
              </li>
            ))}
          </ul>
        </>
      )}
      <p style={{ marginTop: '10px', display: 'flex', gap: '8px', flexWrap: 'wrap' }}>
        <button id="open-manager" onClick={() => void browser.tabs.create({ url: browser.runtime.getURL('/manager.html') })}>{t('evidenceManager')}</button>
        <button id="open-watchlist" onClick={() => void browser.tabs.create({ url: browser.runtime.getURL('/watchlist.html') })}>{tw(lang, 'navLink')}</button>
        <button id="export-all" onClick={exportAll}>{tx(lang, 'exportAll')}</button>
        {status?.vault.enabled && status.vault.unlocked && (
          <button id="vault-lock" onClick={() => void send({ type: 'vault-lock' }).then(load)}>🔒 {tv(lang, 'lockNow')}</button>
        )}
      </p>
      <p style={{ marginTop: '10px' }}>
        <a href="#" onClick={(e) => { e.preventDefault(); void browser.runtime.openOptionsPage(); }}>{t('settings')}</a>
      </p>
    </main>
  );
}

render(<Popup />, document.getElementById('app')!);
