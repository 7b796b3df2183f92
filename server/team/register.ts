/**
 * The team register (issue 15): every stored record filed under its ASN (subject) and its finding,
 * the workflow of each finding, and the append-only, hash-chained audit log the server signs.
 * Rules and the outsider's recipe for the audit log: docs/workspace.md ("Register, findings and
 * audit log"). Tables: server/team/schema.ts (migration 5).
 *
 * Concurrency: every change of the register runs in one transaction holding a PostgreSQL advisory
 * transaction lock (REGISTER_LOCK), so two server processes on one database file records, merge
 * and change statuses one after the other; the audit log's own lock (AUDIT_LOCK) is always taken
 * after it, never before, so the two cannot deadlock.
 */
import { createHash } from 'node:crypto';
import { isKnownZone, reportingDeadline, startOfLocalDay, zoneOffsetMinutes } from '../../lib/cases/deadline';
import { canonicalJson } from '../../lib/integrity/canonical';
import { importVerifyKey, signText, verifyText, type Signer } from '../../lib/integrity/keys';
import type { SqlDriver } from '../storage';
import type { Role } from '../tokens';
import { accountKeyOf, cleanOpt, cleanText, nipOf, normText, targetOf, type RecordLike } from './keys';
import {
  FINDING_STATUSES, RECEIVERS, REPORT_DEADLINE_DAYS, TeamError,
  type Actor, type AuditEntry, type Finding, type FindingStatus, type InboxFilter, type InboxItem, type Page,
  type Receiver, type StatusChange, type SubjectDetail, type SubjectSummary, type TeamApi, type TeamKnowledge, type Witness,
} from './types';

type Q = <R>(sql: string, params?: unknown[]) => Promise<R[]>;

/** pg_advisory_xact_lock(LOCK_SPACE, n): 727274001/2 are storage's (migrations, key binding). */
const LOCK_SPACE = 727274005;
const REGISTER_LOCK = `SELECT pg_advisory_xact_lock(${LOCK_SPACE}, 1)`;
const AUDIT_LOCK = `SELECT pg_advisory_xact_lock(${LOCK_SPACE}, 2)`;
/** prevHash of the first audit entry. */
export const AUDIT_GENESIS = '0'.repeat(64);
const BACKFILL_BATCH = 5000;
const OPEN: readonly FindingStatus[] = ['baru', 'diverifikasi', 'diteruskan'];
/** Statuses whose reporting deadline still runs. */
const DEADLINE_RUNS: readonly FindingStatus[] = ['baru', 'diverifikasi'];
/** Allowed workflow moves (docs/workspace.md). */
export const TRANSITIONS: Readonly<Record<FindingStatus, readonly FindingStatus[]>> = {
  baru: ['diverifikasi', 'ditolak'],
  diverifikasi: ['diteruskan', 'ditolak', 'baru'],
  diteruskan: ['ditindaklanjuti', 'ditolak'],
  ditindaklanjuti: [],
  ditolak: ['baru'],
};
const MAX_KNOWLEDGE_KEYS = 5000;

const iso = (v: Date | string): string => (v instanceof Date ? v : new Date(v)).toISOString();
const isoOrNull = (v: Date | string | null | undefined): string | null => (v === null || v === undefined ? null : iso(v));
const sha256Hex = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');
/** Long keys (URLs up to 8 KB) would not fit a btree index row: hashed past 400 characters. */
const indexable = (k: string | null): string | null => (k === null || k.length <= 400 ? k : `h:${sha256Hex(k)}`);

/** Deep copy with every string made storable and canonicalisable (no NUL, no lone surrogate). */
function cleanDeep(v: unknown): unknown {
  if (typeof v === 'string') return cleanText(v);
  if (Array.isArray(v)) return v.map(cleanDeep);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[cleanText(k)] = cleanDeep(x);
    return out;
  }
  if (typeof v === 'number' && !Number.isFinite(v)) return null;
  return v ?? null;
}

/** The bytes an audit entry's hash covers (docs/workspace.md): canonical JSON of these members. */
export function auditHashInput(e: Pick<AuditEntry, 'seq' | 'at' | 'actor' | 'role' | 'action' | 'target' | 'detail' | 'prevHash'>): string {
  return canonicalJson({
    seq: e.seq, at: e.at, actor: e.actor, role: e.role, action: e.action, target: e.target, detail: e.detail, prevHash: e.prevHash,
  });
}

interface EvRow {
  id: string; seq: number | string; version: number | string; monitor: string; received_at: Date | string;
  captured_at: Date | string; platform: string; kind: string; page_url: string; record_json: string;
}

interface Prepared {
  evidence_id: string; seq: number; version: number; monitor: string; received_at: string; captured_at: string;
  platform: string; kind: string; name: string | null; name_norm: string; nip: string | null; account_key: string | null;
  account_url: string | null; agency: string | null; unit_norm: string; violations: string[]; target_key: string;
  target_url: string | null; page_url: string;
}

/** What the register reads from one stored record (any field may be missing in an old row). */
export function prepareRecord(row: EvRow): Prepared {
  let rec: RecordLike & { subject?: Record<string, unknown> | null; violation?: { types?: unknown } | null } = {};
  try {
    const v = JSON.parse(row.record_json) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) rec = v as typeof rec;
  } catch { /* an unreadable record is filed on its own */ }
  const subject = rec.subject && typeof rec.subject === 'object' ? rec.subject : {};
  const platform = cleanText(row.platform).slice(0, 100);
  const kind = cleanText(row.kind).slice(0, 100);
  const target = targetOf(rec, platform, kind, row.id, row.page_url);
  const types = Array.isArray(rec.violation?.types) ? rec.violation.types : [];
  const violations = [...new Set(types.filter((t): t is string => typeof t === 'string').map((t) => cleanText(t).trim().slice(0, 100)).filter(Boolean))]
    .slice(0, 30).sort();
  const name = cleanOpt(subject.name, 500);
  const agency = cleanOpt(subject.agency, 500);
  return {
    evidence_id: row.id, seq: Number(row.seq), version: Number(row.version), monitor: cleanText(row.monitor),
    received_at: iso(row.received_at), captured_at: iso(row.captured_at), platform, kind,
    name, name_norm: normText(name), nip: nipOf(subject.nip), account_key: indexable(accountKeyOf(subject.accountUrl)),
    account_url: cleanOpt(subject.accountUrl, 8192), agency, unit_norm: normText(agency).slice(0, 200),
    violations, target_key: indexable(target.key)!, target_url: target.url === null ? null : target.url.slice(0, 8192),
    page_url: cleanText(row.page_url),
  };
}

const EV_COLUMNS = 'e.id, e.seq, e.version, e.monitor, e.received_at, e.captured_at, e.platform, e.kind, e.page_url, e.record_json';
const BATCH_COLS = `evidence_id text, seq bigint, version integer, monitor text, received_at timestamptz, captured_at timestamptz,
  platform text, kind text, name text, name_norm text, nip text, account_key text, account_url text, agency text,
  unit_norm text, violations text[], target_key text, target_url text, page_url text`;

interface SubjectRow {
  id: number | string; nip: string | null; merged_into: number | string | null; root_id: number | string;
  s_records: number; s_findings: number; s_open: number; s_first_at: Date | string | null; s_last_at: Date | string | null;
  s_next_first: Date | string | null; s_by_violation: string; s_monitors: string[]; s_name: string | null; s_nip: string | null;
  s_account_url: string | null; s_agency: string | null; account_url: string | null; name: string | null; agency: string | null;
  merged_from?: (number | string)[];
}

