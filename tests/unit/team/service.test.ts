/**
 * lib/team/service.ts, the background's side, on the fake browser storage with a fake server:
 * the form's question (asked when online, answered from the cache when fresh, the cached count
 * with its date when offline, nothing when offline without a cache, nothing on 404 and no new
 * request for an hour, the cache dropped on 401), the watchlist refresh (batches of <= 100 keys,
 * the marks' words per watched account), and that nothing the content script can receive or
 * read (local:teamMarks, local:teamKnowledge, the router's answers to a content script) ever
 * holds the token.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { handleMessage } from '../../../lib/background/handlers';
import { backendItem, DEFAULT_SETTINGS, settingsItem } from '../../../lib/settings';
import { FORM_FRESH_MS, FRESH_MS, UNAVAILABLE_RETRY_MS } from '../../../lib/team/knowledge';
import { handleTeamMessage, publishMarks, refreshWatchlist, subjectKnowledge, type TeamDeps } from '../../../lib/team/service';
import { teamCacheItem, teamMarksItem } from '../../../lib/team/store';
import { saveWatchlist } from '../../../lib/watchlist/store';
import type { WatchEntry } from '../../../lib/watchlist/model';

const TOKEN = 'tok-SECRET-7f3a9c';
const BASE = 'https://tim.example.go.id';
const NIP = '198503122010011002';
const FB = 'https://www.facebook.com/profile.php?id=100012345678901';
const FB_KEY = 'https://facebook.com/profile.php?id=100012345678901';
const T0 = Date.parse('2026-11-20T01:00:00Z');
const H = 3600_000;

/** A fake team server: what it knows per key, how it answers, every request it got. */
function server(known: Record<string, { findings: number; open: number; lastAt: string | null }>) {
  const state = { status: 200, down: false, requests: [] as URL[], auth: [] as (string | null)[] };
  const fetchImpl = async (input: string, init?: RequestInit): Promise<Response> => {
    const url = new URL(input);
    state.requests.push(url);
    state.auth.push(new Headers(init?.headers).get('authorization'));
    if (state.down) throw new TypeError('Failed to fetch');
    if (state.status !== 200) return new Response(JSON.stringify({ error: 'no' }), { status: state.status });
    const keys = [...url.searchParams.getAll('nip'), ...url.searchParams.getAll('account')];
    return new Response(JSON.stringify({ known: keys.filter((k) => known[k]).map((key) => ({ key, ...known[key]! })) }), { status: 200 });
  };
  return { state, fetchImpl };
}

let clock = T0;
let online = true;
const deps = (fetchImpl: TeamDeps['fetchImpl']): TeamDeps => ({ fetchImpl, now: () => clock, online: () => online, timeZone: 'Asia/Jakarta' });
const entry = (id: string, nip: string | null, accounts: string[]): WatchEntry => ({
  id, name: `ASN ${id}`, nip, agency: null, position: null, rank: null, employmentType: 'PNS', accounts, addedAt: '', updatedAt: '',
});

async function everythingButTheSettings(): Promise<string> {
  const all = await fakeBrowser.storage.local.get(null);
  delete (all as Record<string, unknown>).backend;
  return JSON.stringify(all);
}

beforeEach(async () => {
  fakeBrowser.reset();
  clock = T0;
  online = true;
  await settingsItem.setValue({ ...DEFAULT_SETTINGS });
  await backendItem.setValue({ baseUrl: BASE, token: TOKEN, retentionDays: 0 });
});

