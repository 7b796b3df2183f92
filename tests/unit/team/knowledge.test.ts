/**
 * lib/team/knowledge.ts: the request to GET /v1/team/known (batched to at most 100 keys and a
 * bounded query), what its answers mean (404 = the server has no such feature, 401/403 = refused,
 * everything else that is not the documented 200 = failed), that nothing it returns carries the
 * token, and the dated cache (fresh for 12 h, stale answers kept with their date, pruned).
 */
import { describe, expect, it } from 'vitest';
import {
  batchKeys, cacheFor, emptyCache, fetchKnown, fetchKnownBatch, FRESH_MS, KEEP_MS, knownQuery, MAX_QUERY_CHARS,
  parseKnownReply, prune, staleKeys, viewOf, withAnswer, type KeyBatch,
} from '../../../lib/team/knowledge';
import { MAX_KNOWN_KEYS } from '../../../lib/team/account-key';

const TOKEN = 'tok-SECRET-7f3a9c';
const BASE = 'https://tim.example.go.id';
const NIP = '198503122010011002';
const NIP2 = '199001012015032001';
const IG = 'https://instagram.com/budi_s';

const nips = (n: number) => Array.from({ length: n }, (_, i) => `19850312201001${String(i).padStart(4, '0')}`);
const accounts = (n: number) => Array.from({ length: n }, (_, i) => `https://facebook.com/profile.php?id=1000123456${String(i).padStart(5, '0')}`);

interface Seen { url: URL; auth: string | null; credentials?: string; redirect?: string }
function fakeFetch(answer: (u: URL) => Response | Promise<Response>): { fetchImpl: (i: string, init?: RequestInit) => Promise<Response>; seen: Seen[] } {
  const seen: Seen[] = [];
  return {
    seen,
    fetchImpl: async (input, init) => {
      const url = new URL(input);
      seen.push({ url, auth: new Headers(init?.headers).get('authorization'), credentials: init?.credentials, redirect: init?.redirect });
      return answer(url);
    },
  };
}
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('batching', () => {
  it('splits 250 keys into requests of at most 100 keys, in order, each key once', () => {
    const keys: KeyBatch = { nips: nips(120), accounts: accounts(130) };
    const batches = batchKeys(keys);
    expect(batches.map((b) => b.nips.length + b.accounts.length)).toEqual([100, 100, 50]);
    expect(batches.flatMap((b) => b.nips)).toEqual(keys.nips);
    expect(batches.flatMap((b) => b.accounts)).toEqual(keys.accounts);
    for (const b of batches) expect(knownQuery(b).length).toBeLessThanOrEqual(MAX_QUERY_CHARS);
  });

  it('also splits when long addresses would make the query too long', () => {
    const long = Array.from({ length: 60 }, (_, i) => `https://example.go.id/${'p'.repeat(200)}/${i}`);
    const batches = batchKeys({ nips: [], accounts: long });
    expect(batches.length).toBeGreaterThan(1);
    for (const b of batches) expect(knownQuery(b).length).toBeLessThanOrEqual(MAX_QUERY_CHARS);
    expect(batches.flatMap((b) => b.accounts)).toEqual(long);
  });

  it('no keys, no request', async () => {
    const f = fakeFetch(() => json({ known: [] }));
    const r = await fetchKnown({ baseUrl: BASE, token: TOKEN, keys: { nips: [], accounts: [] }, fetchImpl: f.fetchImpl });
    expect(r.outcome).toEqual({ kind: 'ok', known: [] });
    expect(f.seen).toHaveLength(0);
  });

  it('sends 150 keys as two GETs of <= 100, repeatable nip= and account= parameters, the token only in the header', async () => {
    const keys = { nips: nips(70), accounts: accounts(80) };
    const f = fakeFetch((u) => json({ known: [...u.searchParams.getAll('nip'), ...u.searchParams.getAll('account')].slice(0, 2).map((key) => ({ key, findings: 2, open: 1, lastAt: '2026-11-12T03:00:00Z' })) }));
    const r = await fetchKnown({ baseUrl: `${BASE}/`, token: TOKEN, keys, fetchImpl: f.fetchImpl });
    expect(f.seen).toHaveLength(2);
    for (const s of f.seen) {
      expect(s.url.origin + s.url.pathname).toBe(`${BASE}/v1/team/known`);
      expect(s.url.searchParams.getAll('nip').length + s.url.searchParams.getAll('account').length).toBeLessThanOrEqual(MAX_KNOWN_KEYS);
      expect(s.auth).toBe(`Bearer ${TOKEN}`);
      expect(s.url.href).not.toContain(TOKEN);
      expect(s.credentials).toBe('omit');
      expect(s.redirect).toBe('manual');
    }
    expect(f.seen.flatMap((s) => s.url.searchParams.getAll('nip'))).toEqual(keys.nips);
    expect(f.seen.flatMap((s) => s.url.searchParams.getAll('account'))).toEqual(keys.accounts);
    expect(r.outcome.kind).toBe('ok');
    expect(r.answered.map((a) => a.asked.length)).toEqual([100, 50]);
    expect(r.outcome.kind === 'ok' && r.outcome.known.length).toBe(4);
  });

  it('keeps the batches that were answered when a later one fails', async () => {
    let n = 0;
    const f = fakeFetch(() => (++n === 1 ? json({ known: [] }) : json({ error: 'x' }, 503)));
    const r = await fetchKnown({ baseUrl: BASE, token: TOKEN, keys: { nips: nips(150), accounts: [] }, fetchImpl: f.fetchImpl });
    expect(r.outcome).toEqual({ kind: 'failed', reason: 'server' });
    expect(r.answered).toHaveLength(1);
    expect(r.answered[0]!.asked).toHaveLength(100);
  });
});