interface FindingRow {
  id: number | string; subject_id: number | string; target_key: string; platform: string; kind: string; target_url: string | null;
  status: FindingStatus; forwarded_to: Receiver | null; forwarded_on: string | null; letter_number: string | null;
  sanction: string | null; rejected_reason: string | null; updated_at: Date | string; merged_into: number | string | null;
  root_id: number | string; f_first_at: Date | string | null; f_violations: string[]; created_at: Date | string;
}

interface AuditRow {
  seq: number | string; at: string; actor: string; role: string; action: string; target: string; detail_json: string;
  prev_hash: string; hash: string; signature: string; key_id: string;
}

const SUBJECT_COLS = `s.id, s.nip, s.merged_into, s.root_id, s.s_records, s.s_findings, s.s_open, s.s_first_at, s.s_last_at,
  s.s_next_first, s.s_by_violation, s.s_monitors, s.s_name, s.s_nip, s.s_account_url, s.s_agency, s.account_url, s.name, s.agency`;

function auditFromRow(r: AuditRow): AuditEntry {
  return {
    seq: Number(r.seq), at: r.at, actor: r.actor, role: r.role as Role, action: r.action, target: r.target,
    detail: JSON.parse(r.detail_json) as Record<string, unknown>, prevHash: r.prev_hash, hash: r.hash, signature: r.signature, keyId: r.key_id,
  };
}

const ymd = /^(\d{4})-(\d{2})-(\d{2})$/;
function validDay(s: string): { year: number; month: number; day: number } | null {
  const m = ymd.exec(s);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day ? { year, month, day } : null;
}

function positiveId(v: unknown, code: string): number {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) throw new TeamError(422, code, `not an id: ${String(v)}`);
  return n;
}

const pageOf = (page: number, pageSize: number) => {
  const size = Math.min(500, Math.max(1, Math.floor(Number(pageSize) || 50)));
  const p = Math.max(1, Math.floor(Number(page) || 1));
  return { size, p, offset: (p - 1) * size };
};

export interface TeamRegisterOptions {
  now?: () => Date;
  /** the team's time zone: inbox day filters and reporting deadlines (default Asia/Jakarta, WIB) */
  timeZone?: string;
}

export class TeamRegister implements TeamApi {
  private readonly now: () => Date;
  private readonly timeZone: string;
  private verifyKey: Promise<CryptoKey> | null = null;

  constructor(
    private readonly db: SqlDriver,
    private readonly signer: Signer,
    opts: TeamRegisterOptions = {},
  ) {
    this.now = opts.now ?? (() => new Date());
    // an unknown zone falls back to WIB, as lib/cases/deadline.ts does
    this.timeZone = opts.timeZone && isKnownZone(opts.timeZone) ? opts.timeZone : 'Asia/Jakarta';
  }

  /**
   * Deadline of a finding first captured at `first`: the end of the 7th day after the day of the
   * capture, in the team's time zone, exactly lib/cases/deadline.ts's rule (the extension shows the
   * same). Computed from the zone's offset (cached per hour); if the offset differs at the two ends
   * (a DST change) the library computes it.
   */
  deadlineOf(first: string): string {
    const ms = Date.parse(first);
    const MIN = 60_000;
    const DAY = 86_400_000;
    const off = this.offsetAt(ms);
    const endWall = (Math.floor((ms + off * MIN) / DAY) + REPORT_DEADLINE_DAYS + 1) * DAY;
    const end = endWall - off * MIN;
    if (this.offsetAt(end) !== off || this.offsetAt(end - 1) !== off) return reportingDeadline(first, this.timeZone).deadlineAt;
    return new Date(end - 1).toISOString();
  }

  private readonly offsets = new Map<number, number>();
  private offsetAt(ms: number): number {
    const h = Math.floor(ms / 3_600_000);
    let o = this.offsets.get(h);
    if (o === undefined) {
      if (this.offsets.size > 50_000) this.offsets.clear();
      o = zoneOffsetMinutes(h * 3_600_000, this.timeZone);
      this.offsets.set(h, o);
    }
    return o;
  }

  // ---------------------------------------------------------------- filing

  async indexEvidence(evidenceId: string): Promise<void> {
    await this.db.transaction(async (q) => {
      await q(REGISTER_LOCK);
      const rows = await q<EvRow>(`SELECT ${EV_COLUMNS} FROM evidence e WHERE e.id = $1`, [evidenceId]);
      if (!rows[0]) throw new TeamError(404, 'evidence_not_found', 'no stored record with this id');
      await this.indexRows(q, rows);
    });
  }

  async backfill(): Promise<number> {
    let total = 0;
    let after = 0;
    for (;;) {
      const { n, last } = await this.db.transaction(async (q) => {
        await q(REGISTER_LOCK);
        const rows = await q<EvRow>(
          `SELECT ${EV_COLUMNS} FROM evidence e
           WHERE e.seq > $1 AND NOT EXISTS (SELECT 1 FROM team_records r WHERE r.evidence_id = e.id AND r.version = e.version)
           ORDER BY e.seq LIMIT $2`,
          [after, BACKFILL_BATCH],
        );
        // Summaries are brought up to date once at the end (set-based): the flag, set in the same
        // transaction, makes a backfill interrupted here finish that work the next time it runs.
        if (rows.length) await this.indexRows(q, rows, true);
        return { n: rows.length, last: rows.length ? Number(rows[rows.length - 1]!.seq) : after };
      });
      total += n;
      after = last;
      if (n < BACKFILL_BATCH) break;
    }
    await this.db.transaction(async (q) => {
      await q(REGISTER_LOCK);
      const stale = await q<{ key: string }>("SELECT key FROM team_state WHERE key = 'summaries_stale'");
      if (!stale.length) return;
      await this.refreshOwnSubjects(q, 'all');
      await this.refreshFindings(q, 'all');
      await this.refreshSubjects(q, 'all');
      await q("DELETE FROM team_state WHERE key = 'summaries_stale'");
    });
    return total;
  }

