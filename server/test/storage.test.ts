/**
 * The storage contract, run against embedded PGlite always and against real PostgreSQL when
 * TEST_DATABASE_URL=postgres://... is set (each run in its own throw-away schema).
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pgSchema } from './pg-schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../app';
import { AuthService } from '../auth/service';
import { DatabaseFileStore } from '../files/store';
import { TeamRegister } from '../team/register';
import { TokenStore } from '../tokens';
import { generateSigningKey, signerOf } from '../../lib/integrity/keys';
import { MIGRATIONS, openStorage, pgliteDriver, postgresDriver, type EvidenceStorage, type NewEvidence, type SqlDriver } from '../storage';
import { corrected, makePng, makeRecord, postSigned, signRecord, synced, TEST_TOKENS, type UploadReply } from './helpers';

const PG_URL = process.env.TEST_DATABASE_URL;

function row(over: Partial<NewEvidence> = {}): NewEvidence {
  const id = over.id ?? crypto.randomUUID();
  return {
    id, receivedAt: new Date().toISOString(), monitor: 'alpha', sha256: 'a'.repeat(64), recordJson: `{"id":"${id}"}`,
    platform: 'facebook', kind: 'comment', subjectName: 'Budi', pageUrl: 'https://www.facebook.com/x',
    capturedAt: '2024-09-13T02:15:04.123Z', screenshotPath: `${id}/${'a'.repeat(64)}.png`, screenshotBytes: 10,
    custodyJson: `[{"recordId":"${id}","action":"capture"}]`, receiptJson: '{"format":"asn-evidence-receipt"}',
    keyId: 'c'.repeat(64), fullPath: `${id}/full-${'d'.repeat(64)}.png`, sourcePath: null,
    ...over,
  };
}

interface Backend {
  name: string;
  open(): Promise<EvidenceStorage>;
  /** the bare driver on the same database (no migrations run) */
  driver(): Promise<SqlDriver>;
  databaseUrl?: string;
  cleanup(): Promise<void>;
}

