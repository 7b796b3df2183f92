import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  checkHealth, checkServerAddress, classifyResponse, normalizeBaseUrl, parseRetryAfter, uploadEvidence, type FetchLike, type UploadOutcome,
} from '../../../lib/sync/protocol';
import { makePng, makeRecord } from '../../../server/test/helpers';

const TOKEN = 'S3cr3t-T0ken-abcdef';
const png = makePng(4, 3, 1);
const record = makeRecord(png);
const screenshot = new Blob([png], { type: 'image/png' });
const receipt = { id: record.id, receivedAt: '2024-11-27T01:00:01.000Z', sha256: record.screenshot.sha256 };

interface Call { url: string; init: RequestInit }

function stub(respond: (call: Call) => Response | Promise<Response>): { fetchImpl: FetchLike; calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    fetchImpl: async (url, init = {}) => {
      const call = { url, init };
      calls.push(call);
      return respond(call);
    },
  };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });

async function upload(respond: (call: Call) => Response | Promise<Response>, over: Partial<Parameters<typeof uploadEvidence>[0]> = {}) {
  const s = stub(respond);
  const outcome = await uploadEvidence({ baseUrl: 'https://bukti.example.go.id/', token: TOKEN, record, screenshot, fetchImpl: s.fetchImpl, ...over });
  return { outcome, calls: s.calls };
}

function expectNoToken(o: UploadOutcome | { message: string }) {
  expect(JSON.stringify(o)).not.toContain(TOKEN);
}

afterEach(() => {
  vi.useRealTimers();
});