  /** Files rows (inside the caller's transaction, REGISTER_LOCK held). Unchanged rows are skipped. */
  private async indexRows(q: Q, rows: EvRow[], defer = false): Promise<number> {
    const ids = rows.map((r) => r.id);
    const existing = new Map(
      (await q<{ evidence_id: string; version: number | string; subject_id: number | string; finding_id: number | string; subject_root: number | string; finding_root: number | string }>(
        'SELECT evidence_id, version, subject_id, finding_id, subject_root, finding_root FROM team_records WHERE evidence_id = ANY($1)', [ids],
      )).map((r) => [r.evidence_id, r]),
    );
    const todo: Prepared[] = [];
    const oldSubjects = new Set<number>();
    const oldSubjectRoots = new Set<number>();
    const oldFindingRoots = new Set<number>();
    /** moved record -> its old finding, when that finding may follow it (it was its only witness) */
    const movable = new Map<string, number>();
    for (const r of rows) {
      const ex = existing.get(r.id);
      if (ex && Number(ex.version) === Number(r.version)) continue;
      todo.push(prepareRecord(r));
      if (ex) {
        // An amendment: file the record again (it may now have a NIP, another account or target).
        await q('DELETE FROM team_records WHERE evidence_id = $1', [r.id]);
        oldSubjects.add(Number(ex.subject_id));
        oldSubjectRoots.add(Number(ex.subject_root));
        oldFindingRoots.add(Number(ex.finding_root));
        const f = (await q<{ n: number | string; merged: boolean }>(
          `SELECT (SELECT count(*) FROM team_records WHERE finding_id = $1) AS n,
                  EXISTS (SELECT 1 FROM team_findings WHERE id = $1 AND merged_into IS NOT NULL)
                  OR EXISTS (SELECT 1 FROM team_findings WHERE merged_into = $1) AS merged`,
          [Number(ex.finding_id)],
        ))[0]!;
        if (Number(f.n) === 0 && !f.merged) movable.set(r.id, Number(ex.finding_id));
      }
    }
    if (todo.length === 0) return 0;
    const now = this.now().toISOString();
    await q(`CREATE TEMP TABLE team_batch (${BATCH_COLS}, subject_id bigint, finding_id bigint) ON COMMIT DROP`);
    await q(`INSERT INTO team_batch SELECT x.*, NULL::bigint, NULL::bigint FROM jsonb_to_recordset($1::jsonb) AS x(${BATCH_COLS})`, [JSON.stringify(todo)]);
    // 1. one subject per NIP
    await q(`INSERT INTO team_subjects (nip, created_at) SELECT DISTINCT nip, $1::timestamptz FROM team_batch WHERE nip IS NOT NULL
             ON CONFLICT (nip) DO NOTHING`, [now]);
    // 2. an account seen with a NIP is bound to that NIP's subject ("the NIP wins" over an account-only subject)
    await q(`INSERT INTO team_accounts (account_key, subject_id)
             SELECT DISTINCT ON (b.account_key) b.account_key, s.id FROM team_batch b JOIN team_subjects s ON s.nip = b.nip
             WHERE b.account_key IS NOT NULL ORDER BY b.account_key, b.captured_at, b.seq
             ON CONFLICT (account_key) DO UPDATE SET subject_id = EXCLUDED.subject_id
             WHERE (SELECT t.nip FROM team_subjects t WHERE t.id = team_accounts.subject_id) IS NULL`);
    // 3. an account not bound yet, on a record without NIP: an account-only subject
    await q(`INSERT INTO team_subjects (account_key, created_at)
             SELECT DISTINCT b.account_key, $1::timestamptz FROM team_batch b
             WHERE b.nip IS NULL AND b.account_key IS NOT NULL AND NOT EXISTS (SELECT 1 FROM team_accounts a WHERE a.account_key = b.account_key)
             ON CONFLICT (account_key) DO NOTHING`, [now]);
    await q(`INSERT INTO team_accounts (account_key, subject_id)
             SELECT s.account_key, s.id FROM team_subjects s WHERE s.account_key IN (SELECT account_key FROM team_batch WHERE nip IS NULL)
             ON CONFLICT (account_key) DO NOTHING`);
    // 4. neither NIP nor account: a subject of its own
    await q(`INSERT INTO team_subjects (solo_evidence, created_at)
             SELECT evidence_id, $1::timestamptz FROM team_batch WHERE nip IS NULL AND account_key IS NULL
             ON CONFLICT (solo_evidence) DO NOTHING`, [now]);
    await q(`UPDATE team_batch b SET subject_id = COALESCE(
               (SELECT s.id FROM team_subjects s WHERE s.nip = b.nip),
               (SELECT a.subject_id FROM team_accounts a WHERE b.nip IS NULL AND a.account_key = b.account_key),
               (SELECT s.id FROM team_subjects s WHERE b.nip IS NULL AND b.account_key IS NULL AND s.solo_evidence = b.evidence_id))`);
    // 5. an amended record that was its finding's only witness takes the finding (id, status) along
    for (const [evidenceId, findingId] of movable) {
      await q(`UPDATE team_findings f SET subject_id = b.subject_id, target_key = b.target_key, platform = b.platform, kind = b.kind,
                 target_url = b.target_url
               FROM team_batch b
               WHERE b.evidence_id = $1 AND f.id = $2
                 AND NOT EXISTS (SELECT 1 FROM team_findings o WHERE o.subject_id = b.subject_id AND o.target_key = b.target_key)`,
      [evidenceId, findingId]);
    }
    // 6. one finding per (subject, target)
    await q(`INSERT INTO team_findings (subject_id, target_key, platform, kind, target_url, created_at, updated_at)
             SELECT DISTINCT ON (subject_id, target_key) subject_id, target_key, platform, kind, target_url, $1::timestamptz, $1::timestamptz
             FROM team_batch ORDER BY subject_id, target_key, captured_at, seq
             ON CONFLICT (subject_id, target_key) DO NOTHING`, [now]);
    await q(`UPDATE team_batch b SET finding_id = f.id FROM team_findings f WHERE f.subject_id = b.subject_id AND f.target_key = b.target_key`);
    await q(`INSERT INTO team_records (evidence_id, seq, version, monitor, received_at, captured_at, platform, kind, name, nip,
               account_key, account_url, agency, unit_norm, violations, target_key, target_url, page_url, subject_id, finding_id,
               subject_root, finding_root, finding_status, name_norm)
             SELECT b.evidence_id, b.seq, b.version, b.monitor, b.received_at, b.captured_at, b.platform, b.kind, b.name, b.nip,
               b.account_key, b.account_url, b.agency, b.unit_norm, b.violations, b.target_key, b.target_url, b.page_url,
               b.subject_id, b.finding_id, s.root_id, f.root_id, fr.status, b.name_norm
             FROM team_batch b JOIN team_subjects s ON s.id = b.subject_id JOIN team_findings f ON f.id = b.finding_id
               JOIN team_findings fr ON fr.id = f.root_id`);
    await q(`INSERT INTO team_facets (kind, key, label)
             SELECT 'monitor', monitor, min(monitor) FROM team_batch GROUP BY monitor
             UNION ALL SELECT 'platform', platform, min(platform) FROM team_batch GROUP BY platform
             UNION ALL SELECT 'unit', unit_norm, min(agency) FROM team_batch WHERE unit_norm <> '' GROUP BY unit_norm
             ON CONFLICT (kind, key) DO NOTHING`);
    if (defer) {
      await q('DROP TABLE team_batch');
      await q("INSERT INTO team_state (key, value) VALUES ('summaries_stale', '1') ON CONFLICT (key) DO NOTHING");
      return todo.length;
    }
    const touched = await q<{ subject_id: number | string; subject_root: number | string; finding_root: number | string }>(
      'SELECT DISTINCT r.subject_id, r.subject_root, r.finding_root FROM team_records r JOIN team_batch b ON b.evidence_id = r.evidence_id');
    await q('DROP TABLE team_batch');
    const own = new Set(oldSubjects);
    const subjectRoots = new Set(oldSubjectRoots);
    const findingRoots = new Set(oldFindingRoots);
    for (const t of touched) {
      own.add(Number(t.subject_id));
      subjectRoots.add(Number(t.subject_root));
      findingRoots.add(Number(t.finding_root));
    }
    // every old finding a moved record left (its summary must drop it)
    for (const id of movable.values()) findingRoots.add(id);
    await this.refreshOwnSubjects(q, [...own]);
    await this.refreshFindings(q, [...findingRoots]);
    await this.refreshSubjects(q, [...subjectRoots]);
    return todo.length;
  }

  /** Each subject's own display fields (for the name/NIP search): from its latest own record. */
  private async refreshOwnSubjects(q: Q, ids: number[] | 'all'): Promise<void> {
    if (ids !== 'all' && !ids.length) return;
    const only = ids === 'all' ? '' : 'WHERE r.subject_id = ANY($1::bigint[])';
    await q(`UPDATE team_subjects s SET name = x.name, name_norm = COALESCE(x.name_norm, ''), account_url = x.account_url, agency = x.agency
             FROM (SELECT r.subject_id,
                     (array_agg(r.name ORDER BY r.captured_at DESC, r.seq DESC) FILTER (WHERE r.name IS NOT NULL))[1] AS name,
                     (array_agg(r.name_norm ORDER BY r.captured_at DESC, r.seq DESC) FILTER (WHERE r.name IS NOT NULL))[1] AS name_norm,
                     (array_agg(r.account_url ORDER BY r.captured_at DESC, r.seq DESC) FILTER (WHERE r.account_url IS NOT NULL))[1] AS account_url,
                     (array_agg(r.agency ORDER BY r.captured_at DESC, r.seq DESC) FILTER (WHERE r.agency IS NOT NULL))[1] AS agency
                   FROM team_records r ${only} GROUP BY r.subject_id) x
             WHERE s.id = x.subject_id`, ids === 'all' ? [] : [ids]);
  }

