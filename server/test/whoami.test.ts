/**
 * GET /v1/whoami: the extension's "Tes koneksi" asks it who a token belongs to. It must tell a
 * refused token (401) from a disabled one (403) from a valid token that may not upload (200 without
 * the `upload` scope), and never echo or log the token.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../app';
import { TEST_TOKENS } from './helpers';

let srv: RunningServer;
let dir: string;
const logs: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'asn-whoami-test-'));
  srv = await startServer({
    port: 0, dataDir: dir, log: (l) => logs.push(l),
    tokens: [...TEST_TOKENS, { monitor: 'audit', token: 'token-audit-5555', role: 'auditor' }],
  });
}, 60_000);

afterAll(async () => {
  await srv?.close();
  await rm(dir, { recursive: true, force: true });
});

const whoami = async (token?: string, header?: string) => {
  const res = await fetch(`${srv.url}/v1/whoami`, { headers: header ? { Authorization: header } : token ? { Authorization: `Bearer ${token}` } : {} });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as Record<string, unknown>, text, cors: res.headers.get('access-control-allow-origin') };
};

describe('GET /v1/whoami', () => {
  it('names the monitor, role and scopes of a monitor token (it may upload)', async () => {
    const r = await whoami('token-alpha-123');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ monitor: 'alpha', role: 'monitor', scopes: ['upload', 'list'] });
    expect(r.cors).toBe('*');
  });

  it('answers for tokens that may not upload, so the extension can say so', async () => {
    expect((await whoami('token-audit-5555')).body).toEqual({ monitor: 'audit', role: 'auditor', scopes: ['list'] });
    expect((await whoami('token-coord-3333')).body).toEqual({ monitor: 'coord', role: 'coordinator', scopes: ['list', 'keys'] });
    // a monitor token narrowed to listing
    expect((await whoami('token-reader-22')).body).toEqual({ monitor: 'reader', role: 'monitor', scopes: ['list'] });
  });

  it('401 for an unknown, missing or non-bearer token; 403 token_disabled for a disabled one', async () => {
    const unknown = await whoami('token-nobody-00');
    expect(unknown.status).toBe(401);
    expect(unknown.text).not.toContain('token-nobody-00');
    expect((await whoami()).status).toBe(401);
    expect((await whoami(undefined, `Basic ${Buffer.from('x:token-alpha-123').toString('base64')}`)).status).toBe(401);
    const gone = await whoami('token-gone-8901');
    expect(gone.status).toBe(403);
    expect(gone.body.code).toBe('token_disabled');
  });

  it('only GET (405 otherwise), and the token never reaches the log', async () => {
    const res = await fetch(`${srv.url}/v1/whoami`, { method: 'POST', headers: { Authorization: 'Bearer token-alpha-123' }, body: '{}' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, OPTIONS');
    expect(logs.join('\n')).not.toMatch(/token-(alpha|audit|nobody|gone)/);
    expect(logs.some((l) => l.includes('whoami'))).toBe(true);
  });
});
