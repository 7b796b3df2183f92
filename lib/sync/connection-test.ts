/**
 * "Tes koneksi": each thing that must hold for sync to work, checked in order, each with its own
 * plain message in the monitor's language:
 *  1. address   a valid https:// URL (http:// only for this computer)
 *  2. reach     an answer comes back. fetch does not say why it failed, so "unreachable" and "the
 *               browser does not trust the certificate" cannot be told apart; the message says so.
 *               No network at all (navigator.onLine false) and no answer in time are told apart.
 *  3. protocol  GET /v1/health answers {ok:true} (our evidence server, not any web site)
 *  4. token     GET /v1/whoami accepts the token (401 refused, 403 disabled; 404 = an older server
 *               that cannot check tokens: a warning, never "connected")
 *  5. role      the token may upload (an auditor's or coordinator's token may not)
 * Only when all five pass is the result "connected". Never throws; the token is sent only in the
 * Authorization header of /v1/whoami and scrubbed from every technical detail.
 */
import { t, type Lang, type MessageKey } from '../i18n/messages';
import { SYNC_ERROR_KEYS } from './error-text';
import { checkHealth, checkServerAddress, HEALTH_TIMEOUT_MS, scrub, type FetchLike, type SyncErrorCode } from './protocol';

export type ConnStepId = 'address' | 'reach' | 'protocol' | 'token' | 'role';
export type ConnStepState = 'ok' | 'fail' | 'warn' | 'skip';

export interface ConnStep {
  id: ConnStepId;
  state: ConnStepState;
  /** plain text for the monitor */
  text: string;
  /** why it failed, as a code (for tests and callers) */
  error?: SyncErrorCode | 'offline' | 'whoami_unsupported' | 'cannot_upload';
  /** technical detail in English (HTTP status, browser error) for a collapsed "technical detail" */
  detail?: string;
}

export interface ConnResult {
  overall: 'connected' | 'partial' | 'failed';
  summary: string;
  steps: ConnStep[];
  /** the address as it would be saved, when valid */
  url?: string;
}

export interface ConnOptions {
  baseUrl: string;
  token: string;
  lang: Lang;
  fetchImpl?: FetchLike;
  timeoutMs?: number;
  /** navigator.onLine where there is one; false = this computer has no network at all */
  online?: boolean;
}

const ORDER: ConnStepId[] = ['address', 'reach', 'protocol', 'token', 'role'];
const ROLE_KEYS: Record<string, MessageKey> = { monitor: 'conn_role_monitor', coordinator: 'conn_role_coordinator', auditor: 'conn_role_auditor' };