  /** Summary of finding roots (first capture, witnesses, violations); 'all': every finding. */
  private async refreshFindings(q: Q, roots: number[] | 'all'): Promise<void> {
    if (roots !== 'all' && !roots.length) return;
    const k = roots === 'all' ? 'SELECT id FROM team_findings' : 'SELECT unnest($1::bigint[]) AS id';
    const only = roots === 'all' ? '' : 'WHERE r.finding_root = ANY($1::bigint[])';
    await q(`UPDATE team_findings f SET f_first_at = a.first_at, f_records = COALESCE(a.records, 0), f_monitors = COALESCE(a.monitors, 0),
               f_violations = COALESCE(v.vs, '{}')
             FROM (${k}) k
             LEFT JOIN (SELECT r.finding_root, min(r.captured_at) AS first_at, count(*)::int AS records, count(DISTINCT r.monitor)::int AS monitors
                        FROM team_records r ${only} GROUP BY r.finding_root) a ON a.finding_root = k.id
             LEFT JOIN (SELECT r.finding_root, array_agg(DISTINCT v ORDER BY v) AS vs
                        FROM team_records r CROSS JOIN LATERAL unnest(r.violations) AS v ${only} GROUP BY r.finding_root) v ON v.finding_root = k.id
             WHERE f.id = k.id`, roots === 'all' ? [] : [roots]);
  }

  /** Summary of subject roots (the register's line): counts, dates, monitors, open findings, display fields. */
  private async refreshSubjects(q: Q, roots: number[] | 'all'): Promise<void> {
    if (roots !== 'all' && !roots.length) return;
    const k = roots === 'all' ? 'SELECT id AS root FROM team_subjects' : 'SELECT unnest($1::bigint[]) AS root';
    const only = roots === 'all' ? '' : 'WHERE r.subject_root = ANY($1::bigint[])';
    const first = (col: string) =>
      `(array_agg(r.${col} ORDER BY r.subject_id = r.subject_root DESC, r.captured_at DESC, r.seq DESC) FILTER (WHERE r.${col} IS NOT NULL))[1]`;
    await q(`UPDATE team_subjects s SET
               s_records = COALESCE(a.records, 0), s_findings = COALESCE(a.findings, 0), s_first_at = a.first_at, s_last_at = a.last_at,
               s_monitors = COALESCE(a.monitors, '{}'), s_name = a.name, s_nip = a.nip, s_account_url = a.account_url, s_agency = a.agency,
               s_open = COALESCE(o.open, 0), s_next_first = o.next_first, s_by_violation = COALESCE(v.byv, '{}')
             FROM (${k}) k
             LEFT JOIN (
               SELECT r.subject_root, count(*)::int AS records, count(DISTINCT r.finding_root)::int AS findings,
                 min(r.captured_at) AS first_at, max(r.captured_at) AS last_at,
                 array_agg(DISTINCT r.monitor ORDER BY r.monitor) AS monitors,
                 ${first('name')} AS name, ${first('nip')} AS nip, ${first('account_url')} AS account_url, ${first('agency')} AS agency
               FROM team_records r ${only} GROUP BY r.subject_root) a ON a.subject_root = k.root
             LEFT JOIN (
               SELECT x.subject_root, count(*)::int AS open,
                 min(f.f_first_at) FILTER (WHERE f.status IN ('baru', 'diverifikasi')) AS next_first
               FROM (SELECT DISTINCT r.subject_root, r.finding_root FROM team_records r ${only}) x
               JOIN team_findings f ON f.id = x.finding_root
               WHERE f.status IN ('baru', 'diverifikasi', 'diteruskan')
               GROUP BY x.subject_root) o ON o.subject_root = k.root
             LEFT JOIN (
               SELECT z.subject_root, json_object_agg(z.v, z.n ORDER BY z.v)::text AS byv
               FROM (SELECT r.subject_root, v, count(DISTINCT r.finding_root)::int AS n
                     FROM team_records r CROSS JOIN LATERAL unnest(r.violations) AS v ${only} GROUP BY r.subject_root, v) z
               GROUP BY z.subject_root) v ON v.subject_root = k.root
             WHERE s.id = k.root`, roots === 'all' ? [] : [roots]);
  }

  // ---------------------------------------------------------------- reading

  /** WHERE clause of the inbox over team_records r (parameters appended to `params`). */
  private async inboxWhere(filter: InboxFilter, params: unknown[]): Promise<string> {
    const w: string[] = [];
    const add = (v: unknown) => { params.push(v); return `$${params.length}`; };
    const t = (v: unknown) => (typeof v === 'string' ? cleanText(v).trim() : '');
    const from = t(filter.from);
    const to = t(filter.to);
    if (from) {
      const d = validDay(from);
      if (!d) throw new TeamError(422, 'invalid_filter', 'from must be a day (YYYY-MM-DD)');
      w.push(`r.captured_at >= ${add(new Date(startOfLocalDay(d, this.timeZone)).toISOString())}`);
    }
    if (to) {
      const d = validDay(to);
      if (!d) throw new TeamError(422, 'invalid_filter', 'to must be a day (YYYY-MM-DD)');
      w.push(`r.captured_at < ${add(new Date(startOfLocalDay({ ...d, day: d.day + 1 }, this.timeZone)).toISOString())}`);
    }
    if (t(filter.monitor)) w.push(`r.monitor = ${add(t(filter.monitor))}`);
    const unit = normText(t(filter.unit));
    if (unit) {
      // the few unit spellings that contain the text, looked up first so the record index is used
      const keys = (await this.db.query<{ key: string }>("SELECT key FROM team_facets WHERE kind = 'unit' AND key LIKE $1", [`%${unit}%`])).map((k) => k.key);
      w.push(keys.length === 1 ? `r.unit_norm = ${add(keys[0])}` : `r.unit_norm = ANY(${add(keys)}::text[])`);
    }
    if (t(filter.platform)) w.push(`r.platform = ${add(t(filter.platform))}`);
    if (t(filter.violation)) w.push(`r.violations @> ARRAY[${add(t(filter.violation))}]::text[]`);
    if (filter.status !== undefined && t(filter.status)) {
      if (!FINDING_STATUSES.includes(t(filter.status) as FindingStatus)) throw new TeamError(422, 'invalid_filter', 'unknown status');
      w.push(`r.finding_status = ${add(t(filter.status))}`);
    }
    const sq = this.subjectSearch(t(filter.q), add);
    if (sq) w.push(`r.subject_root IN (${sq})`);
    if (filter.subjectId !== undefined && filter.subjectId !== null) {
      w.push(`r.subject_root = (SELECT root_id FROM team_subjects WHERE id = ${add(positiveId(filter.subjectId, 'invalid_filter'))})`);
    }
    if (filter.findingId !== undefined && filter.findingId !== null) {
      w.push(`r.finding_root = (SELECT root_id FROM team_findings WHERE id = ${add(positiveId(filter.findingId, 'invalid_filter'))})`);
    }
    return w.length ? `WHERE ${w.join(' AND ')}` : '';
  }

