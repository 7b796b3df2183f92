/**
 * "Tes koneksi" (lib/sync/connection-test.ts): each check has its own outcome and plain message,
 * and "Terhubung" only when all hold; against stubbed answers and against the real reference server.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConnection, type ConnResult } from '../../../lib/sync/connection-test';
import type { FetchLike } from '../../../lib/sync/protocol';
import { startServer, type RunningServer } from '../../../server/app';

const TOKEN = 'token-alpha-123';
const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
const health = () => json(200, { ok: true, version: '0.9.0' });
const states = (r: ConnResult) => Object.fromEntries(r.steps.map((s) => [s.id, s.state]));
/** English that must never reach the Indonesian text (the examples and their kin). */
const ENGLISH = /\b(network|error|failed|fetch|token not|unknown|refused|valid|url|http \d|connected|server address)\b/i;

function route(answers: Record<string, () => Response | Promise<Response>>): FetchLike {
  return async (url) => {
    const path = new URL(url).pathname;
    const a = answers[path];
    if (!a) return json(404, { error: 'not found' });
    return a();
  };
}

function expectIndonesian(r: ConnResult) {
  for (const s of [r.summary, ...r.steps.map((x) => x.text)]) {
    expect(s, s).not.toMatch(ENGLISH);
    expect(s).not.toContain(TOKEN);
    expect(s).not.toMatch(/\b(401|403|404|500|503)\b/);
  }
}