describe('what an answer means', () => {
  const one = (answer: () => Response | Promise<Response>) =>
    fetchKnownBatch({ baseUrl: BASE, token: TOKEN, keys: { nips: [NIP], accounts: [IG] }, fetchImpl: fakeFetch(answer).fetchImpl, timeoutMs: 200 });

  it('200: the named keys, checked', async () => {
    expect(await one(() => json({ known: [{ key: NIP, findings: 3, open: 1, lastAt: '2026-11-12T02:00:00.000Z' }] })))
      .toEqual({ kind: 'ok', known: [{ key: NIP, findings: 3, open: 1, lastAt: '2026-11-12T02:00:00.000Z' }] });
  });

  it('404 / 405 / 501: an older server without the feature ("unavailable", not an error)', async () => {
    expect(await one(() => json({ error: 'not found' }, 404))).toEqual({ kind: 'unavailable', status: 404 });
    expect(await one(() => json({ error: 'x' }, 405))).toEqual({ kind: 'unavailable', status: 405 });
    expect(await one(() => new Response('', { status: 501 }))).toEqual({ kind: 'unavailable', status: 501 });
  });

  it('401 / 403: refused', async () => {
    expect(await one(() => json({ error: 'token refused' }, 401))).toEqual({ kind: 'refused', status: 401 });
    expect(await one(() => json({ error: 'disabled', code: 'token_disabled' }, 403))).toEqual({ kind: 'refused', status: 403 });
  });

  it('no network, no answer in time, 5xx, 429: failed, and no outcome carries the token or server text', async () => {
    const outcomes = [
      await one(() => { throw new TypeError(`Failed to fetch Bearer ${TOKEN}`); }),
      await one(() => new Promise<Response>(() => undefined)),
      await one(() => json({ error: `upstream said ${TOKEN}` }, 500)),
      await one(() => json({ error: 'slow down' }, 429)),
      await one(() => new Response(`<html>${TOKEN}</html>`, { status: 200 })),
    ];
    expect(outcomes).toEqual([
      { kind: 'failed', reason: 'network' },
      { kind: 'failed', reason: 'timeout' },
      { kind: 'failed', reason: 'server' },
      { kind: 'failed', reason: 'server' },
      { kind: 'failed', reason: 'bad_reply' },
    ]);
    expect(JSON.stringify(outcomes)).not.toContain(TOKEN);
  });

  it('no usable server address or token: nothing is sent', async () => {
    const f = fakeFetch(() => json({ known: [] }));
    expect(await fetchKnownBatch({ baseUrl: 'javascript:alert(1)', token: TOKEN, keys: { nips: [NIP], accounts: [] }, fetchImpl: f.fetchImpl })).toEqual({ kind: 'failed', reason: 'config' });
    expect(await fetchKnownBatch({ baseUrl: BASE, token: 'bad token\n', keys: { nips: [NIP], accounts: [] }, fetchImpl: f.fetchImpl })).toEqual({ kind: 'failed', reason: 'config' });
    expect(f.seen).toHaveLength(0);
  });

  it('a redirect is not followed with the token (manual redirect -> not the documented answer)', async () => {
    const r = await fetchKnownBatch({
      baseUrl: BASE, token: TOKEN, keys: { nips: [NIP], accounts: [] },
      fetchImpl: async () => ({ type: 'opaqueredirect', status: 0, text: async () => '' }) as unknown as Response,
    });
    expect(r).toEqual({ kind: 'failed', reason: 'bad_reply' });
  });
});