  /**
   * Subject roots matching a name (contains, case/accent-insensitive) or a NIP (digits: prefix),
   * over every subject of a merged entry. Null when q is empty.
   */
  private subjectSearch(q: string, add: (v: unknown) => string): string | null {
    const digits = q.replace(/[\s.\-]/g, '');
    if (/^\d+$/.test(digits)) return `SELECT root_id FROM team_subjects WHERE nip LIKE ${add(`${digits}%`)}`;
    const n = normText(q);
    if (!n) return null;
    return `SELECT root_id FROM team_subjects WHERE name_norm LIKE ${add(`%${n}%`)}`;
  }

  /** The inbox SQL (also run bare by bench/workspace.ts). */
  async inboxSql(filter: InboxFilter, page: number, pageSize: number): Promise<{ items: string; count: string; params: unknown[]; countParams: unknown[] }> {
    const params: unknown[] = [];
    const where = await this.inboxWhere(filter, params);
    const countParams = [...params];
    const { size, offset } = pageOf(page, pageSize);
    params.push(size, offset);
    return {
      items: `SELECT r.evidence_id, r.monitor, r.received_at, r.captured_at, r.platform, r.kind, r.subject_root, r.name, r.nip, r.agency,
                r.violations, r.finding_root, r.finding_status, f.f_monitors, r.page_url, r.version
              FROM team_records r JOIN team_findings f ON f.id = r.finding_root
              ${where} ORDER BY r.received_at DESC, r.seq DESC LIMIT $${params.length - 1} OFFSET $${params.length}`,
      count: `SELECT count(*) AS n FROM team_records r ${where}`,
      params,
      countParams,
    };
  }

  async inbox(filter: InboxFilter, page: number, pageSize: number): Promise<Page<InboxItem>> {
    const sql = await this.inboxSql(filter, page, pageSize);
    const { size, p } = pageOf(page, pageSize);
    const rows = await this.db.query<{
      evidence_id: string; monitor: string; received_at: Date | string; captured_at: Date | string; platform: string; kind: string;
      subject_root: number | string; name: string | null; nip: string | null; agency: string | null; violations: string[];
      finding_root: number | string; finding_status: FindingStatus; f_monitors: number | string; page_url: string; version: number | string;
    }>(sql.items, sql.params);
    const total = rows.length < size && (p === 1 || rows.length > 0)
      ? (p - 1) * size + rows.length
      : Number((await this.db.query<{ n: number | string }>(sql.count, sql.countParams))[0]?.n ?? 0);
    return {
      items: rows.map((r) => ({
        id: r.evidence_id, monitor: r.monitor, receivedAt: iso(r.received_at), capturedAt: iso(r.captured_at), platform: r.platform,
        kind: r.kind, subjectId: Number(r.subject_root), subjectName: r.name, nip: r.nip, agency: r.agency, violations: r.violations,
        findingId: Number(r.finding_root), findingStatus: r.finding_status, witnesses: Number(r.f_monitors), pageUrl: r.page_url,
        version: Number(r.version),
      })),
      total, page: p, pageSize: size,
    };
  }

  async facets(): Promise<{ monitors: string[]; platforms: string[]; units: string[] }> {
    const rows = await this.db.query<{ kind: string; label: string }>('SELECT kind, label FROM team_facets ORDER BY kind, key', []);
    const of = (k: string) => rows.filter((r) => r.kind === k).map((r) => r.label);
    return { monitors: of('monitor'), platforms: of('platform'), units: of('unit') };
  }

  /** The register SQL (also run bare by bench/workspace.ts). */
  subjectsSql(filter: { q?: string; openOnly?: boolean }, page: number, pageSize: number): { items: string; count: string; params: unknown[]; countParams: unknown[] } {
    const params: unknown[] = [];
    const add = (v: unknown) => { params.push(v); return `$${params.length}`; };
    const w = ['s.merged_into IS NULL', filter.openOnly ? 's.s_open > 0' : 's.s_records > 0'];
    const sq = this.subjectSearch(typeof filter.q === 'string' ? cleanText(filter.q).trim() : '', add);
    if (sq) w.push(`s.id IN (${sq})`);
    const countParams = [...params];
    const { size, offset } = pageOf(page, pageSize);
    params.push(size, offset);
    return {
      items: `SELECT ${SUBJECT_COLS}, ARRAY(SELECT m.id FROM team_subjects m WHERE m.merged_into = s.id ORDER BY m.id) AS merged_from
              FROM team_subjects s WHERE ${w.join(' AND ')}
              ORDER BY s.s_last_at DESC, s.id DESC LIMIT $${params.length - 1} OFFSET $${params.length}`,
      count: `SELECT count(*) AS n FROM team_subjects s WHERE ${w.join(' AND ')}`,
      params, countParams,
    };
  }

  async subjects(filter: { q?: string; openOnly?: boolean }, page: number, pageSize: number): Promise<Page<SubjectSummary>> {
    const sql = this.subjectsSql(filter, page, pageSize);
    const { size, p } = pageOf(page, pageSize);
    const rows = await this.db.query<SubjectRow>(sql.items, sql.params);
    const total = rows.length < size && (p === 1 || rows.length > 0)
      ? (p - 1) * size + rows.length
      : Number((await this.db.query<{ n: number | string }>(sql.count, sql.countParams))[0]?.n ?? 0);
    return { items: await this.summaries((s, pp) => this.db.query(s, pp), rows), total, page: p, pageSize: size };
  }

  private async summaries(q: Q, rows: SubjectRow[]): Promise<SubjectSummary[]> {
    if (!rows.length) return [];
    const need = rows.filter((r) => r.merged_from === undefined).map((r) => Number(r.id));
    const merged = need.length === 0 ? [] : await q<{ merged_into: number | string; id: number | string }>(
      'SELECT merged_into, id FROM team_subjects WHERE merged_into = ANY($1::bigint[]) ORDER BY id', [need]);
    return rows.map((r) => {
      const first = isoOrNull(r.s_first_at);
      const next = isoOrNull(r.s_next_first);
      return {
        id: Number(r.id),
        name: r.s_name ?? r.name,
        nip: r.s_nip ?? r.nip,
        accountUrl: r.s_account_url ?? r.account_url,
        agency: r.s_agency ?? r.agency,
        findings: Number(r.s_findings),
        records: Number(r.s_records),
        firstAt: first ?? '',
        lastAt: isoOrNull(r.s_last_at) ?? '',
        byViolation: JSON.parse(r.s_by_violation) as Record<string, number>,
        monitors: r.s_monitors,
        open: Number(r.s_open),
        nextDeadline: next === null ? null : this.deadlineOf(next),
        mergedFrom: r.merged_from !== undefined
          ? r.merged_from.map(Number)
          : merged.filter((m) => Number(m.merged_into) === Number(r.id)).map((m) => Number(m.id)),
      };
    });
  }

  async subject(id: number): Promise<SubjectDetail | null> {
    const q: Q = (s, p) => this.db.query(s, p);
    const sid = Number(id);
    if (!Number.isSafeInteger(sid) || sid < 1) return null;
    const rows = await q<SubjectRow>(`SELECT ${SUBJECT_COLS} FROM team_subjects s WHERE s.id = (SELECT root_id FROM team_subjects WHERE id = $1)`, [sid]);
    if (!rows[0]) return null;
    const [subject] = await this.summaries(q, rows);
    const fids = (await q<{ finding_root: number | string }>(
      'SELECT DISTINCT finding_root FROM team_records WHERE subject_root = $1', [Number(rows[0].id)])).map((r) => Number(r.finding_root));
    const findings = await this.loadFindings(q, fids);
    findings.sort((a, b) => (a.firstCapturedAt < b.firstCapturedAt ? 1 : a.firstCapturedAt > b.firstCapturedAt ? -1 : b.id - a.id));
    return { subject: subject!, findings };
  }

