/**
 * Client side of the sync protocol (docs/sync-protocol.md; shared contracts section 4).
 * Pure: uses only fetch, AbortController, FormData/Blob and timers, so the MV3 background
 * service worker, extension pages and Node tests can all call it.
 *
 * Every answer is classified into an UploadOutcome the queue (./queue.ts) turns into the next
 * state. The bearer token is sent only in the Authorization header and is scrubbed from every
 * message this module produces, including server-provided text.
 */
import { capturedSha256, isReceipt as isSignedReceipt, verifyReceipt, type Receipt as SignedReceipt } from '../integrity/receipt';
import type { EvidenceRecord } from '../record/schema';

/** Under the 30 s an MV3 service worker may spend on one event. */
export const UPLOAD_TIMEOUT_MS = 25_000;
export const HEALTH_TIMEOUT_MS = 10_000;
/** Retry-After values above this are clamped (a misconfigured proxy must not park a record for days). */
export const MAX_RETRY_AFTER_MS = 60 * 60 * 1000;
const MAX_MESSAGE = 300;

export interface Receipt {
  id: string;
  receivedAt: string;
  sha256: string;
  /** the server's countersigned receipt (lib/integrity/receipt.ts), checked before it is kept */
  signed?: SignedReceipt;
}

/**
 * What went wrong, as a stable code. The UI and the sync status turn it into plain text in the
 * monitor's language (lib/sync/error-text.ts); `message` stays a short technical detail in English
 * (for logs and a collapsed "technical detail"), never shown to the monitor as the explanation.
 */
export type SyncErrorCode =
  /** the server address: empty, not a URL, not http(s), with a user name, plain http to a non-local host */
  | 'address_missing' | 'address_invalid' | 'address_scheme' | 'address_credentials' | 'address_insecure'
  /** no token, or one with characters a header cannot carry */
  | 'token_missing' | 'token_invalid_chars'
  /** 401; 403 for a disabled token; 403 for a token whose role or scope may not do this */
  | 'token_refused' | 'token_disabled' | 'token_forbidden'
  /** 403 for this installation's key (shared contracts section 5) */
  | 'device_not_approved' | 'key_revoked'
  /** fetch threw (no network, DNS, refused connection, TLS), no answer in time, cancelled by the caller */
  | 'network' | 'timeout' | 'cancelled'
  /** 429/408/425; 5xx; 404/405/3xx (no evidence endpoint at this address); a 2xx that is not a valid receipt */
  | 'server_busy' | 'server_error' | 'wrong_address' | 'bad_reply'
  /** 413; 409 (another record with this id); 400/422 (the server refused the content); other 4xx */
  | 'too_large' | 'conflict' | 'record_refused' | 'refused'
  /** the address answers, but not as an evidence server (health is not {ok:true}) */
  | 'not_evidence_server';

export type UploadOutcome =
  /** 201 stored now, 200 stored earlier (a retry). The receipt was checked against the record. */
  | { kind: 'stored'; status: 201 | 200; receipt: Receipt }
  /** 401/403, or no usable token / server address (status null): pause sync and tell the monitor. */
  | { kind: 'auth'; status: 401 | 403 | null; error: SyncErrorCode; message: string; code?: string }
  /** 400/409/413/422 and other definitive 4xx: this record fails with the server's reason. */
  | { kind: 'rejected'; status: number; error: SyncErrorCode; message: string }
  /** Transient: 429, 5xx, network error, timeout, abort, bad 2xx reply. Retry with backoff. */
  | { kind: 'retry'; status: number | null; error: SyncErrorCode; message: string; retryAfterMs?: number };

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface UploadParams {
  baseUrl: string;
  token: string;
  record: EvidenceRecord;
  screenshot: Blob;
  /** the full-tab screenshot (record.screenshot.full) and the source HTML (record.source) */
  full?: Blob | null;
  source?: Blob | null;
  /** the record's signed custody log, and the public keys that signed it ({keyId, publicKey}) */
  custody?: readonly unknown[];
  keys?: readonly { keyId: string; publicKey: unknown }[];
  /** Caller's cancellation (e.g. sync turned off); gives a 'retry' outcome. */
  signal?: AbortSignal;
  fetchImpl?: FetchLike;
  /** Default UPLOAD_TIMEOUT_MS. */
  timeoutMs?: number;
}

export class BaseUrlError extends Error {
  override name = 'BaseUrlError';
  constructor(message: string, readonly code: SyncErrorCode) {
    super(message);
  }
}

