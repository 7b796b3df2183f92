/**
 * Storage of received evidence. One small interface (`EvidenceStorage`), one SQL implementation
 * (`SqlEvidenceStorage`) and two drivers sharing that SQL:
 *  - PGlite (default): Postgres compiled to WASM, data in a local folder. Chosen because it is the
 *    same SQL dialect and code path as real PostgreSQL, installs with npm alone and needs no
 *    native build or running service.
 *  - node-postgres `pg` when DATABASE_URL=postgres://... is set (production, CI).
 *
 * Idempotency rests on the primary key: `INSERT ... ON CONFLICT (id) DO NOTHING RETURNING`, so two
 * concurrent identical uploads store exactly one row whatever the timing; the loser reads the
 * winner's row and compares.
 */
import type { PGlite } from '@electric-sql/pglite';
import type { Pool } from 'pg';
import { AUTH_MIGRATION } from './auth/schema';
import { FILES_MIGRATION } from './files/schema';
import { TEAM_MIGRATION } from './team/schema';

export interface NewEvidence {
  id: string;
  receivedAt: string;
  monitor: string;
  sha256: string;
  recordJson: string;
  platform: string;
  kind: string;
  subjectName: string | null;
  pageUrl: string;
  capturedAt: string;
  screenshotPath: string;
  screenshotBytes: number;
  /** the record's signed custody log as received (JSON) */
  custodyJson: string;
  /** the countersigned receipt (JSON), the key that signed the capture, the full-tab and source files */
  receiptJson: string;
  keyId: string;
  fullPath: string | null;
  sourcePath: string | null;
}

export interface StoredEvidence extends NewEvidence {
  seq: number;
  /** 1 for the record as first received; +1 for every accepted amendment (docs/sync-protocol.md) */
  version: number;
  /** when the current version (an amendment) was received; null while version is 1 */
  amendedAt: string | null;
}

/** What an amendment replaces in the stored row (the files, id, capture and monitor stay). */
export interface AmendedEvidence {
  recordJson: string;
  subjectName: string | null;
  custodyJson: string;
  receiptJson: string;
  amendedAt: string;
}

/** A version of a record that an amendment replaced, kept as it was (evidence_versions). */
export interface EvidenceVersion {
  id: string;
  version: number;
  /** when this version was received (the first receipt's time for version 1) */
  receivedAt: string;
  monitor: string;
  sha256: string;
  recordJson: string;
  custodyJson: string;
  receiptJson: string;
  /** when the next version replaced it */
  supersededAt: string;
}

export type AmendResult = { amended: true; row: StoredEvidence; previous: EvidenceVersion } | { amended: false; existing: StoredEvidence | null };

export interface EvidenceSummary {
  id: string;
  receivedAt: string;
  monitor: string;
  platform: string;
  kind: string;
  subjectName: string | null;
  sha256: string;
  pageUrl: string;
  capturedAt: string;
}

export type InsertResult = { inserted: true; row: StoredEvidence } | { inserted: false; existing: StoredEvidence };

export interface EvidenceStorage {
  readonly driver: 'pglite' | 'postgres';
  /** the SQL connection the team, auth and file modules share */
  readonly db: SqlDriver;
  migrate(): Promise<void>;
  /** Inserts unless a row with the same id exists; then returns that row untouched. */
  insert(row: NewEvidence): Promise<InsertResult>;
  get(id: string): Promise<StoredEvidence | null>;
  /**
   * Replaces the stored content of `id` with an amendment, in one transaction, only if the row is
   * still at `expectVersion` (else nothing changes and the current row is returned). The replaced
   * version is kept in evidence_versions.
   */
  amend(id: string, expectVersion: number, next: AmendedEvidence): Promise<AmendResult>;
  /** The versions an amendment replaced, oldest first (the current one is the evidence row). */
  versions(id: string): Promise<EvidenceVersion[]>;
  /** Newest first; only one monitor's records when `filter.monitor` is given. */
  list(limit: number, filter?: { monitor?: string }): Promise<EvidenceSummary[]>;
  /** Full rows for an export: the given ids, or a monitor's, or all; oldest first. */
  rows(filter: { ids?: readonly string[]; monitor?: string }, limit: number): Promise<StoredEvidence[]>;
  count(filter?: { monitor?: string }): Promise<number>;
  /** The key registry: binds a monitor's first key, lists later ones as pending. */
  registerKey(monitor: string, keyId: string, publicKeyJson: string, now: string): Promise<InstallationKey>;
  listKeys(): Promise<InstallationKey[]>;
  decideKey(keyId: string, status: 'approved' | 'revoked', by: string, now: string): Promise<InstallationKey | null>;
  close(): Promise<void>;
}