  private async loadFindings(q: Q, ids: number[]): Promise<Finding[]> {
    if (!ids.length) return [];
    const rows = await q<FindingRow & { subject_root: number | string }>(
      `SELECT f.*, s.root_id AS subject_root FROM team_findings f JOIN team_subjects s ON s.id = f.subject_id WHERE f.id = ANY($1::bigint[])`, [ids]);
    const wit = await q<{ finding_root: number | string; evidence_id: string; monitor: string; captured_at: Date | string; received_at: Date | string }>(
      `SELECT finding_root, evidence_id, monitor, captured_at, received_at FROM team_records WHERE finding_root = ANY($1::bigint[])
       ORDER BY captured_at, seq`, [ids]);
    const merged = await q<{ merged_into: number | string; id: number | string }>(
      'SELECT merged_into, id FROM team_findings WHERE merged_into = ANY($1::bigint[]) ORDER BY id', [ids]);
    return rows.map((f) => {
      const id = Number(f.id);
      const witnesses: Witness[] = wit.filter((w) => Number(w.finding_root) === id)
        .map((w) => ({ evidenceId: w.evidence_id, monitor: w.monitor, capturedAt: iso(w.captured_at), receivedAt: iso(w.received_at) }));
      const first = isoOrNull(f.f_first_at) ?? witnesses[0]?.capturedAt ?? iso(f.created_at);
      return {
        id, subjectId: Number(f.subject_root), targetKey: f.target_key, platform: f.platform, kind: f.kind, targetUrl: f.target_url,
        violations: f.f_violations, status: f.status, firstCapturedAt: first,
        deadline: DEADLINE_RUNS.includes(f.status) ? this.deadlineOf(first) : null,
        forwardedTo: f.forwarded_to, forwardedOn: f.forwarded_on, letterNumber: f.letter_number, sanction: f.sanction,
        rejectedReason: f.rejected_reason, updatedAt: iso(f.updated_at), witnesses,
        mergedFrom: merged.filter((m) => Number(m.merged_into) === id).map((m) => Number(m.id)),
      };
    });
  }

  /** A finding, following merges (a merged finding's id gives the finding it was merged into). */
  async finding(id: number): Promise<Finding | null> {
    const fid = Number(id);
    if (!Number.isSafeInteger(fid) || fid < 1) return null;
    const q: Q = (s, p) => this.db.query(s, p);
    const root = (await q<{ root_id: number | string }>('SELECT root_id FROM team_findings WHERE id = $1', [fid]))[0];
    if (!root) return null;
    return (await this.loadFindings(q, [Number(root.root_id)]))[0] ?? null;
  }

  async findingOf(evidenceId: string): Promise<Finding | null> {
    const r = (await this.db.query<{ finding_root: number | string }>('SELECT finding_root FROM team_records WHERE evidence_id = $1', [evidenceId]))[0];
    return r ? this.finding(Number(r.finding_root)) : null;
  }

  async evidenceIdsOfSubject(id: number): Promise<string[]> {
    return (await this.db.query<{ evidence_id: string }>(
      `SELECT evidence_id FROM team_records WHERE subject_root = (SELECT root_id FROM team_subjects WHERE id = $1)
       ORDER BY captured_at, seq`, [Number(id)])).map((r) => r.evidence_id);
  }

  async evidenceIds(filter: InboxFilter, limit: number): Promise<string[]> {
    const params: unknown[] = [];
    const where = await this.inboxWhere(filter, params);
    params.push(Math.max(0, Math.floor(Number(limit) || 0)));
    return (await this.db.query<{ evidence_id: string }>(
      `SELECT r.evidence_id FROM team_records r ${where} ORDER BY r.captured_at, r.seq LIMIT $${params.length}`, params)).map((r) => r.evidence_id);
  }

  async knowledge(keys: { nips: string[]; accounts: string[] }): Promise<TeamKnowledge[]> {
    const nips = Array.isArray(keys.nips) ? keys.nips : [];
    const accounts = Array.isArray(keys.accounts) ? keys.accounts : [];
    if (nips.length + accounts.length > MAX_KNOWLEDGE_KEYS) throw new TeamError(422, 'too_many_keys', `at most ${MAX_KNOWLEDGE_KEYS} keys`);
    const asked: { key: string; kind: 'nip' | 'account'; norm: string | null }[] = [
      ...nips.map((k) => ({ key: String(k), kind: 'nip' as const, norm: nipOf(String(k)) })),
      ...accounts.map((k) => ({ key: String(k), kind: 'account' as const, norm: indexable(accountKeyOf(String(k))) })),
    ];
    const nipList = [...new Set(asked.filter((a) => a.kind === 'nip' && a.norm).map((a) => a.norm!))];
    const accList = [...new Set(asked.filter((a) => a.kind === 'account' && a.norm).map((a) => a.norm!))];
    // Every register entry a NIP or account was seen on (an account may appear under a NIP entry
    // and an account-only one until a coordinator merges them); counts of findings only.
    const rows = nipList.length + accList.length === 0 ? [] : await this.db.query<{
      kind: string; key: string; findings: number | string; open: number | string; last_at: Date | string | null;
    }>(
      `WITH seen AS (
         SELECT DISTINCT 'nip' AS kind, nip AS key, subject_root FROM team_records WHERE nip = ANY($1::text[])
         UNION SELECT DISTINCT 'account', account_key, subject_root FROM team_records WHERE account_key = ANY($2::text[]))
       SELECT seen.kind, seen.key, sum(s.s_findings) AS findings, sum(s.s_open) AS open, max(s.s_last_at) AS last_at
       FROM seen JOIN team_subjects s ON s.id = seen.subject_root GROUP BY seen.kind, seen.key`,
      [nipList, accList],
    );
    const by = new Map(rows.map((r) => [`${r.kind}:${r.key}`, r]));
    return asked.map((a) => {
      const r = a.norm ? by.get(`${a.kind}:${a.norm}`) : undefined;
      return { key: a.key, findings: Number(r?.findings ?? 0), open: Number(r?.open ?? 0), lastAt: isoOrNull(r?.last_at ?? null) };
    });
  }

  // ---------------------------------------------------------------- changes