/** "https://bukti.example.go.id/api/" -> "https://bukti.example.go.id/api". Throws BaseUrlError. */
export function normalizeBaseUrl(baseUrl: string): string {
  const raw = (baseUrl ?? '').trim();
  if (!raw) throw new BaseUrlError('No server address is set', 'address_missing');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new BaseUrlError('Server address is not a valid URL', 'address_invalid');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new BaseUrlError('Server address must start with http:// or https://', 'address_scheme');
  }
  if (url.username || url.password) throw new BaseUrlError('Server address must not contain a user name or password', 'address_credentials');
  url.search = '';
  url.hash = '';
  return url.toString().replace(/\/+$/, '');
}

/** Loopback names: the only hosts a plain http:// server address is accepted for. */
export function isLocalHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/**
 * The address a monitor may save: a valid https:// URL, or http:// only for this computer
 * (localhost, 127.x.x.x, ::1: the token would otherwise cross the network in clear text).
 */
export function checkServerAddress(baseUrl: string): { ok: true; url: string } | { ok: false; code: SyncErrorCode; message: string } {
  let url: string;
  try {
    url = normalizeBaseUrl(baseUrl);
  } catch (e) {
    return e instanceof BaseUrlError ? { ok: false, code: e.code, message: e.message } : { ok: false, code: 'address_invalid', message: String(e) };
  }
  const u = new URL(url);
  if (u.protocol === 'http:' && !isLocalHost(u.hostname)) {
    return { ok: false, code: 'address_insecure', message: 'http:// is only accepted for this computer (localhost); use https://' };
  }
  return { ok: true, url };
}

/** Removes the token (and anything after "Bearer ") from a message; bounds its length. */
export function scrub(message: string, token: string | null | undefined): string {
  let out = String(message);
  if (token && token.length > 0) out = out.split(token).join('[token]');
  out = out.replace(/(Bearer\s+)\S+/gi, '$1[token]');
  out = out.replace(/\s+/g, ' ').trim();
  return out.length > MAX_MESSAGE ? `${out.slice(0, MAX_MESSAGE - 1)}…` : out;
}

/** Retry-After: delta-seconds or an HTTP-date. Returns ms (>= 0, clamped) or undefined. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Math.min(Number(v) * 1000, MAX_RETRY_AFTER_MS);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(0, at - now), MAX_RETRY_AFTER_MS);
}

const duration = (ms: number): string => (ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`);

/** Header values may only hold visible ASCII; anything else would make fetch throw a TypeError. */
const usableToken = (t: string): boolean => /^[\x21-\x7e]+$/.test(t);

/** An AbortSignal that fires on the caller's signal or after ms; `cleanup` clears the timer. */
function deadline(ms: number, outer?: AbortSignal): { signal: AbortSignal; timedOut: () => boolean; cleanup: () => void } {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, ms);
  const onAbort = () => controller.abort();
  if (outer) {
    if (outer.aborted) controller.abort();
    else outer.addEventListener('abort', onAbort, { once: true });
  }
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    cleanup: () => {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
    },
  };
}

function serverReason(bodyText: string): string | null {
  try {
    const parsed = JSON.parse(bodyText) as unknown;
    if (parsed && typeof parsed === 'object' && typeof (parsed as { error?: unknown }).error === 'string') {
      return (parsed as { error: string }).error;
    }
  } catch {
    /* not JSON */
  }
  return null;
}

/** The server's machine-readable refusal code (`{error, code}`), e.g. device_not_approved. */
function serverCode(bodyText: string): string | null {
  try {
    const c = (JSON.parse(bodyText) as { code?: unknown } | null)?.code;
    return typeof c === 'string' && /^[a-z_]{1,40}$/.test(c) ? c : null;
  } catch {
    return null;
  }
}

function isReceipt(v: unknown): v is Receipt {
  if (!v || typeof v !== 'object') return false;
  const r = v as Record<string, unknown>;
  return typeof r.id === 'string' && typeof r.receivedAt === 'string' && typeof r.sha256 === 'string'
    && ISO_UTC.test(r.receivedAt) && !Number.isNaN(Date.parse(r.receivedAt));
}

/**
 * receivedAt must be a strict ISO-8601 UTC instant (docs/sync-protocol.md). Anything looser
 * (Date.parse accepts free text in parentheses) could smuggle arbitrary text - even the token
 * echoed by a proxy - into the stored receipt, the custody log and exported bundles.
 */
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/;