describe("the review form's question", () => {
  it('asks the server when online, then answers from the cache while fresh', async () => {
    const s = server({ [NIP]: { findings: 3, open: 1, lastAt: '2026-11-12T03:00:00Z' } });
    expect(await subjectKnowledge({ nip: '19850312 201001 1 002', accountUrl: FB }, deps(s.fetchImpl)))
      .toEqual({ findings: 3, open: 1, lastAt: '2026-11-12T03:00:00Z', asOf: null });
    expect(s.state.requests).toHaveLength(1);
    expect(s.state.requests[0]!.searchParams.getAll('nip')).toEqual([NIP]);
    expect(s.state.requests[0]!.searchParams.getAll('account')).toEqual([FB_KEY]);
    expect(s.state.auth).toEqual([`Bearer ${TOKEN}`]);
    clock += FORM_FRESH_MS - 1000;
    await subjectKnowledge({ nip: NIP, accountUrl: FB }, deps(s.fetchImpl));
    expect(s.state.requests).toHaveLength(1);
    clock += 2000;
    await subjectKnowledge({ nip: NIP, accountUrl: FB }, deps(s.fetchImpl));
    expect(s.state.requests).toHaveLength(2);
  });

  it('offline without a cached answer: nothing, and no request', async () => {
    const s = server({ [NIP]: { findings: 3, open: 1, lastAt: null } });
    online = false;
    expect(await subjectKnowledge({ nip: NIP, accountUrl: null }, deps(s.fetchImpl))).toBeNull();
    expect(s.state.requests).toHaveLength(0);
  });

  it('offline after one successful fetch: the cached count; once older than 12 h, with its date', async () => {
    const s = server({ [NIP]: { findings: 3, open: 1, lastAt: '2026-11-12T03:00:00Z' } });
    await subjectKnowledge({ nip: NIP, accountUrl: null }, deps(s.fetchImpl));
    online = false;
    clock += H;
    expect(await subjectKnowledge({ nip: NIP, accountUrl: null }, deps(s.fetchImpl))).toMatchObject({ findings: 3, asOf: null });
    clock = T0 + FRESH_MS + H;
    expect(await subjectKnowledge({ nip: NIP, accountUrl: null }, deps(s.fetchImpl))).toMatchObject({ findings: 3, asOf: new Date(T0).toISOString() });
    // "online" but the network fails: the same
    online = true;
    s.state.down = true;
    expect(await subjectKnowledge({ nip: NIP, accountUrl: null }, deps(s.fetchImpl))).toMatchObject({ findings: 3, asOf: new Date(T0).toISOString() });
    expect(s.state.requests).toHaveLength(2);
  });

  it('404 (an older server): nothing, no error, and not asked again for an hour', async () => {
    const s = server({});
    s.state.status = 404;
    expect(await subjectKnowledge({ nip: NIP, accountUrl: FB }, deps(s.fetchImpl))).toBeNull();
    clock += UNAVAILABLE_RETRY_MS - 1000;
    expect(await subjectKnowledge({ nip: NIP, accountUrl: FB }, deps(s.fetchImpl))).toBeNull();
    expect(s.state.requests).toHaveLength(1);
    clock += 2000;
    await subjectKnowledge({ nip: NIP, accountUrl: FB }, deps(s.fetchImpl));
    expect(s.state.requests).toHaveLength(2);
  });

  it('401: the cached knowledge is dropped (this token is no longer given it)', async () => {
    const s = server({ [NIP]: { findings: 3, open: 1, lastAt: null } });
    await subjectKnowledge({ nip: NIP, accountUrl: null }, deps(s.fetchImpl));
    clock += FORM_FRESH_MS + 1000;
    s.state.status = 401;
    expect(await subjectKnowledge({ nip: NIP, accountUrl: null }, deps(s.fetchImpl))).toBeNull();
    expect((await teamCacheItem.getValue())?.entries).toEqual({});
  });

  it('sync not set up, or set to another server: nothing from the old cache, no request', async () => {
    const s = server({ [NIP]: { findings: 3, open: 1, lastAt: null } });
    await subjectKnowledge({ nip: NIP, accountUrl: null }, deps(s.fetchImpl));
    await backendItem.setValue({ baseUrl: '', token: TOKEN, retentionDays: 0 });
    online = false;
    expect(await subjectKnowledge({ nip: NIP, accountUrl: null }, deps(s.fetchImpl))).toBeNull();
    await backendItem.setValue({ baseUrl: 'https://other.example.go.id', token: TOKEN, retentionDays: 0 });
    expect(await subjectKnowledge({ nip: NIP, accountUrl: null }, deps(s.fetchImpl))).toBeNull();
    expect(s.state.requests).toHaveLength(1);
  });

  it('no NIP or account to ask about: nothing, no request', async () => {
    const s = server({});
    expect(await subjectKnowledge({ nip: 'belum tahu', accountUrl: '' }, deps(s.fetchImpl))).toBeNull();
    expect(s.state.requests).toHaveLength(0);
  });
});