export interface InstallationKey {
  keyId: string;
  monitor: string;
  publicKey: unknown;
  status: 'approved' | 'pending' | 'revoked';
  firstSeenAt: string;
  decidedAt: string | null;
  decidedBy: string | null;
}

/** What both drivers provide. */
export interface SqlDriver {
  readonly name: 'pglite' | 'postgres';
  query<R>(sql: string, params?: unknown[]): Promise<R[]>;
  /** Runs fn inside BEGIN/COMMIT on one connection (ROLLBACK on throw). */
  transaction<T>(fn: (query: <R>(sql: string, params?: unknown[]) => Promise<R[]>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Ordered, append-only. Never edit a shipped migration: add a new one. */
export const MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'evidence table',
    sql: `
      CREATE TABLE evidence (
        seq              bigint GENERATED ALWAYS AS IDENTITY,
        id               text PRIMARY KEY,
        received_at      timestamptz NOT NULL,
        monitor          text NOT NULL,
        sha256           text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        record_json      text NOT NULL,
        platform         text NOT NULL,
        kind             text NOT NULL,
        subject_name     text,
        page_url         text NOT NULL,
        captured_at      timestamptz NOT NULL,
        screenshot_path  text NOT NULL,
        screenshot_bytes integer NOT NULL
      );
      CREATE UNIQUE INDEX evidence_seq_idx ON evidence (seq);
      CREATE INDEX evidence_monitor_idx ON evidence (monitor, seq);
    `,
  },
  {
    version: 2,
    name: 'custody, receipts, full-tab screenshot and source; installation key registry',
    sql: `
      ALTER TABLE evidence ADD COLUMN custody_json text NOT NULL DEFAULT '[]';
      ALTER TABLE evidence ADD COLUMN receipt_json text NOT NULL DEFAULT 'null';
      ALTER TABLE evidence ADD COLUMN key_id text NOT NULL DEFAULT '';
      ALTER TABLE evidence ADD COLUMN full_path text;
      ALTER TABLE evidence ADD COLUMN source_path text;
      CREATE TABLE installation_keys (
        key_id        text PRIMARY KEY CHECK (key_id ~ '^[0-9a-f]{64}$'),
        monitor       text NOT NULL,
        public_key    text NOT NULL,
        status        text NOT NULL CHECK (status IN ('approved', 'pending', 'revoked')),
        first_seen_at timestamptz NOT NULL,
        decided_at    timestamptz,
        decided_by    text
      );
      CREATE INDEX installation_keys_monitor_idx ON installation_keys (monitor);
    `,
  },
  {
    version: 3,
    name: 'amendments: version of each record, earlier versions kept',
    sql: `
      ALTER TABLE evidence ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version >= 1);
      ALTER TABLE evidence ADD COLUMN amended_at timestamptz;
      CREATE TABLE evidence_versions (
        id            text NOT NULL REFERENCES evidence (id),
        version       integer NOT NULL CHECK (version >= 1),
        received_at   timestamptz NOT NULL,
        monitor       text NOT NULL,
        sha256        text NOT NULL,
        record_json   text NOT NULL,
        custody_json  text NOT NULL,
        receipt_json  text NOT NULL,
        superseded_at timestamptz NOT NULL,
        PRIMARY KEY (id, version)
      );
    `,
  },
  FILES_MIGRATION,
  TEAM_MIGRATION,
  AUTH_MIGRATION,
];

/** record_json is text (canonical JSON), not jsonb: jsonb rejects \\u0000, page text may hold anything.
 *  Query it with record_json::jsonb when needed. */
const COLUMNS = `seq, id, received_at, monitor, sha256, record_json, platform, kind, subject_name,
  page_url, captured_at, screenshot_path, screenshot_bytes, custody_json, receipt_json, key_id, full_path, source_path,
  version, amended_at`;

interface Row {
  seq: number | string | bigint;
  id: string;
  received_at: Date | string;
  monitor: string;
  sha256: string;
  record_json: string;
  platform: string;
  kind: string;
  subject_name: string | null;
  page_url: string;
  captured_at: Date | string;
  screenshot_path: string;
  screenshot_bytes: number;
  custody_json: string;
  receipt_json: string;
  key_id: string;
  full_path: string | null;
  source_path: string | null;
  version: number | string;
  amended_at: Date | string | null;
}

interface VersionRow {
  id: string; version: number | string; received_at: Date | string; monitor: string; sha256: string;
  record_json: string; custody_json: string; receipt_json: string; superseded_at: Date | string;
}

interface KeyRow {
  key_id: string; monitor: string; public_key: string; status: InstallationKey['status'];
  first_seen_at: Date | string; decided_at: Date | string | null; decided_by: string | null;
}

const iso = (v: Date | string): string => (v instanceof Date ? v : new Date(v)).toISOString();

function fromRow(r: Row): StoredEvidence {
  return {
    seq: Number(r.seq),
    id: r.id,
    receivedAt: iso(r.received_at),
    monitor: r.monitor,
    sha256: r.sha256,
    recordJson: r.record_json,
    platform: r.platform,
    kind: r.kind,
    subjectName: r.subject_name,
    pageUrl: r.page_url,
    capturedAt: iso(r.captured_at),
    screenshotPath: r.screenshot_path,
    screenshotBytes: Number(r.screenshot_bytes),
    custodyJson: r.custody_json,
    receiptJson: r.receipt_json,
    keyId: r.key_id,
    fullPath: r.full_path,
    sourcePath: r.source_path,
    version: Number(r.version),
    amendedAt: r.amended_at === null ? null : iso(r.amended_at),
  };
}

function versionFromRow(r: VersionRow): EvidenceVersion {
  return {
    id: r.id, version: Number(r.version), receivedAt: iso(r.received_at), monitor: r.monitor, sha256: r.sha256,
    recordJson: r.record_json, custodyJson: r.custody_json, receiptJson: r.receipt_json, supersededAt: iso(r.superseded_at),
  };
}

function keyFromRow(r: KeyRow): InstallationKey {
  return {
    keyId: r.key_id, monitor: r.monitor, publicKey: JSON.parse(r.public_key) as unknown, status: r.status,
    firstSeenAt: iso(r.first_seen_at), decidedAt: r.decided_at === null ? null : iso(r.decided_at), decidedBy: r.decided_by,
  };
}

/** Postgres text cannot hold NUL; summary columns are for display, the full record keeps escapes. */
const noNul = (s: string): string => s.replace(/\u0000/g, '');

export class SqlEvidenceStorage implements EvidenceStorage {
  constructor(readonly db: SqlDriver) {}