  async changeStatus(findingId: number, change: StatusChange, actor: Actor): Promise<Finding> {
    const id = positiveId(findingId, 'invalid_id');
    const c = (change ?? {}) as Partial<Record<string, unknown>> & { to?: unknown };
    if (typeof c.to !== 'string' || !FINDING_STATUSES.includes(c.to as FindingStatus)) {
      throw new TeamError(422, 'invalid_status', 'unknown status');
    }
    const to = c.to as FindingStatus;
    const text = (k: string, max: number) => cleanOpt(c[k], max);
    const note = text('note', 2000);
    const set: Record<string, unknown> = {};
    const detail: Record<string, unknown> = {};
    if (to === 'diteruskan') {
      const receiver = c.receiver;
      if (typeof receiver !== 'string' || !RECEIVERS.includes(receiver as Receiver)) throw new TeamError(422, 'invalid_receiver', 'receiver must be bawaslu, bkn, ppk or inspektorat');
      const on = typeof c.on === 'string' ? c.on.trim() : '';
      if (!validDay(on)) throw new TeamError(422, 'invalid_date', 'the forwarding date must be a day (YYYY-MM-DD)');
      const letter = text('letterNumber', 200);
      if (!letter) throw new TeamError(422, 'missing_letter_number', 'the letter number is required');
      Object.assign(set, { forwarded_to: receiver, forwarded_on: on, letter_number: letter });
      Object.assign(detail, { receiver, on, letterNumber: letter });
    } else if (to === 'ditindaklanjuti') {
      const sanction = text('sanction', 4000);
      if (!sanction) throw new TeamError(422, 'missing_sanction', 'the sanction is required');
      set.sanction = sanction;
      detail.sanction = sanction;
    } else if (to === 'ditolak') {
      const reason = text('reason', 4000);
      if (!reason) throw new TeamError(422, 'missing_reason', 'the reason is required');
      set.rejected_reason = reason;
      detail.reason = reason;
    } else if (to === 'baru') {
      // reopened: what the earlier steps recorded stays in the audit log
      Object.assign(set, { forwarded_to: null, forwarded_on: null, letter_number: null, sanction: null, rejected_reason: null });
    }
    if (note) detail.note = note;
    const root = await this.db.transaction(async (q) => {
      await q(REGISTER_LOCK);
      const f = (await q<FindingRow>('SELECT * FROM team_findings WHERE id = (SELECT root_id FROM team_findings WHERE id = $1) FOR UPDATE', [id]))[0];
      if (!f) throw new TeamError(404, 'finding_not_found', 'no such finding');
      if (!TRANSITIONS[f.status].includes(to)) {
        throw new TeamError(409, 'invalid_transition', `a finding "${f.status}" cannot become "${to}"`);
      }
      const rootId = Number(f.id);
      const cols = Object.keys(set);
      const params: unknown[] = [rootId, to, this.now().toISOString(), ...cols.map((k) => set[k])];
      await q(`UPDATE team_findings SET status = $2, updated_at = $3${cols.map((k, i) => `, ${k} = $${i + 4}`).join('')} WHERE id = $1`, params);
      await q('UPDATE team_records SET finding_status = $2 WHERE finding_root = $1', [rootId, to]);
      const sr = (await q<{ root_id: number | string }>('SELECT root_id FROM team_subjects WHERE id = $1', [Number(f.subject_id)]))[0]!;
      await this.refreshSubjects(q, [Number(sr.root_id)]);
      await this.appendAudit(q, actor, 'finding.status', `finding:${rootId}`, { from: f.status, to, ...detail });
      return rootId;
    });
    return (await this.finding(root))!;
  }

  async mergeSubjects(fromId: number, intoId: number, actor: Actor): Promise<SubjectDetail> {
    const from = positiveId(fromId, 'invalid_id');
    const into = positiveId(intoId, 'invalid_id');
    const root = await this.db.transaction(async (q) => {
      await q(REGISTER_LOCK);
      const rows = await q<{ id: number | string; merged_into: number | string | null; root_id: number | string }>(
        'SELECT id, merged_into, root_id FROM team_subjects WHERE id = ANY($1::bigint[]) FOR UPDATE', [[from, into]]);
      const a = rows.find((r) => Number(r.id) === from);
      const b = rows.find((r) => Number(r.id) === into);
      if (!a || !b) throw new TeamError(404, 'subject_not_found', 'no such register entry');
      if (a.merged_into !== null) throw new TeamError(409, 'already_merged', `entry ${from} is already merged into ${Number(a.merged_into)}`);
      const target = Number(b.root_id);
      if (target === from) throw new TeamError(409, 'same_subject', 'an entry cannot be merged into itself');
      await q('UPDATE team_subjects SET merged_into = $2 WHERE id = $1', [from, target]);
      await q('UPDATE team_subjects SET root_id = $2 WHERE root_id = $1', [from, target]);
      await q('UPDATE team_records SET subject_root = $2 WHERE subject_root = $1', [from, target]);
      await this.refreshSubjects(q, [target, from]);
      await this.appendAudit(q, actor, 'subject.merge', `subject:${target}`, { from, into: target });
      return target;
    });
    return (await this.subject(root))!;
  }

  async splitSubject(id: number, actor: Actor): Promise<SubjectDetail> {
    const sid = positiveId(id, 'invalid_id');
    await this.db.transaction(async (q) => {
      await q(REGISTER_LOCK);
      const s = (await q<{ merged_into: number | string | null; root_id: number | string }>(
        'SELECT merged_into, root_id FROM team_subjects WHERE id = $1 FOR UPDATE', [sid]))[0];
      if (!s) throw new TeamError(404, 'subject_not_found', 'no such register entry');
      if (s.merged_into === null) throw new TeamError(409, 'not_merged', 'this entry was not merged into another');
      const tree = (await q<{ id: number | string }>(
        `WITH RECURSIVE t AS (SELECT id FROM team_subjects WHERE id = $1
           UNION ALL SELECT c.id FROM team_subjects c JOIN t ON c.merged_into = t.id) SELECT id FROM t`, [sid])).map((r) => Number(r.id));
      const across = await q<{ id: number | string; merged_into: number | string }>(
        `SELECT f.id, f.merged_into FROM team_findings f JOIN team_findings p ON p.id = f.merged_into
         WHERE (f.subject_id = ANY($1::bigint[])) <> (p.subject_id = ANY($1::bigint[])) LIMIT 1`, [tree]);
      if (across[0]) {
        throw new TeamError(409, 'findings_merged_across',
          `finding ${Number(across[0].id)} is merged into finding ${Number(across[0].merged_into)} across the two entries: split that finding first`);
      }
      const oldRoot = Number(s.root_id);
      await q('UPDATE team_subjects SET merged_into = NULL WHERE id = $1', [sid]);
      await q('UPDATE team_subjects SET root_id = $1 WHERE id = ANY($2::bigint[])', [sid, tree]);
      await q('UPDATE team_records SET subject_root = $1 WHERE subject_id = ANY($2::bigint[])', [sid, tree]);
      await this.refreshSubjects(q, [oldRoot, sid]);
      await this.appendAudit(q, actor, 'subject.split', `subject:${sid}`, { id: sid, from: Number(s.merged_into), root: oldRoot });
    });
    return (await this.subject(sid))!;
  }

  async mergeFindings(fromId: number, intoId: number, actor: Actor): Promise<Finding> {
    const from = positiveId(fromId, 'invalid_id');
    const into = positiveId(intoId, 'invalid_id');
    const root = await this.db.transaction(async (q) => {
      await q(REGISTER_LOCK);
      const rows = await q<{ id: number | string; merged_into: number | string | null; root_id: number | string; subject_id: number | string; status: FindingStatus }>(
        'SELECT id, merged_into, root_id, subject_id, status FROM team_findings WHERE id = ANY($1::bigint[]) FOR UPDATE', [[from, into]]);
      const a = rows.find((r) => Number(r.id) === from);
      const b = rows.find((r) => Number(r.id) === into);
      if (!a || !b) throw new TeamError(404, 'finding_not_found', 'no such finding');
      if (a.merged_into !== null) throw new TeamError(409, 'already_merged', `finding ${from} is already merged into ${Number(a.merged_into)}`);
      const target = Number(b.root_id);
      if (target === from) throw new TeamError(409, 'same_finding', 'a finding cannot be merged into itself');
      const t = (await q<{ status: FindingStatus; subject_id: number | string }>('SELECT status, subject_id FROM team_findings WHERE id = $1', [target]))[0]!;
      const roots = await q<{ id: number | string; root_id: number | string }>(
        'SELECT id, root_id FROM team_subjects WHERE id = ANY($1::bigint[])', [[Number(a.subject_id), Number(t.subject_id)]]);
      const ra = Number(roots.find((r) => Number(r.id) === Number(a.subject_id))!.root_id);
      const rb = Number(roots.find((r) => Number(r.id) === Number(t.subject_id))!.root_id);
      if (ra !== rb) throw new TeamError(409, 'different_subjects', 'the two findings are about different register entries: merge the entries first');
      await q('UPDATE team_findings SET merged_into = $2 WHERE id = $1', [from, target]);
      await q('UPDATE team_findings SET root_id = $2 WHERE root_id = $1', [from, target]);
      await q('UPDATE team_records SET finding_root = $2, finding_status = $3 WHERE finding_root = $1', [from, target, t.status]);
      await this.refreshFindings(q, [target, from]);
      await this.refreshSubjects(q, [ra]);
      await this.appendAudit(q, actor, 'finding.merge', `finding:${target}`, { from, into: target, fromStatus: a.status, intoStatus: t.status });
      return target;
    });
    return (await this.finding(root))!;
  }