/** The migrations recorded as applied (read through the storage's own connection). */
async function upgradedVersions(s: EvidenceStorage): Promise<number[]> {
  const db = (s as unknown as { db: SqlDriver }).db;
  return (await db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version', [])).map((r) => Number(r.version));
}

function storageSuite(makeBackend: () => Promise<Backend>) {
  const fresh = makeBackend;
  let backend: Backend;
  let storage: EvidenceStorage;
  beforeAll(async () => {
    backend = await makeBackend();
    storage = await backend.open();
  }, 60_000);
  afterAll(async () => {
    await storage?.close();
    await backend?.cleanup();
  });

  it('migrations are idempotent; data survives close and reopen', async () => {
    await storage.migrate();
    const r = row();
    await storage.insert(r);
    // PGlite: one open instance per data folder, so close before reopening.
    await storage.close();
    storage = await backend.open();
    expect((await storage.get(r.id))?.id).toBe(r.id);
  }, 60_000);

  it('insert, get, conflict returns the existing row untouched', async () => {
    const r = row({ subjectName: null });
    const first = await storage.insert(r);
    expect(first.inserted).toBe(true);
    if (!first.inserted) return;
    expect(first.row).toMatchObject({ ...r });
    expect(first.row.receivedAt).toBe(r.receivedAt);
    const second = await storage.insert({ ...r, receivedAt: new Date(Date.now() + 5000).toISOString(), sha256: 'b'.repeat(64) });
    expect(second.inserted).toBe(false);
    if (second.inserted) return;
    expect(second.existing.sha256).toBe(r.sha256);
    expect(second.existing.receivedAt).toBe(r.receivedAt);
    expect(await storage.get(r.id)).toEqual(first.row);
    expect(await storage.get('no-such-id')).toBeNull();
  });

  it('keeps the id exactly as sent (no uuid case folding)', async () => {
    const id = crypto.randomUUID().toUpperCase();
    await storage.insert(row({ id }));
    expect((await storage.get(id))?.id).toBe(id);
  });

  it('concurrent inserts of one id: exactly one wins', async () => {
    const id = crypto.randomUUID();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => storage.insert(row({ id, monitor: `m${i}` }))),
    );
    expect(results.filter((r) => r.inserted)).toHaveLength(1);
    const winner = results.find((r) => r.inserted);
    const monitors = new Set(results.map((r) => (r.inserted ? r.row.monitor : r.existing.monitor)));
    expect(monitors.size).toBe(1);
    expect(winner).toBeDefined();
  });

  it('lists newest first with a limit, and counts', async () => {
    const a = row();
    const b = row();
    await storage.insert(a);
    await storage.insert(b);
    const list = await storage.list(2);
    expect(list.map((r) => r.id)).toEqual([b.id, a.id]);
    expect(Object.keys(list[0]!).sort()).toEqual(
      ['capturedAt', 'id', 'kind', 'monitor', 'pageUrl', 'platform', 'receivedAt', 'sha256', 'subjectName'].sort(),
    );
    expect(await storage.count()).toBeGreaterThanOrEqual(2);
  });

  it("lists and counts one monitor's records only (read isolation)", async () => {
    const who = `iso-${crypto.randomUUID()}`;
    const mine = [row({ monitor: who }), row({ monitor: who })];
    for (const r of mine) await storage.insert(r);
    await storage.insert(row({ monitor: `${who}-other` }));
    expect((await storage.list(10, { monitor: who })).map((r) => r.id)).toEqual([mine[1]!.id, mine[0]!.id]);
    expect(await storage.count({ monitor: who })).toBe(2);
    expect(await storage.count({ monitor: `${who}-nobody` })).toBe(0);
    expect((await storage.list(10, { monitor: `${who}-nobody` }))).toEqual([]);
    expect(await storage.count({})).toBe(await storage.count());
  });

  it('survives NUL characters in page-derived text', async () => {
    const r = row({ subjectName: 'Bu\u0000di', recordJson: '{"x":"\\u0000"}' });
    expect((await storage.insert(r)).inserted).toBe(true);
    const got = await storage.get(r.id);
    expect(got?.subjectName).toBe('Budi');
    expect(got?.recordJson).toBe('{"x":"\\u0000"}');
  });

  it('key registry: a monitor\'s first key is approved, later ones pending until decided; a known key is not re-registered', async () => {
    const m = `m-${crypto.randomUUID()}`;
    const [k1, k2] = ['1', '2'].map((c) => c.repeat(64)) as [string, string];
    const now = '2024-09-13T03:00:00.000Z';
    expect(await storage.registerKey(m, k1, '{"x":"1"}', now)).toEqual({
      keyId: k1, monitor: m, publicKey: { x: '1' }, status: 'approved', firstSeenAt: now, decidedAt: now, decidedBy: 'first upload',
    });
    expect(await storage.registerKey(m, k2, '{"x":"2"}', now)).toMatchObject({ keyId: k2, monitor: m, status: 'pending', decidedAt: null, decidedBy: null });
    // the same key again (from anyone): the existing row, unchanged
    expect(await storage.registerKey('someone-else', k1, '{"x":"other"}', now)).toMatchObject({ monitor: m, status: 'approved', publicKey: { x: '1' } });
    const later = '2024-09-14T00:00:00.000Z';
    expect(await storage.decideKey(k2, 'approved', 'coord', later)).toMatchObject({ keyId: k2, status: 'approved', decidedAt: later, decidedBy: 'coord' });
    expect(await storage.decideKey(k1, 'revoked', 'coord', later)).toMatchObject({ keyId: k1, status: 'revoked' });
    expect(await storage.decideKey('9'.repeat(64), 'approved', 'coord', later)).toBeNull();
    const mine = (await storage.listKeys()).filter((k) => k.monitor === m);
    expect(mine.map((k) => [k.keyId, k.status]).sort()).toEqual([[k1, 'revoked'], [k2, 'approved']]); // same firstSeenAt: any order
  });

  it('amend: replaces the content once per expected version, keeps the replaced version; a stale expectation changes nothing', async () => {
    const r = row();
    await storage.insert(r);
    const at = new Date(Date.parse(r.receivedAt) + 60_000).toISOString();
    const next = { recordJson: '{"v":2}', subjectName: 'Budi S', custodyJson: '[1,2]', receiptJson: '{"r":2}', amendedAt: at };
    const done = await storage.amend(r.id, 1, next);
    expect(done.amended).toBe(true);
    if (!done.amended) return;
    expect(done.row).toMatchObject({ id: r.id, version: 2, amendedAt: at, recordJson: '{"v":2}', subjectName: 'Budi S', custodyJson: '[1,2]', receiptJson: '{"r":2}', receivedAt: r.receivedAt, sha256: r.sha256, screenshotPath: r.screenshotPath });
    expect(done.previous).toEqual({
      id: r.id, version: 1, receivedAt: r.receivedAt, monitor: r.monitor, sha256: r.sha256, recordJson: r.recordJson,
      custodyJson: r.custodyJson, receiptJson: r.receiptJson, supersededAt: at,
    });
    // Someone else's view of version 1 is stale now: nothing changes, the current row comes back.
    const stale = await storage.amend(r.id, 1, { ...next, recordJson: '{"v":"other"}' });
    expect(stale).toEqual({ amended: false, existing: done.row });
    expect(await storage.amend('no-such-id', 1, next)).toEqual({ amended: false, existing: null });
    // Concurrent amendments of one version: exactly one is applied.
    const racing = await Promise.all(Array.from({ length: 6 }, (_, i) => storage.amend(r.id, 2, { ...next, recordJson: `{"v":"3-${i}"}`, amendedAt: new Date().toISOString() })));
    expect(racing.filter((x) => x.amended)).toHaveLength(1);
    const versions = await storage.versions(r.id);
    expect(versions.map((v) => [v.version, v.recordJson])).toEqual([[1, r.recordJson], [2, '{"v":2}']]);
    expect((await storage.get(r.id))?.version).toBe(3);
    expect(await storage.versions('no-such-id')).toEqual([]);
  });

  it('migration 3 on a database at the previous schema (migrations 1-2, with rows): rows become version 1 and can be amended', async () => {
    const old = await fresh();
    try {
      const db = await old.driver();
      await db.query(`CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
      for (const m of MIGRATIONS.filter((x) => x.version <= 2)) {
        await db.query(m.sql);
        await db.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      }
      const id = crypto.randomUUID();
      await db.query(
        `INSERT INTO evidence (id, received_at, monitor, sha256, record_json, platform, kind, subject_name, page_url, captured_at,
           screenshot_path, screenshot_bytes, custody_json, receipt_json, key_id, full_path, source_path)
         VALUES ($1, '2024-09-13T03:00:00.000Z', 'alpha', $2, '{"old":true}', 'facebook', 'comment', 'Budi', 'https://www.facebook.com/x',
           '2024-09-13T02:15:04.123Z', 'p.png', 10, '[]', 'null', '', NULL, NULL)`,
        [id, 'e'.repeat(64)],
      );
      await db.close();
      const upgraded = await old.open();
      try {
        const applied = await upgradedVersions(upgraded);
        expect(applied).toEqual(MIGRATIONS.map((m) => m.version));
        expect(await upgraded.get(id)).toMatchObject({ id, version: 1, amendedAt: null, recordJson: '{"old":true}', receivedAt: '2024-09-13T03:00:00.000Z' });
        expect(await upgraded.versions(id)).toEqual([]);
        const done = await upgraded.amend(id, 1, { recordJson: '{"old":false}', subjectName: 'Budi', custodyJson: '[]', receiptJson: 'null', amendedAt: '2024-09-14T00:00:00.000Z' });
        expect(done.amended && done.row.version).toBe(2);
        expect((await upgraded.versions(id)).map((v) => [v.version, v.recordJson, v.receivedAt])).toEqual([[1, '{"old":true}', '2024-09-13T03:00:00.000Z']]);
        await upgraded.migrate(); // idempotent on the upgraded schema
      } finally {
        await upgraded.close();
      }
    } finally {
      await old.cleanup();
    }
  }, 60_000);

  it("migrations 4-6 on today's database (1-3, with a received record and its file on disk): the record is filed in the register, its file moves into the database, sign-in starts at its first account", async () => {
    const old = await fresh();
    const dir = await mkdtemp(join(tmpdir(), 'asn-migrate-files-'));
    try {
      const db = await old.driver();
      await db.query(`CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
      for (const m of MIGRATIONS.filter((x) => x.version <= 3)) {
        await db.query(m.sql);
        await db.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      }
      const png = makePng(6, 5, 41);
      const rec = makeRecord(png, { subject: { ...makeRecord(png).subject, name: 'Budi Santoso', nip: '198503122010011002' } });
      const sha = createHash('sha256').update(png).digest('hex');
      const path = `${rec.id}/${sha}.png`;
      await mkdir(join(dir, rec.id), { recursive: true });
      await writeFile(join(dir, path), png);
      await db.query(
        `INSERT INTO evidence (id, received_at, monitor, sha256, record_json, platform, kind, subject_name, page_url, captured_at,
           screenshot_path, screenshot_bytes, custody_json, receipt_json, key_id, full_path, source_path)
         VALUES ($1, '2024-09-13T03:00:00.000Z', 'alpha', $2, $3, 'facebook', 'comment', 'Budi Santoso', 'https://www.facebook.com/x',
           '2024-09-13T02:15:04.123Z', $4, $5, '[]', 'null', '', NULL, NULL)`,
        [rec.id, sha, JSON.stringify(rec), path, png.length],
      );
      await db.close();
      const upgraded = await old.open();
      try {
        expect(await upgradedVersions(upgraded)).toEqual(MIGRATIONS.map((m) => m.version));
        const key = await generateSigningKey();
        const team = new TeamRegister(upgraded.db, signerOf(key));
        expect(await team.backfill()).toBe(1);
        expect(await team.backfill()).toBe(0);
        const register = await team.subjects({}, 1, 50);
        expect(register.items.map((x) => [x.name, x.nip, x.records, x.monitors])).toEqual([['Budi Santoso', '198503122010011002', 1, ['alpha']]]);
        const files = new DatabaseFileStore(upgraded.db, null);
        expect(await files.get(path)).toBeNull();
        expect(await files.importFromDisk(dir)).toBe(1);
        expect(new Uint8Array((await files.get(path))!)).toEqual(png);
        const auth = new AuthService(upgraded.db, { configTokens: new TokenStore([{ monitor: 'k', token: 'koordinator-token-1', role: 'coordinator' }]) });
        expect(await auth.needsBootstrap()).toBe(true);
        await upgraded.migrate(); // idempotent
      } finally {
        await upgraded.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
      await old.cleanup();
    }
  }, 120_000);

  it('an empty database gets every migration, evidence_versions included', async () => {
    const empty = await fresh();
    try {
      const s = await empty.open();
      try {
        expect(await upgradedVersions(s)).toEqual(MIGRATIONS.map((m) => m.version));
        const r = row();
        await s.insert(r);
        expect(await s.get(r.id)).toMatchObject({ version: 1, amendedAt: null });
        expect(await s.versions(r.id)).toEqual([]);
      } finally {
        await s.close();
      }
    } finally {
      await empty.cleanup();
    }
  }, 60_000);

  it('end to end through the HTTP server: 201, 200, 409, concurrent duplicates stored once, an amendment stored as version 2', async () => {
    const dir = await mkdtemp(join(tmpdir(), `asn-${backend.name}-e2e-`));
    const srv = await startServer({
      port: 0, dataDir: dir, tokens: TEST_TOKENS, log: false, databaseUrl: backend.databaseUrl ?? null,
      maxUploadsPerToken: 8, // eight uploads of one token race below (the default allows 4 at a time, then 429)
    });
    try {
      const png = makePng(5, 5, 7);
      const signed = await signRecord(makeRecord(png));
      const rec = signed.record;
      // concurrent first uploads also race to bind the monitor's first key: all must see it approved
      const statuses = (await Promise.all(Array.from({ length: 8 }, () => postSigned(srv.url, signed, png)))).map((r) => r.status);
      expect(statuses.sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
      expect((await postSigned(srv.url, await signRecord({ ...rec, kind: 'post' }), png)).status).toBe(409);
      expect((await srv.storage.get(rec.id))?.monitor).toBe('alpha');
      // An amendment (a signed correction continuing the stored log): 200, version 2, the previous version kept.
      const reply = (await (await postSigned(srv.url, signed, png)).json()) as UploadReply;
      const amended = await corrected(await synced(signed, reply, 201), 'subject.agency', 'Dinas Sosial');
      const res = await postSigned(srv.url, amended, png);
      expect(res.status).toBe(200);
      expect(((await res.json()) as UploadReply).version).toBe(2);
      expect((await srv.storage.versions(rec.id)).map((v) => v.version)).toEqual([1]);
      expect((await postSigned(srv.url, signed, png)).status).toBe(409); // the version before: a rollback
    } finally {
      await srv.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
}

describe('storage: PGlite (embedded)', () => {
  storageSuite(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'asn-pglite-'));
    return {
      name: 'pglite',
      open: () => openStorage({ dbDir: dir }),
      driver: () => pgliteDriver(dir),
      cleanup: () => rm(dir, { recursive: true, force: true }),
    };
  });
});

if (!PG_URL) {
  console.warn('[storage.test] SKIPPING PostgreSQL storage tests: set TEST_DATABASE_URL=postgres://user:pass@host/db to run them.');
}

describe.skipIf(!PG_URL)('storage: PostgreSQL (TEST_DATABASE_URL)', () => {
  storageSuite(async () => {
    const schema = await pgSchema(PG_URL!, 'asn_test');
    return {
      name: 'postgres',
      databaseUrl: schema.url,
      open: () => openStorage({ databaseUrl: schema.url, dbDir: '/nonexistent' }),
      driver: () => postgresDriver(schema.url),
      cleanup: () => schema.drop(),
    };
  });
});

if (!PG_URL) {
  describe('storage: PostgreSQL', () => {
    it.skip('skipped: set TEST_DATABASE_URL=postgres://user:pass@host/db to run the PostgreSQL storage tests', () => {});
  });
}