  get driver(): 'pglite' | 'postgres' {
    return this.db.name;
  }

  async migrate(): Promise<void> {
    await this.db.transaction(async (q) => {
      // Serialises concurrent starts against one PostgreSQL (several server processes).
      await q('SELECT pg_advisory_xact_lock(727274001)');
      await q(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
      const done = new Set(
        (await q<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => Number(r.version)),
      );
      for (const m of MIGRATIONS) {
        if (done.has(m.version)) continue;
        await q(m.sql);
        await q('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      }
    });
  }

  async insert(row: NewEvidence): Promise<InsertResult> {
    const inserted = await this.db.query<Row>(
      `INSERT INTO evidence (id, received_at, monitor, sha256, record_json, platform, kind, subject_name,
         page_url, captured_at, screenshot_path, screenshot_bytes, custody_json, receipt_json, key_id, full_path, source_path)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
       ON CONFLICT (id) DO NOTHING
       RETURNING ${COLUMNS}`,
      [
        row.id, row.receivedAt, noNul(row.monitor), row.sha256, noNul(row.recordJson), noNul(row.platform),
        noNul(row.kind), row.subjectName === null ? null : noNul(row.subjectName), noNul(row.pageUrl),
        row.capturedAt, row.screenshotPath, row.screenshotBytes, noNul(row.custodyJson), row.receiptJson, row.keyId,
        row.fullPath, row.sourcePath,
      ],
    );
    const first = inserted[0];
    if (first) return { inserted: true, row: fromRow(first) };
    // ON CONFLICT waited for the concurrent winner to commit, so its row is visible now.
    const existing = await this.get(row.id);
    if (!existing) throw new Error(`insert of ${row.id} conflicted but no row found`);
    return { inserted: false, existing };
  }

  async get(id: string): Promise<StoredEvidence | null> {
    const rows = await this.db.query<Row>(`SELECT ${COLUMNS} FROM evidence WHERE id = $1`, [id]);
    return rows[0] ? fromRow(rows[0]) : null;
  }

  async amend(id: string, expectVersion: number, next: AmendedEvidence): Promise<AmendResult> {
    return this.db.transaction(async (q) => {
      // The row is locked until commit: two amendments of one record are applied one after the other.
      const cur = (await q<Row>(`SELECT ${COLUMNS} FROM evidence WHERE id = $1 FOR UPDATE`, [id]))[0];
      if (!cur || Number(cur.version) !== expectVersion) return { amended: false as const, existing: cur ? fromRow(cur) : null };
      const kept = await q<VersionRow>(
        `INSERT INTO evidence_versions (id, version, received_at, monitor, sha256, record_json, custody_json, receipt_json, superseded_at)
         SELECT id, version, COALESCE(amended_at, received_at), monitor, sha256, record_json, custody_json, receipt_json, $2
         FROM evidence WHERE id = $1
         RETURNING *`,
        [id, next.amendedAt],
      );
      const rows = await q<Row>(
        `UPDATE evidence SET record_json = $2, subject_name = $3, custody_json = $4, receipt_json = $5,
           amended_at = $6, version = version + 1
         WHERE id = $1 RETURNING ${COLUMNS}`,
        [id, noNul(next.recordJson), next.subjectName === null ? null : noNul(next.subjectName), noNul(next.custodyJson), next.receiptJson, next.amendedAt],
      );
      return { amended: true as const, row: fromRow(rows[0]!), previous: versionFromRow(kept[0]!) };
    });
  }

  async versions(id: string): Promise<EvidenceVersion[]> {
    return (await this.db.query<VersionRow>('SELECT * FROM evidence_versions WHERE id = $1 ORDER BY version', [id])).map(versionFromRow);
  }

  async list(limit: number, filter: { monitor?: string } = {}): Promise<EvidenceSummary[]> {
    const n = Math.max(0, Math.floor(limit));
    const rows = filter.monitor === undefined
      ? await this.db.query<Row>(`SELECT ${COLUMNS} FROM evidence ORDER BY seq DESC LIMIT $1`, [n])
      : await this.db.query<Row>(`SELECT ${COLUMNS} FROM evidence WHERE monitor = $1 ORDER BY seq DESC LIMIT $2`, [noNul(filter.monitor), n]);
    return rows.map((r) => {
      const s = fromRow(r);
      return {
        id: s.id, receivedAt: s.receivedAt, monitor: s.monitor, platform: s.platform, kind: s.kind,
        subjectName: s.subjectName, sha256: s.sha256, pageUrl: s.pageUrl, capturedAt: s.capturedAt,
      };
    });
  }

  async rows(filter: { ids?: readonly string[]; monitor?: string }, limit: number): Promise<StoredEvidence[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.ids) { params.push([...filter.ids]); where.push(`id = ANY($${params.length})`); }
    if (filter.monitor !== undefined) { params.push(filter.monitor); where.push(`monitor = $${params.length}`); }
    params.push(Math.max(0, Math.floor(limit)));
    const rows = await this.db.query<Row>(
      `SELECT ${COLUMNS} FROM evidence ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq LIMIT $${params.length}`,
      params,
    );
    return rows.map(fromRow);
  }

  async count(filter: { monitor?: string } = {}): Promise<number> {
    const rows = filter.monitor === undefined
      ? await this.db.query<{ n: number | string }>('SELECT count(*) AS n FROM evidence')
      : await this.db.query<{ n: number | string }>('SELECT count(*) AS n FROM evidence WHERE monitor = $1', [noNul(filter.monitor)]);
    return Number(rows[0]?.n ?? 0);
  }

  async registerKey(monitor: string, keyId: string, publicKeyJson: string, now: string): Promise<InstallationKey> {
    return this.db.transaction(async (q) => {
      // One monitor's first key is bound once, even with concurrent uploads on several processes.
      await q('SELECT pg_advisory_xact_lock(727274002, hashtext($1))', [monitor]);
      const found = await q<KeyRow>('SELECT * FROM installation_keys WHERE key_id = $1', [keyId]);
      if (found[0]) return keyFromRow(found[0]);
      const bound = await q<{ n: number | string }>("SELECT count(*) AS n FROM installation_keys WHERE monitor = $1 AND status = 'approved'", [monitor]);
      const first = Number(bound[0]?.n ?? 0) === 0;
      const rows = await q<KeyRow>(
        `INSERT INTO installation_keys (key_id, monitor, public_key, status, first_seen_at, decided_at, decided_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
        [keyId, noNul(monitor), publicKeyJson, first ? 'approved' : 'pending', now, first ? now : null, first ? 'first upload' : null],
      );
      return keyFromRow(rows[0]!);
    });
  }

  async listKeys(): Promise<InstallationKey[]> {
    return (await this.db.query<KeyRow>('SELECT * FROM installation_keys ORDER BY monitor, first_seen_at', [])).map(keyFromRow);
  }

  async decideKey(keyId: string, status: 'approved' | 'revoked', by: string, now: string): Promise<InstallationKey | null> {
    const rows = await this.db.query<KeyRow>(
      'UPDATE installation_keys SET status = $2, decided_at = $3, decided_by = $4 WHERE key_id = $1 RETURNING *',
      [keyId, status, now, noNul(by)],
    );
    return rows[0] ? keyFromRow(rows[0]) : null;
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

export async function pgliteDriver(dataDir: string): Promise<SqlDriver> {
  const { PGlite } = await import('@electric-sql/pglite');
  const db: PGlite = await PGlite.create(dataDir);
  return {
    name: 'pglite',
    async query<R>(sql: string, params?: unknown[]) {
      // Multi-statement SQL (migrations) has no parameters: use exec.
      if (!params || params.length === 0) {
        const results = await db.exec(sql);
        return (results[results.length - 1]?.rows ?? []) as R[];
      }
      return (await db.query<R>(sql, params)).rows;
    },
    async transaction<T>(fn: (q: <R>(sql: string, params?: unknown[]) => Promise<R[]>) => Promise<T>) {
      return db.transaction(async (tx) =>
        fn(async <R>(sql: string, params?: unknown[]) => {
          if (!params || params.length === 0) {
            const results = await tx.exec(sql);
            return (results[results.length - 1]?.rows ?? []) as R[];
          }
          return (await tx.query<R>(sql, params)).rows;
        }),
      );
    },
    close: () => db.close(),
  };
}

export async function postgresDriver(connectionString: string): Promise<SqlDriver> {
  const pg = await import('pg');
  const PoolCtor = (pg.default?.Pool ?? (pg as unknown as { Pool: typeof Pool }).Pool) as typeof Pool;
  const pool = new PoolCtor({ connectionString, max: 10 });
  // An idle client's error (server restart) must not crash the process.
  pool.on('error', () => {});
  // Fail fast on a wrong URL / unreachable server.
  await pool.query('SELECT 1');
  return {
    name: 'postgres',
    async query<R>(sql: string, params?: unknown[]) {
      return (await pool.query(sql, params)).rows as R[];
    },
    async transaction<T>(fn: (q: <R>(sql: string, params?: unknown[]) => Promise<R[]>) => Promise<T>) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const out = await fn(async <R>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as R[]);
        await client.query('COMMIT');
        return out;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => {});
        throw e;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/** Opens and migrates storage: PostgreSQL when databaseUrl is given, else PGlite in dbDir. */
export async function openStorage(opts: { databaseUrl?: string | null; dbDir: string }): Promise<EvidenceStorage> {
  const driver = opts.databaseUrl ? await postgresDriver(opts.databaseUrl) : await pgliteDriver(opts.dbDir);
  const storage = new SqlEvidenceStorage(driver);
  try {
    await storage.migrate();
  } catch (e) {
    await storage.close().catch(() => {});
    throw e;
  }
  return storage;
}