  async splitFinding(id: number, actor: Actor): Promise<Finding> {
    const fid = positiveId(id, 'invalid_id');
    await this.db.transaction(async (q) => {
      await q(REGISTER_LOCK);
      const f = (await q<{ merged_into: number | string | null; root_id: number | string; status: FindingStatus; subject_id: number | string }>(
        'SELECT merged_into, root_id, status, subject_id FROM team_findings WHERE id = $1 FOR UPDATE', [fid]))[0];
      if (!f) throw new TeamError(404, 'finding_not_found', 'no such finding');
      if (f.merged_into === null) throw new TeamError(409, 'not_merged', 'this finding was not merged into another');
      const tree = (await q<{ id: number | string }>(
        `WITH RECURSIVE t AS (SELECT id FROM team_findings WHERE id = $1
           UNION ALL SELECT c.id FROM team_findings c JOIN t ON c.merged_into = t.id) SELECT id FROM t`, [fid])).map((r) => Number(r.id));
      const oldRoot = Number(f.root_id);
      await q('UPDATE team_findings SET merged_into = NULL WHERE id = $1', [fid]);
      await q('UPDATE team_findings SET root_id = $1 WHERE id = ANY($2::bigint[])', [fid, tree]);
      await q('UPDATE team_records SET finding_root = $1, finding_status = $3 WHERE finding_id = ANY($2::bigint[])', [fid, tree, f.status]);
      await this.refreshFindings(q, [oldRoot, fid]);
      const sr = (await q<{ root_id: number | string }>('SELECT root_id FROM team_subjects WHERE id = $1', [Number(f.subject_id)]))[0]!;
      await this.refreshSubjects(q, [Number(sr.root_id)]);
      await this.appendAudit(q, actor, 'finding.split', `finding:${fid}`, { id: fid, from: Number(f.merged_into), root: oldRoot });
    });
    return (await this.finding(fid))!;
  }

  // ---------------------------------------------------------------- audit log

  async audit(actor: Actor, action: string, target: string, detail: Record<string, unknown>): Promise<AuditEntry> {
    return this.db.transaction((q) => this.appendAudit(q, actor, action, target, detail));
  }

  /**
   * Appends one entry inside a transaction the caller already holds (`db.transaction`'s query
   * function), so a change elsewhere (a token revoked, a key approved) and its audit entry commit
   * or roll back together. Take no other advisory lock after this one in that transaction.
   */
  auditInTransaction(q: Q, actor: Actor, action: string, target: string, detail: Record<string, unknown>): Promise<AuditEntry> {
    return this.appendAudit(q, actor, action, target, detail);
  }

  /**
   * Appends one entry inside the caller's transaction. The advisory lock serialises appends across
   * processes until commit, so seq and prevHash are read after the previous append committed.
   */
  private async appendAudit(q: Q, actor: Actor, action: string, target: string, detail: Record<string, unknown>): Promise<AuditEntry> {
    await q(AUDIT_LOCK);
    const last = (await q<{ seq: number | string; hash: string }>('SELECT seq, hash FROM team_audit ORDER BY seq DESC LIMIT 1'))[0];
    const body = {
      seq: last ? Number(last.seq) + 1 : 1,
      at: this.now().toISOString(),
      actor: cleanText(String(actor?.name ?? '')).slice(0, 500),
      role: cleanText(String(actor?.role ?? '')) as Role,
      action: cleanText(String(action)).slice(0, 200),
      target: cleanText(String(target)).slice(0, 500),
      detail: (cleanDeep(detail ?? {}) ?? {}) as Record<string, unknown>,
      prevHash: last ? last.hash : AUDIT_GENESIS,
    };
    const hash = sha256Hex(auditHashInput(body));
    const signature = await signText(this.signer, hash);
    await q(
      `INSERT INTO team_audit (seq, at, actor, role, action, target, detail_json, prev_hash, hash, signature, key_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [body.seq, body.at, body.actor, body.role, body.action, body.target, canonicalJson(body.detail), body.prevHash, hash, signature, this.signer.keyId],
    );
    return { ...body, hash, signature, keyId: this.signer.keyId };
  }

  async auditLog(filter: { target?: string }, page: number, pageSize: number): Promise<Page<AuditEntry>> {
    const { size, p, offset } = pageOf(page, pageSize);
    const target = typeof filter?.target === 'string' && filter.target.trim() ? cleanText(filter.target.trim()) : null;
    const where = target === null ? '' : 'WHERE target = $3';
    const params: unknown[] = [size, offset, ...(target === null ? [] : [target])];
    const rows = await this.db.query<AuditRow>(`SELECT * FROM team_audit ${where} ORDER BY seq DESC LIMIT $1 OFFSET $2`, params);
    const n = await this.db.query<{ n: number | string }>(`SELECT count(*) AS n FROM team_audit ${target === null ? '' : 'WHERE target = $1'}`, target === null ? [] : [target]);
    return { items: rows.map(auditFromRow), total: Number(n[0]?.n ?? 0), page: p, pageSize: size };
  }

  async verifyAudit(): Promise<{ ok: true; entries: number } | { ok: false; seq: number; problem: string }> {
    this.verifyKey ??= importVerifyKey(this.signer.publicKey);
    const key = await this.verifyKey;
    let prev = AUDIT_GENESIS;
    let expect = 1;
    for (;;) {
      const rows = await this.db.query<AuditRow>('SELECT * FROM team_audit WHERE seq >= $1 ORDER BY seq LIMIT 1000', [expect]);
      for (const r of rows) {
        const seq = Number(r.seq);
        if (seq !== expect) return { ok: false, seq: expect, problem: `entry ${expect} is missing` };
        if (r.prev_hash !== prev) return { ok: false, seq, problem: 'prevHash is not the previous entry\'s hash' };
        let detail: Record<string, unknown>;
        try {
          detail = JSON.parse(r.detail_json) as Record<string, unknown>;
        } catch {
          return { ok: false, seq, problem: 'detail is not JSON' };
        }
        const hash = sha256Hex(auditHashInput({ seq, at: r.at, actor: r.actor, role: r.role as Role, action: r.action, target: r.target, detail, prevHash: r.prev_hash }));
        if (hash !== r.hash) return { ok: false, seq, problem: 'hash does not match the entry' };
        if (r.key_id !== this.signer.keyId) return { ok: false, seq, problem: 'signed by another key than the server\'s' };
        if (!(await verifyText(key, r.signature, r.hash))) return { ok: false, seq, problem: 'signature does not verify' };
        prev = r.hash;
        expect = seq + 1;
      }
      if (rows.length < 1000) return { ok: true, entries: expect - 1 };
    }
  }
}