/** Pure classification of one HTTP answer (exported for tests and for callers with their own transport). */
export function classifyResponse(
  status: number,
  bodyText: string,
  record: Pick<EvidenceRecord, 'id' | 'screenshot'>,
  retryAfter: string | null,
  token?: string,
): UploadOutcome {
  const reason = serverReason(bodyText);
  const msg = (fallback: string) => scrub(reason ? `HTTP ${status}: ${reason}` : `HTTP ${status}: ${fallback}`, token);

  if (status === 200 || status === 201) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(bodyText);
    } catch {
      return { kind: 'retry', status, error: 'bad_reply', message: scrub(`HTTP ${status}: reply is not JSON`, token) };
    }
    if (!isReceipt(parsed)) return { kind: 'retry', status, error: 'bad_reply', message: scrub(`HTTP ${status}: reply is not a receipt`, token) };
    if (parsed.id !== record.id) {
      return { kind: 'retry', status, error: 'bad_reply', message: scrub(`HTTP ${status}: receipt is for another record`, token) };
    }
    if (parsed.sha256 !== record.screenshot.sha256) {
      return { kind: 'retry', status, error: 'bad_reply', message: scrub(`HTTP ${status}: receipt sha256 does not match the screenshot`, token) };
    }
    const signed = (parsed as { receipt?: unknown }).receipt;
    return {
      kind: 'stored', status,
      receipt: { id: parsed.id, receivedAt: parsed.receivedAt, sha256: parsed.sha256, ...(isSignedReceipt(signed) ? { signed } : {}) },
    };
  }
  if (status === 401 || status === 403) {
    const code = serverCode(bodyText);
    const error: SyncErrorCode = status === 401 ? 'token_refused'
      : code === 'device_not_approved' || code === 'key_revoked' ? code
        : code === 'token_disabled' ? 'token_disabled' : 'token_forbidden';
    return { kind: 'auth', status, error, message: msg(status === 401 ? 'token not accepted' : 'token not allowed'), ...(code ? { code } : {}) };
  }
  if (status === 429 || status === 408 || status === 425) {
    const retryAfterMs = parseRetryAfter(retryAfter);
    return { kind: 'retry', status, error: 'server_busy', message: msg('server busy'), ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  }
  if (status >= 500) {
    const retryAfterMs = parseRetryAfter(retryAfter);
    return { kind: 'retry', status, error: 'server_error', message: msg('server error'), ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  }
  // A wrong address (404/405, a redirect) affects every record alike and heals when the address is
  // fixed, so keep retrying (the backoff caps at 5 min) rather than failing each record.
  if (status === 404 || status === 405 || (status >= 300 && status < 400)) {
    return { kind: 'retry', status, error: 'wrong_address', message: msg('no evidence endpoint here; check the server address') };
  }
  if (status >= 400) {
    const error: SyncErrorCode = status === 413 ? 'too_large' : status === 409 ? 'conflict'
      : status === 400 || status === 422 ? 'record_refused' : 'refused';
    return { kind: 'rejected', status, error, message: msg('request refused') };
  }
  return { kind: 'retry', status, error: 'bad_reply', message: msg('unexpected reply') };
}

/**
 * Uploads one record with its screenshot. Never throws: every failure is an outcome.
 * Safe to repeat: the server answers 200 with the original receipt for a true retry.
 */
export async function uploadEvidence(params: UploadParams): Promise<UploadOutcome> {
  const { token, record, screenshot } = params;
  let base: string;
  try {
    base = normalizeBaseUrl(params.baseUrl);
  } catch (e) {
    return { kind: 'auth', status: null, error: e instanceof BaseUrlError ? e.code : 'address_invalid', message: (e as Error).message };
  }
  if (!token || !usableToken(token)) {
    return token
      ? { kind: 'auth', status: null, error: 'token_invalid_chars', message: 'Token contains characters that are not allowed' }
      : { kind: 'auth', status: null, error: 'token_missing', message: 'No token is set' };
  }
  const fetchImpl: FetchLike = params.fetchImpl ?? ((input, init) => fetch(input, init));
  const { signal, timedOut, cleanup } = deadline(params.timeoutMs ?? UPLOAD_TIMEOUT_MS, params.signal);
  try {
    const form = new FormData();
    form.append('record', new Blob([JSON.stringify(record)], { type: 'application/json' }), 'record.json');
    const png = screenshot.type === 'image/png' ? screenshot : new Blob([screenshot], { type: 'image/png' });
    form.append('screenshot', png, 'screenshot.png');
    if (params.full) form.append('full', new Blob([params.full], { type: 'image/png' }), 'full.png');
    if (params.source) form.append('source', new Blob([params.source], { type: 'text/html' }), 'source.html');
    if (params.custody) form.append('custody', new Blob([JSON.stringify(params.custody)], { type: 'application/json' }), 'custody.json');
    if (params.keys) form.append('keys', new Blob([JSON.stringify(params.keys)], { type: 'application/json' }), 'keys.json');
    const res = await fetchImpl(`${base}/v1/evidence`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Idempotency-Key': record.id, Accept: 'application/json' },
      body: form,
      signal,
      redirect: 'manual',
      credentials: 'omit',
      cache: 'no-store',
    });
    // Reading the body counts against the same deadline.
    const text = res.type === 'opaqueredirect' ? '' : await res.text();
    const status = res.type === 'opaqueredirect' ? 302 : res.status;
    const outcome = classifyResponse(status, text, record, res.headers.get('retry-after'), token);
    if (outcome.kind === 'stored' && outcome.receipt.signed) {
      // A receipt is evidence: keep it only if the server's signature holds and it is about this record.
      const rc = await verifyReceipt(outcome.receipt.signed);
      if (!rc.ok || rc.body.recordId !== record.id || rc.body.screenshotSha256 !== record.screenshot.sha256
        || (record.attestation && rc.body.capturedSha256 !== capturedSha256(record.attestation.payload))) {
        return { kind: 'retry', status, error: 'bad_reply', message: `HTTP ${status}: the server's receipt does not verify (${rc.ok ? 'it is about other content' : rc.reason})` };
      }
      // It must cover the log just sent: an earlier version's receipt (e.g. a server that kept the
      // record as it was before a correction) does not prove the correction arrived.
      if (params.custody) {
        const head = (params.custody.at(-1) as { hash?: unknown } | undefined)?.hash ?? null;
        if (rc.body.custodyHead !== head || rc.body.custodyLength !== params.custody.length) {
          return { kind: 'retry', status, error: 'bad_reply', message: `HTTP ${status}: the server's receipt does not cover this version of the record (custody log of ${rc.body.custodyLength} entries, ${params.custody.length} sent)` };
        }
      }
    }
    return outcome;
  } catch (e) {
    if (timedOut()) {
      return { kind: 'retry', status: null, error: 'timeout', message: `No answer within ${duration(params.timeoutMs ?? UPLOAD_TIMEOUT_MS)}` };
    }
    if (params.signal?.aborted) return { kind: 'retry', status: null, error: 'cancelled', message: 'Upload cancelled' };
    const detail = e instanceof Error ? e.message : String(e);
    return { kind: 'retry', status: null, error: 'network', message: scrub(`Network error: ${detail}`, token) };
  } finally {
    cleanup();
  }
}