describe('uploadEvidence request', () => {
  it('POSTs multipart record + screenshot with bearer token and Idempotency-Key to a normalised URL', async () => {
    const { outcome, calls } = await upload(() => json(201, receipt));
    expect(outcome).toEqual({ kind: 'stored', status: 201, receipt });
    expect(calls).toHaveLength(1);
    const { url, init } = calls[0]!;
    expect(url).toBe('https://bukti.example.go.id/v1/evidence');
    expect(init.method).toBe('POST');
    const headers = new Headers(init.headers);
    expect(headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
    expect(headers.get('idempotency-key')).toBe(record.id);
    expect(headers.get('content-type')).toBeNull(); // fetch sets the multipart boundary itself
    expect(init.signal).toBeInstanceOf(AbortSignal);
    const form = init.body as FormData;
    const rec = form.get('record') as File;
    expect(rec.type).toBe('application/json');
    expect(JSON.parse(await rec.text())).toEqual(record);
    const shot = form.get('screenshot') as File;
    expect(shot.type).toBe('image/png');
    expect(new Uint8Array(await shot.arrayBuffer())).toEqual(png);
  });

  it('gives an untyped screenshot blob the image/png type', async () => {
    const { calls } = await upload(() => json(201, receipt), { screenshot: new Blob([png]) });
    expect(((calls[0]!.init.body as FormData).get('screenshot') as File).type).toBe('image/png');
  });

  it('keeps a base path and drops query/hash', () => {
    expect(normalizeBaseUrl(' https://x.go.id/api/asn// ')).toBe('https://x.go.id/api/asn');
    expect(normalizeBaseUrl('http://127.0.0.1:8787?x=1#y')).toBe('http://127.0.0.1:8787');
    for (const bad of ['', 'ftp://x', 'javascript:alert(1)', 'not a url', 'https://u:p@x.go.id']) {
      expect(() => normalizeBaseUrl(bad)).toThrow();
    }
  });

  it('bad base URL or missing token -> auth (pause) without any request', async () => {
    for (const over of [{ baseUrl: 'ftp://x' }, { baseUrl: '' }, { token: '' }, { token: 'has space' }]) {
      const { outcome, calls } = await upload(() => json(201, receipt), over);
      expect(outcome.kind).toBe('auth');
      expect(outcome).toMatchObject({ status: null });
      expect(calls).toHaveLength(0);
    }
  });
});

describe('uploadEvidence classification', () => {
  it('200 retry receipt -> stored 200', async () => {
    expect((await upload(() => json(200, receipt))).outcome).toEqual({ kind: 'stored', status: 200, receipt });
  });

  it.each([401, 403])('%i -> auth with the server reason', async (status) => {
    const { outcome } = await upload(() => json(status, { error: status === 401 ? 'unknown token' : 'token disabled' }));
    expect(outcome).toEqual({ kind: 'auth', status, error: status === 401 ? 'token_refused' : 'token_forbidden', message: `HTTP ${status}: ${status === 401 ? 'unknown token' : 'token disabled'}` });
  });

  it.each([[400, 'record_refused'], [409, 'conflict'], [413, 'too_large'], [422, 'record_refused']] as const)('%i -> rejected (%s) with the server reason', async (status, error) => {
    const { outcome } = await upload(() => json(status, { error: 'invalid record: subject.nip: NIP must be 18 digits' }));
    expect(outcome).toEqual({ kind: 'rejected', status, error, message: `HTTP ${status}: invalid record: subject.nip: NIP must be 18 digits` });
  });

  it('rejected without a JSON reason still says what happened', async () => {
    const { outcome } = await upload(() => new Response('<h1>Too big</h1>', { status: 413 }));
    expect(outcome).toEqual({ kind: 'rejected', status: 413, error: 'too_large', message: 'HTTP 413: request refused' });
  });

  it.each([500, 502, 503, 504])('%i -> retry', async (status) => {
    const { outcome } = await upload(() => new Response('bad gateway', { status }));
    expect(outcome).toMatchObject({ kind: 'retry', status, error: 'server_error' });
    expect(outcome).not.toHaveProperty('retryAfterMs');
  });

  it('429 with Retry-After seconds -> retry with retryAfterMs', async () => {
    const { outcome } = await upload(() => json(429, { error: 'slow down' }, { 'Retry-After': '42' }));
    expect(outcome).toEqual({ kind: 'retry', status: 429, error: 'server_busy', message: 'HTTP 429: slow down', retryAfterMs: 42_000 });
  });

  it('503 with Retry-After HTTP-date -> retry with retryAfterMs', async () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2024-11-27T01:00:00Z'));
    const { outcome } = await upload(() => json(503, {}, { 'Retry-After': 'Wed, 27 Nov 2024 01:02:00 GMT' }));
    expect(outcome).toMatchObject({ kind: 'retry', status: 503, retryAfterMs: 120_000 });
  });

  it('parseRetryAfter clamps and ignores nonsense', () => {
    expect(parseRetryAfter('999999')).toBe(3_600_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('Wed, 27 Nov 2024 00:00:00 GMT', Date.parse('2024-11-27T01:00:00Z'))).toBe(0);
  });

  it('malformed JSON on 2xx -> retry', async () => {
    const { outcome } = await upload(() => new Response('{"id": <html>', { status: 201 }));
    expect(outcome).toEqual({ kind: 'retry', status: 201, error: 'bad_reply', message: 'HTTP 201: reply is not JSON' });
  });

  it('2xx that is JSON but not a receipt -> retry', async () => {
    expect((await upload(() => json(200, { ok: true }))).outcome).toMatchObject({ kind: 'retry', status: 200 });
    expect((await upload(() => json(201, { ...receipt, receivedAt: 'yesterday' }))).outcome).toMatchObject({ kind: 'retry' });
  });

  it('2xx receipt with the wrong sha256 or id -> retry', async () => {
    const wrongSha = await upload(() => json(200, { ...receipt, sha256: 'b'.repeat(64) }));
    expect(wrongSha.outcome).toEqual({ kind: 'retry', status: 200, error: 'bad_reply', message: 'HTTP 200: receipt sha256 does not match the screenshot' });
    const wrongId = await upload(() => json(201, { ...receipt, id: crypto.randomUUID() }));
    expect(wrongId.outcome).toEqual({ kind: 'retry', status: 201, error: 'bad_reply', message: 'HTTP 201: receipt is for another record' });
  });

  it('other 2xx, 404 and redirects -> retry (address problems heal when fixed)', async () => {
    expect((await upload(() => new Response(null, { status: 204 }))).outcome).toMatchObject({ kind: 'retry', status: 204 });
    const nf = (await upload(() => new Response('nope', { status: 404 }))).outcome;
    expect(nf).toMatchObject({ kind: 'retry', status: 404, error: 'wrong_address' });
    expect((nf as { message: string }).message).toMatch(/check the server address/);
    expect((await upload(() => new Response(null, { status: 302, headers: { Location: '/x' } }))).outcome).toMatchObject({ kind: 'retry', status: 302 });
  });

  it('other 4xx -> rejected', async () => {
    expect((await upload(() => json(415, { error: 'unsupported' }))).outcome).toMatchObject({ kind: 'rejected', status: 415, error: 'refused' });
  });

  it('network error -> retry with status null', async () => {
    const { outcome } = await upload(() => {
      throw new TypeError('fetch failed');
    });
    expect(outcome).toEqual({ kind: 'retry', status: null, error: 'network', message: 'Network error: fetch failed' });
  });

  it('times out after 25 s (fake timers) -> retry', async () => {
    vi.useFakeTimers();
    let seen: AbortSignal | undefined;
    const pending = upload(
      ({ init }) =>
        new Promise<Response>((_, reject) => {
          seen = init.signal ?? undefined;
          init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        }),
    );
    await vi.advanceTimersByTimeAsync(24_999);
    expect(seen?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const { outcome } = await pending;
    expect(seen?.aborted).toBe(true);
    expect(outcome).toEqual({ kind: 'retry', status: null, error: 'timeout', message: 'No answer within 25 s' });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('the deadline also covers a body that never finishes', async () => {
    vi.useFakeTimers();
    const pending = upload(({ init }) => {
      const body = new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(new TextEncoder().encode('{"id":'));
          init.signal?.addEventListener('abort', () => c.error(new DOMException('aborted', 'AbortError')));
        },
      });
      return new Response(body, { status: 201 });
    });
    await vi.advanceTimersByTimeAsync(25_000);
    expect((await pending).outcome).toMatchObject({ kind: 'retry', status: null, message: 'No answer within 25 s' });
  });

  it("the caller's abort -> retry 'Upload cancelled' and clears the timer", async () => {
    vi.useFakeTimers();
    const ac = new AbortController();
    const pending = upload(
      ({ init }) =>
        new Promise<Response>((_, reject) => {
          init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        }),
      { signal: ac.signal },
    );
    await vi.advanceTimersByTimeAsync(100);
    ac.abort();
    expect((await pending).outcome).toEqual({ kind: 'retry', status: null, error: 'cancelled', message: 'Upload cancelled' });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('never puts the token in a message, even when the server or the network echoes it', async () => {
    const echoes = [
      () => json(401, { error: `unknown token ${TOKEN}` }),
      () => json(422, { error: `Authorization: Bearer ${TOKEN} is odd` }),
      () => new Response(`garbage ${TOKEN}`, { status: 500 }),
      () => {
        throw new Error(`connect ECONNREFUSED while sending Bearer ${TOKEN}`);
      },
      () => json(201, { ...receipt, sha256: TOKEN }),
    ];
    for (const respond of echoes) {
      const { outcome } = await upload(respond);
      expectNoToken(outcome);
      expect('message' in outcome && outcome.message.length).toBeGreaterThan(0);
    }
  });

  it('classifyResponse is usable on its own', () => {
    expect(classifyResponse(201, JSON.stringify(receipt), record, null)).toEqual({ kind: 'stored', status: 201, receipt });
  });
});

describe('checkHealth', () => {
  it('ok on 200 {ok:true}', async () => {
    const s = stub(() => json(200, { ok: true, version: '0.1.0' }));
    expect(await checkHealth('http://127.0.0.1:8787/', s.fetchImpl)).toEqual({
      ok: true, status: 200, message: 'Connected (server 0.1.0)', version: '0.1.0',
    });
    expect(s.calls[0]!.url).toBe('http://127.0.0.1:8787/v1/health');
  });

  it('not ok for bad URL, non-200, non-JSON, wrong JSON, network error and timeout', async () => {
    expect(await checkHealth('file:///etc/passwd')).toMatchObject({ ok: false, status: null });
    expect(await checkHealth('https://x.go.id', stub(() => json(503, { error: 'down' })).fetchImpl)).toEqual({
      ok: false, status: 503, error: 'server_error', message: 'HTTP 503: down',
    });
    expect(await checkHealth('https://x.go.id', stub(() => new Response('<html>')).fetchImpl)).toMatchObject({ ok: false, status: 200 });
    expect(await checkHealth('https://x.go.id', stub(() => json(200, { hello: 1 })).fetchImpl)).toMatchObject({ ok: false, status: 200 });
    const down = stub(() => {
      throw new TypeError('fetch failed');
    });
    expect(await checkHealth('https://x.go.id', down.fetchImpl)).toEqual({ ok: false, status: null, error: 'network', message: 'Network error: fetch failed' });

    vi.useFakeTimers();
    const hang = stub(
      ({ init }) =>
        new Promise<Response>((_, reject) => init.signal?.addEventListener('abort', () => reject(new Error('aborted')))),
    );
    const pending = checkHealth('https://x.go.id', hang.fetchImpl);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await pending).toEqual({ ok: false, status: null, error: 'timeout', message: 'No answer within 10 s' });
  });
});

describe('error codes for the monitor-facing edge', () => {
  it('403 codes from the server become their own error codes', () => {
    const body = (code: string) => JSON.stringify({ error: 'x', code });
    expect(classifyResponse(403, body('device_not_approved'), record, null)).toMatchObject({ kind: 'auth', error: 'device_not_approved', code: 'device_not_approved' });
    expect(classifyResponse(403, body('key_revoked'), record, null)).toMatchObject({ kind: 'auth', error: 'key_revoked' });
    expect(classifyResponse(403, body('token_disabled'), record, null)).toMatchObject({ kind: 'auth', error: 'token_disabled' });
    expect(classifyResponse(403, body('forbidden'), record, null)).toMatchObject({ kind: 'auth', error: 'token_forbidden' });
    expect(classifyResponse(401, '', record, null)).toMatchObject({ kind: 'auth', error: 'token_refused' });
  });

  it('address and token problems are coded before any request', async () => {
    const cases: [string, string, string][] = [
      ['', TOKEN, 'address_missing'], ['bukti dot go dot id', TOKEN, 'address_invalid'], ['ftp://x.go.id', TOKEN, 'address_scheme'],
      ['https://u:p@x.go.id', TOKEN, 'address_credentials'], ['https://x.go.id', '', 'token_missing'], ['https://x.go.id', 'tok en', 'token_invalid_chars'],
    ];
    for (const [baseUrl, token, error] of cases) {
      const { outcome, calls } = await upload(() => json(201, receipt), { baseUrl, token });
      expect(outcome, baseUrl || token).toMatchObject({ kind: 'auth', status: null, error });
      expect(calls).toHaveLength(0);
    }
  });

  it('checkServerAddress: https anywhere, http only for this computer', () => {
    expect(checkServerAddress('https://bukti.example.go.id/')).toEqual({ ok: true, url: 'https://bukti.example.go.id' });
    for (const local of ['http://localhost:8787', 'http://127.0.0.1:8787/', 'http://[::1]:8787', 'http://bukti.localhost']) {
      expect(checkServerAddress(local), local).toMatchObject({ ok: true });
    }
    expect(checkServerAddress('http://bukti.example.go.id')).toMatchObject({ ok: false, code: 'address_insecure' });
    expect(checkServerAddress('http://192.168.1.10:8787')).toMatchObject({ ok: false, code: 'address_insecure' });
    expect(checkServerAddress('not a url')).toMatchObject({ ok: false, code: 'address_invalid' });
    expect(checkServerAddress('')).toMatchObject({ ok: false, code: 'address_missing' });
  });
});
