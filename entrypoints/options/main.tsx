import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import '../../assets/ui.css';
import { useT } from '../../components/i18n';
import { isLang } from '../../lib/i18n/messages';
import { DEFAULT_SETTINGS, settingsItem, type Settings } from '../../lib/settings';
import { BackendSection } from './backend';
import { VaultSection } from '../../components/vault';

/** Capturing from the in-page button has no toolbar gesture, so it needs site access, asked for here. */
const CAPTURE_ORIGINS = { origins: ['<all_urls>'] };

function Options() {
  const [t] = useT();
  const [s, setS] = useState<Settings>(DEFAULT_SETTINGS);
  const [msg, setMsg] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [granted, setGranted] = useState<boolean | null>(null);

  useEffect(() => {
    void settingsItem.getValue().then((v) => setS({ ...DEFAULT_SETTINGS, ...v }));
    void browser.permissions.contains(CAPTURE_ORIGINS).then(setGranted).catch(() => setGranted(false));
  }, []);

  const save = async (e: Event) => {
    e.preventDefault();
    const nip = s.monitor.nip.trim();
    if (nip && !/^\d{18}$/.test(nip)) {
      setMsg({ kind: 'error', text: t('err_invalid', { reason: `${t('monitorNip')}: ${t('nipHint')}` }) });
      return;
    }
    await settingsItem.setValue({ ...s, monitor: { name: s.monitor.name.trim(), nip, unit: s.monitor.unit.trim() } });
    setMsg({ kind: 'ok', text: t('settingsSaved') });
  };
  const grant = async () => {
    const ok = await browser.permissions.request(CAPTURE_ORIGINS).catch(() => false);
    setGranted(ok);
    if (ok) setMsg({ kind: 'ok', text: t('permissionGranted') });
  };
  const mon = (k: keyof Settings['monitor']) => (e: Event) =>
    setS({ ...s, monitor: { ...s.monitor, [k]: (e.target as HTMLInputElement).value } });

  return (
    <main style={{ maxWidth: '640px', margin: '24px auto', padding: '0 16px' }}>
      <h1>{t('settings')} · {t('appName')}</h1>
      <form onSubmit={save}>
        <h2>{t('section_monitor')}</h2>
        <p class="muted">{t('settingsIntro')}</p>
        <label for="m-name">{t('monitorName')}</label>
        <input id="m-name" value={s.monitor.name} onInput={mon('name')} />
        <label for="m-nip">{t('monitorNip')} <span class="muted">({t('nipHint')})</span></label>
        <input id="m-nip" inputMode="numeric" value={s.monitor.nip} onInput={mon('nip')} />
        <label for="m-unit">{t('monitorUnit')}</label>
        <input id="m-unit" value={s.monitor.unit} onInput={mon('unit')} />
        <h2>{t('language')}</h2>
        <select id="lang" value={s.language} onChange={(e) => {
          const v = (e.target as HTMLSelectElement).value;
          if (isLang(v)) setS({ ...s, language: v });
        }}>
          <option value="id">Bahasa Indonesia</option>
          <option value="en">English</option>
        </select>
        <h2>{t('inpageButtons')}</h2>
        <label style={{ fontWeight: 400 }}>
          <input type="checkbox" id="inpage" checked={s.inpageButtons}
            onChange={(e) => setS({ ...s, inpageButtons: (e.target as HTMLInputElement).checked })} />{' '}
          {t('inpageButtons')}
        </label>
        {granted === false && (
          <p class="msg info">{t('inpagePermission')} <button type="button" onClick={grant}>{t('grantPermission')}</button></p>
        )}
        <p><button class="primary" type="submit" id="save">{t('save').split(' ')[0]}</button></p>
        {msg && <p class={`msg ${msg.kind}`} role="status" id="options-msg">{msg.text}</p>}
      </form>
      <BackendSection t={t} />
      <VaultSection />
    </main>
  );
}

render(<Options />, document.getElementById('app')!);