describe('the watchlist and the marks', () => {
  it('refreshes 150 watched ASN in requests of <= 100 keys and leaves only words per watched account for the content script', async () => {
    const entries = Array.from({ length: 150 }, (_, i) => entry(`e${i}`, `19850312201001${String(i).padStart(4, '0')}`, []));
    entries.push(entry('budi', NIP, [FB, 'ig:budi_s']), entry('rina', null, ['https://www.instagram.com/rina.k/']), entry('none', null, ['tiktok:@nobody']));
    await saveWatchlist(entries.map((e) => (e.id === 'budi' ? { ...e, accounts: [FB, 'https://www.instagram.com/budi_s/'] } : e)));
    const s = server({
      [NIP]: { findings: 3, open: 1, lastAt: '2026-11-12T03:00:00Z' },
      'https://instagram.com/rina.k': { findings: 1, open: 0, lastAt: null },
    });
    await refreshWatchlist(deps(s.fetchImpl));
    expect(s.state.requests.length).toBeGreaterThanOrEqual(2);
    for (const u of s.state.requests) expect(u.searchParams.getAll('nip').length + u.searchParams.getAll('account').length).toBeLessThanOrEqual(100);
    expect(await teamMarksItem.getValue()).toEqual({
      labels: {
        'facebook.com/profile.php?id=100012345678901': 'sudah 3 temuan tim',
        'instagram.com/budi_s': 'sudah 3 temuan tim',
        'instagram.com/rina.k': 'sudah 1 temuan tim',
      },
    });
    // fresh: no new request
    const n = s.state.requests.length;
    await refreshWatchlist(deps(s.fetchImpl));
    expect(s.state.requests).toHaveLength(n);
    // in English
    await settingsItem.setValue({ ...DEFAULT_SETTINGS, language: 'en' });
    await publishMarks(deps(s.fetchImpl));
    expect((await teamMarksItem.getValue()).labels['instagram.com/rina.k']).toBe('already 1 team finding');
    // stale and offline: the words say from when
    online = false;
    clock = T0 + FRESH_MS + H;
    await settingsItem.setValue({ ...DEFAULT_SETTINGS });
    await refreshWatchlist(deps(s.fetchImpl));
    expect((await teamMarksItem.getValue()).labels['instagram.com/budi_s']).toBe('sudah 3 temuan tim (per 20 Nov 2026)');
    expect(s.state.requests).toHaveLength(n);
    expect(await everythingButTheSettings()).not.toContain(TOKEN);
  });

  it('a refresh asked while one runs is not lost (the running one read the watchlist before it changed)', async () => {
    const s = server({ [NIP]: { findings: 3, open: 1, lastAt: null } });
    const first = refreshWatchlist(deps(s.fetchImpl)); // reads the empty watchlist
    await saveWatchlist([entry('budi', NIP, [FB])]);
    await Promise.all([first, refreshWatchlist(deps(s.fetchImpl))]);
    expect((await teamMarksItem.getValue()).labels).toEqual({ 'facebook.com/profile.php?id=100012345678901': 'sudah 3 temuan tim' });
  });

  it('an older server (404): no marks, nothing stored that says otherwise', async () => {
    await saveWatchlist([entry('budi', NIP, [FB])]);
    const s = server({});
    s.state.status = 404;
    await refreshWatchlist(deps(s.fetchImpl));
    expect(await teamMarksItem.getValue()).toEqual({ labels: {} });
  });
});

describe('who may ask', () => {
  it('the extension pages get the answer; a malformed question gets {ok:false}', async () => {
    const s = server({ [NIP]: { findings: 2, open: 2, lastAt: null } });
    expect(await handleTeamMessage({ type: 'team-knowledge', nip: NIP, accountUrl: null }, deps(s.fetchImpl))).toMatchObject({ findings: 2 });
    expect(await handleTeamMessage({ type: 'team-knowledge', nip: 5 }, deps(s.fetchImpl))).toMatchObject({ ok: false });
    expect(handleTeamMessage({ type: 'get-status' })).toBeUndefined();
  });

  it('a content script asking is refused by the router, before any request, and its answer holds no token', async () => {
    const id = fakeBrowser.runtime.id;
    const sender = { id, url: 'https://www.facebook.com/x', tab: { id: 7, url: 'https://www.facebook.com/x' } } as never;
    for (const msg of [{ type: 'team-knowledge', nip: NIP, accountUrl: null }, { type: 'team-refresh' }]) {
      const res = await handleMessage(msg, sender);
      expect(res).toMatchObject({ ok: false });
      expect(JSON.stringify(res)).not.toContain(TOKEN);
    }
    expect(await teamCacheItem.getValue()).toBeNull();
  });
});