describe('parseKnownReply', () => {
  const asked = new Set([NIP, IG]);
  it('refuses the whole answer when one item breaks the contract', () => {
    for (const bad of [
      '{', 'null', '{"known":{}}', '[]',
      JSON.stringify({ known: [{ key: NIP, findings: 2, open: 3, lastAt: null }] }),
      JSON.stringify({ known: [{ key: NIP, findings: -1, open: 0, lastAt: null }] }),
      JSON.stringify({ known: [{ key: NIP, findings: 1.5, open: 0, lastAt: null }] }),
      JSON.stringify({ known: [{ key: NIP, findings: '3', open: 0, lastAt: null }] }),
      JSON.stringify({ known: [{ key: NIP, findings: 3, open: 0, lastAt: '12 Nov 2026 (free text)' }] }),
      JSON.stringify({ known: [{ key: 7, findings: 3, open: 0, lastAt: null }] }),
    ]) expect(parseKnownReply(bad, asked), bad).toBeNull();
  });
  it('ignores keys that were not asked (a hostile string is never kept) and zero counts', () => {
    expect(parseKnownReply(JSON.stringify({
      known: [
        { key: '<script>alert(1)</script>', findings: 9, open: 0, lastAt: null },
        { key: IG, findings: 0, open: 0, lastAt: null },
        { key: NIP, findings: 1, open: 1, lastAt: null },
      ],
    }), asked)).toEqual([{ key: NIP, findings: 1, open: 1, lastAt: null }]);
  });
});

describe('the cache', () => {
  const T0 = Date.parse('2026-11-20T01:00:00Z');
  const H = 3600_000;

  it('an answer makes every asked key fresh (absent = 0 findings) for 12 h, then stale', () => {
    const c = withAnswer(emptyCache(BASE), [NIP, NIP2, IG], [{ key: NIP, findings: 3, open: 1, lastAt: '2026-11-12T03:00:00Z' }], T0);
    expect(c.entries[NIP2]).toEqual({ findings: 0, open: 0, lastAt: null, at: T0 });
    expect(staleKeys(c, [NIP, NIP2, IG, 'https://tiktok.com/@x'], T0 + 11 * H)).toEqual(['https://tiktok.com/@x']);
    expect(staleKeys(c, [NIP, NIP2], T0 + 12 * H)).toEqual([NIP, NIP2]);
    // an answer dated in the future (clock changed) is not trusted as fresh
    expect(staleKeys(c, [NIP], T0 - 2 * H)).toEqual([NIP]);
    expect(FRESH_MS).toBe(12 * H);
  });

  it('shows a fresh answer without a date and a stale one with the time it was fetched', () => {
    const c = withAnswer(emptyCache(BASE), [NIP], [{ key: NIP, findings: 3, open: 1, lastAt: '2026-11-12T03:00:00Z' }], T0);
    expect(viewOf(c, { nips: [NIP], accounts: [] }, T0 + H)).toEqual({ findings: 3, open: 1, lastAt: '2026-11-12T03:00:00Z', asOf: null });
    expect(viewOf(c, { nips: [NIP], accounts: [] }, T0 + 13 * H)).toEqual({ findings: 3, open: 1, lastAt: '2026-11-12T03:00:00Z', asOf: new Date(T0).toISOString() });
    // nothing once older than KEEP_MS
    expect(viewOf(c, { nips: [NIP], accounts: [] }, T0 + KEEP_MS)).toBeNull();
  });

  it('prefers the NIP, else the account with the most findings; none known = null', () => {
    let c = withAnswer(emptyCache(BASE), [NIP, IG, 'https://tiktok.com/@budi'], [
      { key: IG, findings: 2, open: 0, lastAt: null }, { key: 'https://tiktok.com/@budi', findings: 5, open: 0, lastAt: null },
    ], T0);
    expect(viewOf(c, { nips: [NIP], accounts: [IG, 'https://tiktok.com/@budi'] }, T0)?.findings).toBe(5);
    c = withAnswer(c, [NIP], [{ key: NIP, findings: 1, open: 1, lastAt: null }], T0);
    expect(viewOf(c, { nips: [NIP], accounts: [IG, 'https://tiktok.com/@budi'] }, T0)?.findings).toBe(1);
    expect(viewOf(c, { nips: [NIP2], accounts: [] }, T0)).toBeNull();
  });

  it('belongs to one server: another address (or a malformed value) is an empty cache', () => {
    const c = withAnswer(emptyCache(BASE), [NIP], [{ key: NIP, findings: 3, open: 1, lastAt: null }], T0);
    expect(cacheFor(c, BASE)).toBe(c);
    expect(cacheFor(c, 'https://other.example.go.id').entries).toEqual({});
    expect(cacheFor({ v: 2 } as never, BASE).entries).toEqual({});
    expect(cacheFor(null, BASE).entries).toEqual({});
  });

  it('drops answers older than KEEP_MS and the oldest beyond the size cap', () => {
    let c = withAnswer(emptyCache(BASE), [NIP], [], T0);
    c = withAnswer(c, [NIP2], [], T0 + KEEP_MS - 1000);
    expect(Object.keys(prune(c, T0 + KEEP_MS).entries)).toEqual([NIP2]);
    c = withAnswer(c, [IG], [], T0 + KEEP_MS - 500);
    expect(Object.keys(prune(c, T0 + KEEP_MS - 100, 1).entries)).toEqual([IG]);
  });
});