describe('testConnection (stubbed answers)', () => {
  it('all five checks pass only for a valid monitor token: "Terhubung"', async () => {
    const r = await testConnection({ baseUrl: 'https://bukti.example.go.id/', token: TOKEN, lang: 'id',
      fetchImpl: route({ '/v1/health': health, '/v1/whoami': () => json(200, { monitor: 'rahmat', role: 'monitor', scopes: ['upload', 'list'] }) }) });
    expect(r.overall).toBe('connected');
    expect(states(r)).toEqual({ address: 'ok', reach: 'ok', protocol: 'ok', token: 'ok', role: 'ok' });
    expect(r.summary).toMatch(/^Terhubung/);
    expect(r.steps.find((s) => s.id === 'token')!.text).toContain('rahmat');
    expectIndonesian(r);
  });

  it('a wrong token (health fine, whoami 401) is refused, never "Terhubung"', async () => {
    const r = await testConnection({ baseUrl: 'https://bukti.example.go.id', token: 'salah-token-99', lang: 'id',
      fetchImpl: route({ '/v1/health': health, '/v1/whoami': () => json(401, { error: 'unknown token' }) }) });
    expect(r.overall).toBe('failed');
    expect(states(r)).toEqual({ address: 'ok', reach: 'ok', protocol: 'ok', token: 'fail', role: 'skip' });
    expect(r.steps.find((s) => s.id === 'token')).toMatchObject({ error: 'token_refused', detail: 'HTTP 401: unknown token' });
    expect(r.steps.find((s) => s.id === 'token')!.text).toMatch(/menolak token/);
    expect(r.summary).not.toMatch(/Terhubung/);
    expectIndonesian(r);
  });

  it('a disabled token, and an auditor token that cannot upload, each say so', async () => {
    const disabled = await testConnection({ baseUrl: 'https://b.go.id', token: TOKEN, lang: 'id',
      fetchImpl: route({ '/v1/health': health, '/v1/whoami': () => json(403, { error: 'token disabled', code: 'token_disabled' }) }) });
    expect(disabled.steps.find((s) => s.id === 'token')).toMatchObject({ state: 'fail', error: 'token_disabled' });
    expect(disabled.steps.find((s) => s.id === 'token')!.text).toMatch(/dinonaktifkan/);
    const auditor = await testConnection({ baseUrl: 'https://b.go.id', token: TOKEN, lang: 'id',
      fetchImpl: route({ '/v1/health': health, '/v1/whoami': () => json(200, { monitor: 'bpk', role: 'auditor', scopes: ['list'] }) }) });
    expect(auditor.overall).toBe('failed');
    expect(states(auditor)).toMatchObject({ token: 'ok', role: 'fail' });
    expect(auditor.steps.find((s) => s.id === 'role')!.text).toMatch(/auditor.*tidak dapat mengirim bukti/);
    expectIndonesian(disabled);
    expectIndonesian(auditor);
  });

  it('address problems stop before any request; http is refused except for this computer', async () => {
    let calls = 0;
    const count: FetchLike = async () => {
      calls++;
      return health();
    };
    for (const [baseUrl, error] of [['', 'address_missing'], ['bukti kantor', 'address_invalid'], ['http://bukti.example.go.id', 'address_insecure']] as const) {
      const r = await testConnection({ baseUrl, token: TOKEN, lang: 'id', fetchImpl: count });
      expect(r.steps[0]).toMatchObject({ id: 'address', state: 'fail', error });
      expect(states(r)).toMatchObject({ reach: 'skip', protocol: 'skip', token: 'skip', role: 'skip' });
      expectIndonesian(r);
    }
    expect(calls).toBe(0);
    const local = await testConnection({ baseUrl: 'http://127.0.0.1:8787', token: '', lang: 'id', fetchImpl: count });
    expect(local.steps[0]).toMatchObject({ state: 'ok' });
    expect(local.steps.find((s) => s.id === 'token')).toMatchObject({ state: 'fail', error: 'token_missing' });
  });

  it('unreachable, offline and timeout are told apart; https mentions the certificate (fetch cannot tell it apart)', async () => {
    const throws: FetchLike = async () => {
      throw new TypeError('Failed to fetch');
    };
    const https = await testConnection({ baseUrl: 'https://b.go.id', token: TOKEN, lang: 'id', fetchImpl: throws, online: true });
    expect(https.steps.find((s) => s.id === 'reach')).toMatchObject({ state: 'fail', error: 'network', detail: 'Network error: Failed to fetch' });
    expect(https.steps.find((s) => s.id === 'reach')!.text).toMatch(/sertifikat/);
    expect(https.steps.find((s) => s.id === 'reach')!.text).not.toContain('Failed to fetch');
    const local = await testConnection({ baseUrl: 'http://localhost:1', token: TOKEN, lang: 'id', fetchImpl: throws, online: true });
    expect(local.steps.find((s) => s.id === 'reach')!.text).not.toMatch(/sertifikat/);
    const offline = await testConnection({ baseUrl: 'https://b.go.id', token: TOKEN, lang: 'id', fetchImpl: throws, online: false });
    expect(offline.steps.find((s) => s.id === 'reach')).toMatchObject({ error: 'offline' });
    const hang: FetchLike = (_u, init) => new Promise((_, reject) => init?.signal?.addEventListener('abort', () => reject(new Error('aborted'))));
    const slow = await testConnection({ baseUrl: 'https://b.go.id', token: TOKEN, lang: 'id', fetchImpl: hang, timeoutMs: 50 });
    expect(slow.steps.find((s) => s.id === 'reach')).toMatchObject({ error: 'timeout' });
    for (const r of [https, local, offline, slow]) {
      expect(r.overall).toBe('failed');
      expectIndonesian(r);
    }
  });

  it('not our server (a web page, a 404 health) fails the protocol step; an old server without whoami is a warning, not "connected"', async () => {
    const page = await testConnection({ baseUrl: 'https://b.go.id', token: TOKEN, lang: 'id', fetchImpl: async () => new Response('<html>hello</html>') });
    expect(states(page)).toMatchObject({ reach: 'ok', protocol: 'fail' });
    const old = await testConnection({ baseUrl: 'https://b.go.id', token: TOKEN, lang: 'id', fetchImpl: route({ '/v1/health': health }) });
    expect(old.overall).toBe('partial');
    expect(old.steps.find((s) => s.id === 'token')).toMatchObject({ state: 'warn', error: 'whoami_unsupported' });
    expect(old.summary).not.toMatch(/^Terhubung/);
    expectIndonesian(page);
    expectIndonesian(old);
  });

  it('English when English is chosen', async () => {
    const r = await testConnection({ baseUrl: 'https://b.go.id', token: 'x-wrong-token', lang: 'en',
      fetchImpl: route({ '/v1/health': health, '/v1/whoami': () => json(401, { error: 'unknown token' }) }) });
    expect(r.summary).toMatch(/^Not connected/);
    expect(r.steps.find((s) => s.id === 'token')!.text).toMatch(/refused this token/);
  });
});

describe('testConnection against the reference server', () => {
  let srv: RunningServer;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'asn-conn-test-'));
    srv = await startServer({ port: 0, dataDir: dir, log: false, tokens: [
      { monitor: 'rahmat', token: TOKEN }, { monitor: 'bpk', token: 'token-audit-5555', role: 'auditor' },
    ] });
  }, 60_000);
  afterAll(async () => {
    await srv?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('monitor token: connected; wrong token: refused; auditor token: cannot upload', async () => {
    expect((await testConnection({ baseUrl: srv.url, token: TOKEN, lang: 'id' })).overall).toBe('connected');
    const wrong = await testConnection({ baseUrl: srv.url, token: 'wrong-token', lang: 'id' });
    expect(states(wrong)).toMatchObject({ protocol: 'ok', token: 'fail' });
    const audit = await testConnection({ baseUrl: srv.url, token: 'token-audit-5555', lang: 'id' });
    expect(states(audit)).toMatchObject({ token: 'ok', role: 'fail' });
  });
});