export async function testConnection(o: ConnOptions): Promise<ConnResult> {
  const tr = (key: MessageKey, params?: Record<string, string | number>) => t(o.lang, key, params);
  const steps: ConnStep[] = [];
  const timeoutMs = o.timeoutMs ?? HEALTH_TIMEOUT_MS;
  const token = o.token.trim();
  const finish = (url?: string): ConnResult => {
    for (const id of ORDER) if (!steps.some((s) => s.id === id)) steps.push({ id, state: 'skip', text: tr('conn_skipped') });
    const overall = steps.some((s) => s.state === 'fail') ? 'failed' : steps.some((s) => s.state === 'warn') ? 'partial' : 'connected';
    const summary = tr(overall === 'connected' ? 'conn_summary_ok' : overall === 'partial' ? 'conn_summary_warn' : 'conn_summary_fail');
    return { overall, summary, steps, ...(url ? { url } : {}) };
  };
  const fail = (id: ConnStepId, error: SyncErrorCode, detail?: string): void => {
    steps.push({ id, state: 'fail', text: tr(SYNC_ERROR_KEYS[error]), error, ...(detail ? { detail: scrub(detail, token) } : {}) });
  };

  // 1. address
  const addr = checkServerAddress(o.baseUrl);
  if (!addr.ok) {
    fail('address', addr.code, addr.message);
    return finish();
  }
  const url = addr.url;
  const https = url.startsWith('https:');
  steps.push({ id: 'address', state: 'ok', text: tr(https ? 'conn_address_ok' : 'conn_address_local') });

  // 2. reach, 3. protocol
  const health = await checkHealth(url, o.fetchImpl, timeoutMs, token || null);
  if (health.status === null) {
    if (health.error === 'timeout') {
      steps.push({ id: 'reach', state: 'fail', error: 'timeout', text: tr('conn_reach_timeout', { seconds: Math.round(timeoutMs / 1000) }), detail: health.message });
    } else if (o.online === false) {
      steps.push({ id: 'reach', state: 'fail', error: 'offline', text: tr('conn_reach_offline'), detail: health.message });
    } else {
      steps.push({ id: 'reach', state: 'fail', error: 'network', text: tr(https ? 'conn_reach_unreachable_tls' : 'conn_reach_unreachable'), detail: health.message });
    }
    return finish(url);
  }
  steps.push({ id: 'reach', state: 'ok', text: tr('conn_reach_ok') });
  if (!health.ok) {
    fail('protocol', health.error ?? 'not_evidence_server', health.message);
    return finish(url);
  }
  steps.push({ id: 'protocol', state: 'ok', text: tr('conn_protocol_ok', { version: health.version ?? '?' }) });

  // 4. token, 5. role
  if (!token) {
    fail('token', 'token_missing');
    return finish(url);
  }
  if (!/^[\x21-\x7e]+$/.test(token)) {
    fail('token', 'token_invalid_chars');
    return finish(url);
  }
  const who = await whoami(url, token, o.fetchImpl, timeoutMs);
  if (who.kind === 'error') {
    if (who.status === 404 || who.status === 405) {
      steps.push({ id: 'token', state: 'warn', error: 'whoami_unsupported', text: tr('conn_token_unsupported'), detail: who.detail });
    } else {
      fail('token', who.error, who.detail);
    }
    return finish(url);
  }
  steps.push({ id: 'token', state: 'ok', text: tr('conn_token_ok', { monitor: who.monitor }) });
  if (who.scopes.includes('upload')) {
    steps.push({ id: 'role', state: 'ok', text: tr('conn_role_ok') });
  } else {
    const role = tr(ROLE_KEYS[who.role] ?? 'conn_role_auditor');
    steps.push({ id: 'role', state: 'fail', error: 'cannot_upload', text: tr('conn_role_cannot_upload', { role }) });
  }
  return finish(url);
}

type Whoami =
  | { kind: 'ok'; monitor: string; role: string; scopes: string[] }
  | { kind: 'error'; status: number | null; error: SyncErrorCode; detail: string };

async function whoami(base: string, token: string, fetchImpl: FetchLike | undefined, timeoutMs: number): Promise<Whoami> {
  const doFetch: FetchLike = fetchImpl ?? ((input, init) => fetch(input, init));
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  try {
    const res = await doFetch(`${base}/v1/whoami`, {
      method: 'GET', headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
      signal: controller.signal, credentials: 'omit', cache: 'no-store', redirect: 'manual',
    });
    const text = res.type === 'opaqueredirect' ? '' : await res.text();
    const status = res.type === 'opaqueredirect' ? 302 : res.status;
    let body: unknown = null;
    try {
      body = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
    const detail = scrub(`HTTP ${status}${typeof b.error === 'string' ? `: ${b.error}` : ''}`, token);
    if (status === 200) {
      if (typeof b.monitor !== 'string' || typeof b.role !== 'string' || !Array.isArray(b.scopes)) {
        return { kind: 'error', status, error: 'bad_reply', detail: 'HTTP 200: not a whoami reply' };
      }
      return {
        kind: 'ok', monitor: scrub(b.monitor, token).slice(0, 80), role: b.role,
        scopes: b.scopes.filter((s): s is string => typeof s === 'string'),
      };
    }
    if (status === 401) return { kind: 'error', status, error: 'token_refused', detail };
    if (status === 403) return { kind: 'error', status, error: b.code === 'token_disabled' ? 'token_disabled' : 'token_forbidden', detail };
    if (status === 429) return { kind: 'error', status, error: 'server_busy', detail };
    if (status >= 500) return { kind: 'error', status, error: 'server_error', detail };
    return { kind: 'error', status, error: 'not_evidence_server', detail };
  } catch (e) {
    return timedOut
      ? { kind: 'error', status: null, error: 'timeout', detail: `No answer within ${Math.round(timeoutMs / 1000)} s` }
      : { kind: 'error', status: null, error: 'network', detail: scrub(`Network error: ${e instanceof Error ? e.message : String(e)}`, token) };
  } finally {
    clearTimeout(timer);
  }
}
