/**
 * The options page: ONE form and one "Simpan pengaturan" for everything on it (identity, language,
 * in-page button, server address, token, retention). Invalid fields are marked, described and the
 * first is focused; the result is shown next to the button. Site access (with why it makes the
 * screenshot real), the connection test and the watchlist link sit in their sections.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import type { T } from '../i18n';
import { isLang, type Lang } from '../../lib/i18n/messages';
import { installationPublicKey } from '../../lib/integrity/keystore';
import { backendItem, cleanMonitor, DEFAULT_SETTINGS, getSettings, settingsItem, type BackendSettings, type Settings } from '../../lib/settings';
import { syncErrorText } from '../../lib/sync/error-text';
import { checkServerAddress } from '../../lib/sync/protocol';
import { MonitorFields } from './monitor-fields';
import { ensureOrigin } from './permissions';
import { ServerFields } from './server-fields';
import { SiteAccess } from './site-access';

type Msg = { kind: 'ok' | 'error'; text: string } | null;

export function OptionsForm({ t, lang }: { t: T; lang: Lang }) {
  const [s, setS] = useState<Settings>(DEFAULT_SETTINGS);
  const [b, setB] = useState<BackendSettings>({ baseUrl: '', token: '', retentionDays: 0 });
  const [msg, setMsg] = useState<Msg>(null);
  const [nipError, setNipError] = useState<string | null>(null);
  const [urlError, setUrlError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [deviceKey, setDeviceKey] = useState<string | null>(null);
  const focusNext = useRef<string | null>(null);
  const [ready, setReady] = useState(false);

  useEffect(() => {
    // Typing must not be overwritten by the stored values arriving late: the form says when they are in.
    void Promise.all([getSettings().then(setS), backendItem.getValue().then(setB)]).then(() => setReady(true));
    void installationPublicKey().then((k) => setDeviceKey(k.keyId.slice(0, 16)), () => setDeviceKey(null));
  }, []);
  useEffect(() => {
    if (!focusNext.current) return;
    const el = document.getElementById(focusNext.current);
    focusNext.current = null;
    el?.scrollIntoView({ block: 'center' });
    el?.focus();
  });

  const save = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    const monitor = cleanMonitor(s.monitor);
    const url = b.baseUrl.trim() ? checkServerAddress(b.baseUrl) : null;
    const nipErr = monitor.nipValid ? null : t('opt_nipInvalid');
    const urlErr = url && !url.ok ? syncErrorText(lang, url.code) : null;
    setNipError(nipErr);
    setUrlError(urlErr);
    if (nipErr || urlErr) {
      setMsg({ kind: 'error', text: t('opt_notSaved') });
      focusNext.current = nipErr ? 'm-nip' : 'b-url';
      return;
    }
    setBusy(true);
    try {
      // Asked within the click: the server's origin, as an optional host permission.
      if (url?.ok && !(await ensureOrigin(url.url))) {
        setMsg({ kind: 'error', text: t('originPermissionDenied') });
        return;
      }
      const days = Math.max(0, Math.floor(Number(b.retentionDays) || 0));
      await settingsItem.setValue({ ...s, monitor: monitor.value });
      await backendItem.setValue({ baseUrl: url?.ok ? url.url : '', token: b.token.trim(), retentionDays: days });
      setS({ ...s, monitor: monitor.value });
      setB({ baseUrl: url?.ok ? url.url : '', token: b.token.trim(), retentionDays: days });
      setMsg({ kind: 'ok', text: t('opt_saved') });
    } finally {
      setBusy(false);
    }
  };
  const edit = <K extends keyof Settings>(k: K, v: Settings[K]) => {
    setS({ ...s, [k]: v });
    setMsg(null);
  };

  return (
    <form onSubmit={(e) => void save(e)} noValidate id="options-form" data-ready={ready ? 'true' : undefined}>
      <section aria-labelledby="h-monitor">
        <h2 id="h-monitor">{t('section_monitor')}</h2>
        <p class="hint">{t('settingsIntro')}</p>
        <MonitorFields t={t} value={s.monitor} nipError={nipError} onChange={(m) => {
          edit('monitor', m);
          if (nipError) setNipError(null);
        }} />
      </section>

      <section aria-labelledby="h-lang">
        <h2 id="h-lang">{t('language')}</h2>
        <label for="lang">{t('language')}</label>
        <p class="hint" id="lang-hint">{t('opt_languageHint')}</p>
        <select id="lang" value={s.language} aria-describedby="lang-hint" onChange={(e) => {
          const v = (e.target as HTMLSelectElement).value;
          if (isLang(v)) edit('language', v);
        }}>
          <option value="id">Bahasa Indonesia</option>
          <option value="en">English</option>
        </select>
      </section>

      <section aria-labelledby="h-access">
        <h2 id="h-access">{t('opt_siteAccess')}</h2>
        <label class="check">
          <input type="checkbox" id="inpage" checked={s.inpageButtons}
            onChange={(e) => edit('inpageButtons', (e.target as HTMLInputElement).checked)} />
          {t('opt_inpageLabel')}
        </label>
        <SiteAccess t={t} idPrefix="site-access" />
      </section>

      <section aria-labelledby="h-server">
        <h2 id="h-server">{t('backend')}</h2>
        <p class="hint">{t('opt_serverIntro')}</p>
        <ServerFields t={t} lang={lang} urlError={urlError} value={{ baseUrl: b.baseUrl, token: b.token }} onChange={(v) => {
          setB({ ...b, ...v });
          setMsg(null);
          if (urlError) setUrlError(null);
        }} />
        <label for="b-retention">{t('retentionDays')}</label>
        <input id="b-retention" type="number" min="0" value={String(b.retentionDays)}
          onInput={(e) => {
            setB({ ...b, retentionDays: Number((e.target as HTMLInputElement).value) });
            setMsg(null);
          }} />
        {deviceKey && <p class="hint" id="device-key">{t('deviceKey', { key: deviceKey })}</p>}
      </section>

      <section aria-labelledby="h-watch">
        <h2 id="h-watch">{t('opt_watchlist')}</h2>
        <p class="hint">{t('opt_watchlistWhy')}</p>
        <p><a id="open-watchlist" href={browser.runtime.getURL('/watchlist.html')} target="_blank" rel="noopener">{t('opt_openWatchlist')}</a></p>
      </section>

      <div class="savebar">
        <button class="primary" type="submit" id="save" disabled={busy}>{t('opt_saveAll')}</button>
        {msg && <p class={`msg ${msg.kind}`} role={msg.kind === 'error' ? 'alert' : 'status'} id="options-msg">{msg.text}</p>}
      </div>
    </form>
  );
}