export interface HealthResult {
  ok: boolean;
  /** HTTP status, or null when no answer came. */
  status: number | null;
  message: string;
  /** Why it is not ok. */
  error?: SyncErrorCode;
  /** Server version when ok. */
  version?: string;
}

/**
 * For the options page's "test connection". Never throws. The token is not sent (health needs
 * none) but is passed so that a server or proxy echoing it can never get it shown.
 */
export async function checkHealth(
  baseUrl: string,
  fetchImpl?: FetchLike,
  timeoutMs = HEALTH_TIMEOUT_MS,
  token: string | null = null,
): Promise<HealthResult> {
  let base: string;
  try {
    base = normalizeBaseUrl(baseUrl);
  } catch (e) {
    return { ok: false, status: null, error: e instanceof BaseUrlError ? e.code : 'address_invalid', message: (e as Error).message };
  }
  const doFetch: FetchLike = fetchImpl ?? ((input, init) => fetch(input, init));
  const { signal, timedOut, cleanup } = deadline(timeoutMs);
  try {
    const res = await doFetch(`${base}/v1/health`, {
      method: 'GET', headers: { Accept: 'application/json' }, signal, credentials: 'omit', cache: 'no-store',
    });
    const text = await res.text();
    if (res.status !== 200) {
      const reason = serverReason(text);
      const error: SyncErrorCode = res.status >= 500 ? 'server_error' : res.status === 429 ? 'server_busy' : 'not_evidence_server';
      return { ok: false, status: res.status, error, message: scrub(`HTTP ${res.status}${reason ? `: ${reason}` : ''}`, token) };
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return { ok: false, status: 200, error: 'not_evidence_server', message: 'The server answered, but not as an evidence server (reply is not JSON)' };
    }
    if (!body || typeof body !== 'object' || (body as { ok?: unknown }).ok !== true) {
      return { ok: false, status: 200, error: 'not_evidence_server', message: 'The server answered, but not as an evidence server' };
    }
    const raw = (body as { version?: unknown }).version;
    const version = typeof raw === 'string' ? scrub(raw, token).slice(0, 100) : undefined;
    return {
      ok: true, status: 200, message: version !== undefined ? `Connected (server ${version})` : 'Connected',
      ...(version !== undefined ? { version } : {}),
    };
  } catch (e) {
    if (timedOut()) return { ok: false, status: null, error: 'timeout', message: `No answer within ${duration(timeoutMs)}` };
    return { ok: false, status: null, error: 'network', message: scrub(`Network error: ${e instanceof Error ? e.message : String(e)}`, token) };
  } finally {
    cleanup();
  }
}
