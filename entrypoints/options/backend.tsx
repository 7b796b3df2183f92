/**
 * Backend settings: address, token, retention, and "test connection". The server's origin is
 * asked for at run time as an optional host permission, only when the monitor saves or tests.
 */
import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import type { T } from '../../components/i18n';
import { installationPublicKey } from '../../lib/integrity/keystore';
import { backendItem, type BackendSettings } from '../../lib/settings';
import { checkHealth, normalizeBaseUrl } from '../../lib/sync/protocol';

export function originPattern(baseUrl: string): string {
  const u = new URL(normalizeBaseUrl(baseUrl));
  return `${u.protocol}//${u.hostname}/*`;
}

/** Ask for access to the server's origin (a user gesture is needed, so call from a click). */
async function ensureOrigin(baseUrl: string): Promise<boolean> {
  const origins = [originPattern(baseUrl)];
  if (await browser.permissions.contains({ origins })) return true;
  return browser.permissions.request({ origins }).catch(() => false);
}

export function BackendSection({ t }: { t: T }) {
  const [b, setB] = useState<BackendSettings>({ baseUrl: '', token: '', retentionDays: 0 });
  const [msg, setMsg] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [deviceKey, setDeviceKey] = useState<string | null>(null);
  useEffect(() => void backendItem.getValue().then(setB), []);
  useEffect(() => void installationPublicKey().then((k) => setDeviceKey(k.keyId.slice(0, 16)), () => setDeviceKey(null)), []);

  const validUrl = (): string | null => {
    if (!b.baseUrl.trim()) return '';
    try {
      return normalizeBaseUrl(b.baseUrl.trim());
    } catch (e) {
      setMsg({ kind: 'error', text: t('err_invalid', { reason: (e as Error).message }) });
      return null;
    }
  };
  const save = async () => {
    const url = validUrl();
    if (url === null) return;
    if (url && !(await ensureOrigin(url))) {
      setMsg({ kind: 'error', text: t('originPermissionDenied') });
      return;
    }
    const days = Math.max(0, Math.floor(Number(b.retentionDays) || 0));
    await backendItem.setValue({ baseUrl: url, token: b.token.trim(), retentionDays: days });
    setMsg({ kind: 'ok', text: t('settingsSaved') });
  };
  const test = async () => {
    const url = validUrl();
    if (!url) return;
    if (!(await ensureOrigin(url))) {
      setMsg({ kind: 'error', text: t('originPermissionDenied') });
      return;
    }
    const res = await checkHealth(url, undefined, undefined, b.token.trim() || null);
    setMsg(res.ok
      ? { kind: 'ok', text: t('connectionOk', { version: res.version ?? '?' }) }
      : { kind: 'error', text: t('connectionFailed', { reason: res.message }) });
  };

  return (
    <section>
      <h2>{t('backend')}</h2>
      <label for="b-url">{t('backendUrl')}</label>
      <input id="b-url" type="url" placeholder="https://bukti.example.go.id" value={b.baseUrl}
        onInput={(e) => setB({ ...b, baseUrl: (e.target as HTMLInputElement).value })} />
      <label for="b-token">{t('backendToken')} <span class="muted">({t('backendTokenHint')})</span></label>
      <input id="b-token" type="password" autoComplete="off" value={b.token}
        onInput={(e) => setB({ ...b, token: (e.target as HTMLInputElement).value })} />
      <label for="b-retention">{t('retentionDays')}</label>
      <input id="b-retention" type="number" min="0" value={String(b.retentionDays)}
        onInput={(e) => setB({ ...b, retentionDays: Number((e.target as HTMLInputElement).value) })} />
      <p style={{ display: 'flex', gap: '8px' }}>
        <button type="button" class="primary" id="b-save" onClick={() => void save()}>{t('save').split(' ')[0]}</button>
        <button type="button" id="b-test" onClick={() => void test()}>{t('testConnection')}</button>
      </p>
      {msg && <p class={`msg ${msg.kind}`} role="status" id="backend-msg">{msg.text}</p>}
      {deviceKey && <p class="muted" id="device-key">{t('deviceKey', { key: deviceKey })}</p>}
    </section>
  );
}
