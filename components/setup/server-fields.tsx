/**
 * The team server: address, token, and "Tes koneksi" with one line per check (lib/sync/connection-test.ts).
 * The test uses what is typed (no need to save first). Shared by the options page and the first-run page.
 */
import { useState } from 'preact/hooks';
import type { T } from '../i18n';
import type { Lang, MessageKey } from '../../lib/i18n/messages';
import { testConnection, type ConnResult, type ConnStepId, type ConnStepState } from '../../lib/sync/connection-test';
import { checkServerAddress } from '../../lib/sync/protocol';
import { ensureOrigin } from './permissions';

export interface ServerValue { baseUrl: string; token: string }

const STEP_NAMES: Record<ConnStepId, MessageKey> = {
  address: 'conn_step_address', reach: 'conn_step_reach', protocol: 'conn_step_protocol', token: 'conn_step_token', role: 'conn_step_role',
};
const STATE_NAMES: Record<ConnStepState, MessageKey> = { ok: 'conn_state_ok', fail: 'conn_state_fail', warn: 'conn_state_warn', skip: 'conn_state_skip' };
const ICONS: Record<ConnStepState, string> = { ok: '✓', fail: '✗', warn: '!', skip: '–' };

export function ServerFields({ t, lang, value, onChange, urlError }: {
  t: T;
  lang: Lang;
  value: ServerValue;
  onChange: (v: ServerValue) => void;
  urlError: string | null;
}) {
  const [result, setResult] = useState<ConnResult | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async () => {
    setBusy(true);
    setResult(null);
    try {
      // The server's origin must be allowed before the extension may talk to it; ask within the click.
      const addr = checkServerAddress(value.baseUrl);
      if (addr.ok) await ensureOrigin(addr.url);
      setResult(await testConnection({ baseUrl: value.baseUrl, token: value.token, lang, online: navigator.onLine }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div>
      <label for="b-url">{t('backendUrl')}</label>
      <p class="hint" id="b-url-hint">{t('opt_urlHint')}</p>
      <input id="b-url" type="url" autoComplete="url" placeholder="https://bukti.contoh.go.id" value={value.baseUrl}
        onInput={(e) => onChange({ ...value, baseUrl: (e.target as HTMLInputElement).value })}
        aria-invalid={urlError ? 'true' : 'false'} aria-describedby={urlError ? 'b-url-hint b-url-error' : 'b-url-hint'} />
      {urlError && <p class="field-error" id="b-url-error">{urlError}</p>}
      <label for="b-token">{t('backendToken')}</label>
      <p class="hint" id="b-token-hint">{t('backendTokenHint')}</p>
      <input id="b-token" type="password" autoComplete="off" value={value.token} aria-describedby="b-token-hint"
        onInput={(e) => onChange({ ...value, token: (e.target as HTMLInputElement).value })} />
      <div class="row">
        <button type="button" id="b-test" disabled={busy} onClick={() => void run()}>{t('testConnection')}</button>
        <span class="hint">{t('opt_testHint')}</span>
      </div>
      <div aria-live="polite">
        {busy && <p class="msg info" id="conn-busy">{t('conn_checking')}</p>}
        {result && <ConnectionResult t={t} result={result} />}
      </div>
    </div>
  );
}

export function ConnectionResult({ t, result }: { t: T; result: ConnResult }) {
  const kind = result.overall === 'connected' ? 'ok' : result.overall === 'partial' ? 'info' : 'error';
  return (
    <div id="conn-result" data-overall={result.overall}>
      <p class={`msg ${kind}`} id="backend-msg">{result.summary}</p>
      <ul class="conn-steps" aria-label={t('conn_title')}>
        {result.steps.map((s) => (
          <li key={s.id} data-step={s.id} data-state={s.state}>
            <span class="icon" aria-hidden="true">{ICONS[s.state]}</span>
            <span><span class="name">{t(STEP_NAMES[s.id])}</span> ({t(STATE_NAMES[s.state])}): {s.text}</span>
            {s.detail && (
              <details>
                <summary>{t('conn_detail')}</summary>
                <span class="mono">{s.detail}</span>
              </details>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
