/**
 * The sync state and the texts the popup shows for it (lib/background/sync.ts), with the real sync
 * engine against a stubbed fetch (fake browser + fake IndexedDB): a refused token pauses with a plain
 * Indonesian message, a network that cannot be reached is 'offline' (not 'retrying'), server trouble
 * (5xx/429) is 'retrying', and a record the server refuses keeps a plain reason, never the server's English.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { closeEvidenceDb, insertEvidence, listEvidence, type StoredEvidence } from '../../../lib/db/evidence-db';
import { requestSync, resetPause } from '../../../lib/background/sync';
import { syncStatusItem } from '../../../lib/background/sync-status';
import { backendItem, settingsItem, DEFAULT_SETTINGS } from '../../../lib/settings';
import type { FetchLike } from '../../../lib/sync/protocol';
import { makeItem } from '../export/make-record';

const TOKEN = 'Rahasia-T0ken_9f3c2a7e41dd';
const item = makeItem({}, 11);
/** The examples of developer English shown to a monitor, and their kin. */
const ENGLISH = /(Network error|Failed to fetch|unknown token|HTTP \d{3}|not a valid|server error|slow down|invalid record|must be)/i;

function stored(): StoredEvidence {
  const at = item.record.capturedAt;
  return {
    id: item.record.id, status: 'queued', record: item.record, createdAt: at, updatedAt: at, missing: [], warnings: [], extras: {},
    sync: { attempts: 0, lastError: null, nextAttemptAt: null, receipt: null },
    custody: [{ at, action: 'capture', actor: 'Siti Aminah' }, { at, action: 'save', actor: 'Siti Aminah' }],
  };
}

let respond: () => Response | Promise<Response>;
const fetchStub: FetchLike = async () => respond();
let clock = Date.now();
const FAR = () => (clock = Math.max(clock, Date.now()) + 3_600_000);
const run = () => requestSync({ fetchImpl: fetchStub, now: FAR, random: () => 0.5 }, true);
const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

/** A run the previous test's retry timer may have started: let it end before the next test sets up. */
const running = () => requestSync({ fetchImpl: async () => { throw new TypeError('setup'); }, now: FAR, random: () => 0.5 }).catch(() => undefined);

describe('sync state and its monitor-facing text', () => {
  beforeAll(() => vi.stubGlobal('fetch', fetchStub));
  afterAll(() => vi.unstubAllGlobals());
  beforeEach(async () => {
    fakeBrowser.reset();
    await running();
    await closeEvidenceDb();
    await new Promise((done) => { const r = indexedDB.deleteDatabase('asn-evidence'); r.onsuccess = r.onerror = r.onblocked = () => done(null); });
    await insertEvidence(stored(), { screenshot: new Blob([item.screenshot as Uint8Array<ArrayBuffer>], { type: 'image/png' }) });
    await backendItem.setValue({ baseUrl: 'https://bukti.example.go.id', token: TOKEN, retentionDays: 0 });
    await resetPause();
  });

  it('a refused token (401): paused, in plain Indonesian, says to check the token, no code or server English', async () => {
    respond = () => json(401, { error: 'unknown token' });
    const { status } = await run();
    expect(status.state).toBe('paused');
    expect(status.message).toMatch(/^Sinkronisasi dijeda: Server menolak token ini/);
    expect(status.message).toMatch(/Pengaturan/);
    expect(status.message).not.toMatch(ENGLISH);
    expect(status.message).not.toContain(TOKEN);
    expect((await syncStatusItem.getValue()).state).toBe('paused');
    expect((await listEvidence())[0]!.status).toBe('queued');
  });

  it('the same in English when English is chosen', async () => {
    await settingsItem.setValue({ ...DEFAULT_SETTINGS, language: 'en' });
    respond = () => json(401, { error: 'unknown token' });
    const { status } = await run();
    expect(status.state).toBe('paused');
    expect(status.message).toMatch(/^Sync paused: The server refused this token/);
  });

  it('a disabled token and an unapproved device pause with their own message', async () => {
    respond = () => json(403, { error: 'token disabled', code: 'token_disabled' });
    expect((await run()).status.message).toMatch(/dinonaktifkan/);
    await resetPause();
    respond = () => json(403, { error: 'device key not approved', code: 'device_not_approved' });
    const { status } = await run();
    expect(status.state).toBe('paused');
    expect(status.message).toMatch(/belum disetujui koordinator/);
  });

  it('fetch throws (network unreachable): offline, not retrying', async () => {
    respond = () => {
      throw new TypeError('Failed to fetch');
    };
    const { status } = await run();
    expect(status.state).toBe('offline');
    expect(status.message).toMatch(/Tidak ada sambungan ke server/);
    expect(status.message).not.toMatch(ENGLISH);
    const rec = (await listEvidence())[0]!;
    expect(rec.status).toBe('queued');
    expect(rec.sync.lastError?.message).not.toMatch(ENGLISH);
  });

  it.each([[503, 'bermasalah'], [429, 'sibuk']] as const)('server %i: retrying, in plain Indonesian', async (code, word) => {
    respond = () => json(code, { error: code === 503 ? 'server error' : 'slow down' });
    const { status } = await run();
    expect(status.state).toBe('retrying');
    expect(status.message).toContain(word);
    expect(status.message).not.toMatch(ENGLISH);
  });

  it('a record the server refuses (422) keeps a plain reason, not the server English', async () => {
    respond = () => json(422, { error: 'invalid record: subject.nip: NIP must be 18 digits', code: 'schema' });
    await run();
    const rec = (await listEvidence())[0]!;
    expect(rec.status).toBe('failed');
    expect(rec.sync.lastError?.message).toMatch(/Server menolak isi bukti ini/);
    expect(rec.sync.lastError?.message).not.toMatch(ENGLISH);
  });
});
