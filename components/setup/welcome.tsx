/**
 * The first-run page, opened once on install (lib/background/setup.ts): four steps, each with its
 * own save or "Lewati": the monitor's identity, site access (why it makes the screenshot real, and
 * asking for it), the team server with the connection test (optional), the watchlist (optional).
 * Nothing here blocks flagging: the extension works before any step is done.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import type { T } from '../i18n';
import type { Lang } from '../../lib/i18n/messages';
import { backendItem, cleanMonitor, DEFAULT_SETTINGS, getSettings, updateSettings, type MonitorSettings } from '../../lib/settings';
import { syncErrorText } from '../../lib/sync/error-text';
import { checkServerAddress } from '../../lib/sync/protocol';
import { MonitorFields } from './monitor-fields';
import { ensureOrigin } from './permissions';
import { ServerFields, type ServerValue } from './server-fields';
import { SiteAccess } from './site-access';

type StepState = 'open' | 'done' | 'skipped';
const TOTAL = 4;

function StepHeader({ t, n, title, state }: { t: T; n: number; title: string; state: StepState }) {
  return (
    <h2 id={`w-h${n}`}>
      <span class="hint">{t('welcome_step', { n, total: TOTAL })}</span><br />
      {title}
      {state !== 'open' && <span class="step-state" id={`w-state${n}`}>{state === 'done' ? t('welcome_stepDone') : t('welcome_stepSkipped')}</span>}
    </h2>
  );
}

export function Welcome({ t, lang }: { t: T; lang: Lang }) {
  const [monitor, setMonitor] = useState<MonitorSettings>(DEFAULT_SETTINGS.monitor);
  const [server, setServer] = useState<ServerValue>({ baseUrl: '', token: '' });
  const [steps, setSteps] = useState<StepState[]>(['open', 'open', 'open', 'open']);
  const [nipError, setNipError] = useState<string | null>(null);
  const [urlError, setUrlError] = useState<string | null>(null);
  const [msgs, setMsgs] = useState<Record<number, { kind: 'ok' | 'error' | 'info'; text: string }>>({});
  const focusId = useRef<string | null>(null);

  useEffect(() => {
    // What is stored fills only the fields the monitor has not typed into yet (typing can start
    // before storage answers; a slow answer must not wipe it).
    void getSettings().then((s) => setMonitor((cur) => ({
      name: cur.name || s.monitor.name, nip: cur.nip || s.monitor.nip, unit: cur.unit || s.monitor.unit,
    })));
    void backendItem.getValue().then((b) => setServer((cur) => ({ baseUrl: cur.baseUrl || b.baseUrl, token: cur.token || b.token })));
  }, []);
  useEffect(() => {
    if (!focusId.current) return;
    const el = document.getElementById(focusId.current);
    focusId.current = null;
    el?.scrollIntoView({ block: 'center' });
    el?.focus();
  });

  const mark = (i: number, state: StepState, msg?: { kind: 'ok' | 'error' | 'info'; text: string }) => {
    setSteps((prev) => prev.map((s, j) => (j === i ? state : s)));
    setMsgs((prev) => ({ ...prev, [i]: msg ?? { kind: 'info', text: t('welcome_skipped') } }));
  };

  const saveIdentity = async () => {
    const m = cleanMonitor(monitor);
    if (!m.nipValid) {
      setNipError(t('opt_nipInvalid'));
      setMsgs((prev) => ({ ...prev, 0: { kind: 'error', text: t('opt_notSaved') } }));
      focusId.current = 'm-nip';
      return;
    }
    setNipError(null);
    await updateSettings({ monitor: m.value });
    setMonitor(m.value);
    mark(0, 'done', { kind: 'ok', text: t('welcome_identitySaved') });
  };

  const saveServer = async () => {
    if (!server.baseUrl.trim()) {
      mark(2, 'skipped');
      return;
    }
    const addr = checkServerAddress(server.baseUrl);
    if (!addr.ok) {
      setUrlError(syncErrorText(lang, addr.code));
      setMsgs((prev) => ({ ...prev, 2: { kind: 'error', text: t('opt_notSaved') } }));
      focusId.current = 'b-url';
      return;
    }
    setUrlError(null);
    if (!(await ensureOrigin(addr.url))) {
      setMsgs((prev) => ({ ...prev, 2: { kind: 'error', text: t('originPermissionDenied') } }));
      return;
    }
    const prev = await backendItem.getValue();
    await backendItem.setValue({ ...prev, baseUrl: addr.url, token: server.token.trim() });
    mark(2, 'done', { kind: 'ok', text: t('welcome_serverSaved') });
  };

  const msg = (i: number) => msgs[i] && (
    <p class={`msg ${msgs[i]!.kind}`} role={msgs[i]!.kind === 'error' ? 'alert' : 'status'} id={`w-msg${i + 1}`}>{msgs[i]!.text}</p>
  );
  const skip = (i: number) => (
    <button type="button" id={`w-skip${i + 1}`} onClick={() => mark(i, 'skipped')}>{t('welcome_skip')}</button>
  );

  return (
    <main class="setup-page">
      <h1>{t('welcome_title')}</h1>
      <p>{t('welcome_intro')}</p>

      <section aria-labelledby="w-h1">
        <StepHeader t={t} n={1} title={t('welcome_identity')} state={steps[0]!} />
        <p class="hint">{t('welcome_identityWhy')}</p>
        <MonitorFields t={t} value={monitor} nipError={nipError} onChange={(m) => {
          setMonitor(m);
          if (nipError) setNipError(null);
        }} />
        <div class="row">
          <button type="button" class="primary" id="w-save-identity" onClick={() => void saveIdentity()}>{t('welcome_saveIdentity')}</button>
          {skip(0)}
        </div>
        {msg(0)}
      </section>

      <section aria-labelledby="w-h2">
        <StepHeader t={t} n={2} title={t('opt_siteAccess')} state={steps[1]!} />
        <SiteAccess t={t} idPrefix="w-access" />
        <div class="row">{skip(1)}</div>
        {msg(1)}
      </section>

      <section aria-labelledby="w-h3">
        <StepHeader t={t} n={3} title={t('welcome_server')} state={steps[2]!} />
        <p class="hint">{t('opt_serverIntro')}</p>
        <ServerFields t={t} lang={lang} value={server} urlError={urlError} onChange={(v) => {
          setServer(v);
          if (urlError) setUrlError(null);
        }} />
        <div class="row">
          <button type="button" class="primary" id="w-save-server" onClick={() => void saveServer()}>{t('welcome_saveServer')}</button>
          {skip(2)}
        </div>
        {msg(2)}
      </section>

      <section aria-labelledby="w-h4">
        <StepHeader t={t} n={4} title={t('opt_watchlist')} state={steps[3]!} />
        <p class="hint">{t('opt_watchlistWhy')}</p>
        <div class="row">
          <a id="w-open-watchlist" href={browser.runtime.getURL('/watchlist.html')} target="_blank" rel="noopener">{t('opt_openWatchlist')}</a>
          {skip(3)}
        </div>
        {msg(3)}
      </section>

      <section>
        <p class="msg ok" id="w-done">{t('welcome_done')}</p>
        <p><a id="w-open-settings" href={browser.runtime.getURL('/options.html')} target="_blank" rel="noopener">{t('welcome_openSettings')}</a></p>
      </section>
    </main>
  );
}
