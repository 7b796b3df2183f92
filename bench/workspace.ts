/**
 * The team workspace at scale (issue 15): 100,000 records from 50 monitors, inserted in bulk with
 * one generate_series INSERT (records about ~12,000 ASN; 60,000 targets, so 40% of the records are a
 * second witness of a finding),
 * filed by TeamRegister.backfill(), then
 *   - the inbox filter (TeamRegister.inbox) and
 *   - the register page (TeamRegister.subjects)
 * each timed against a hand-written bare SQL query returning the same page and total (the count
 * only when the page is full, as the API does), in the same run (median of several runs after a warm-up; results compared). EXPLAIN of the API's queries
 * shows which indexes are used. Runs on PGlite (embedded) and, when TEST_DATABASE_URL is set, on
 * PostgreSQL in a throw-away schema.
 *   node --import tsx bench/workspace.ts [--records N]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pgSchema } from '../server/test/pg-schema';
import { generateSigningKey, signerOf } from '../lib/integrity/keys';
import { openStorage, type EvidenceStorage, type SqlDriver } from '../server/storage';
import { TeamRegister } from '../server/team/register';
import type { InboxFilter } from '../server/team/types';

export interface WorkspaceBenchResult {
  driver: string;
  records: number;
  monitors: number;
  subjects: number;
  findings: number;
  insertMs: number;
  backfillMs: number;
  inbox: { label: string; apiMs: number; bareMs: number; ratio: number; total: number; indexes: string[] }[];
  register: { apiMs: number; bareMs: number; ratio: number; total: number; indexes: string[]; aggregateMs: number };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function time<T>(runs: number, fn: () => Promise<T>): Promise<{ ms: number; out: T }> {
  let out = await fn(); // warm-up
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    out = await fn();
    ms.push(performance.now() - t0);
  }
  return { ms: median(ms), out };
}

/** Index names an EXPLAIN mentions. */
async function indexesUsed(db: SqlDriver, sql: string, params: unknown[]): Promise<{ names: string[]; plan: string }> {
  const rows = await db.query<Record<string, string>>(`EXPLAIN ${sql}`, params);
  const plan = rows.map((r) => Object.values(r)[0]).join('\n');
  const names = new Set<string>();
  for (const m of plan.matchAll(/(?:Index(?: Only)? Scan(?: Backward)? using|Bitmap Index Scan on) (\w+)/g)) names.add(m[1]!);
  return { names: [...names].sort(), plan };
}

/** 100k rows in one statement: ~12,000 ASN (75% with NIP, 21% by account only, 4% neither), 60,000 targets. */
function bulkInsertSql(records: number, monitors: number): string {
  const targets = Math.max(1, Math.floor(records * 0.6));
  return `
    INSERT INTO evidence (id, received_at, monitor, sha256, record_json, platform, kind, subject_name, page_url, captured_at,
      screenshot_path, screenshot_bytes, custody_json, receipt_json, key_id)
    SELECT 'bench-' || g.i, g.cap + ((g.i % 48) || ' hours')::interval, 'pengawas-' || lpad(g.m::text, 2, '0'),
      md5(g.i::text) || md5('x' || g.i::text),
      jsonb_build_object(
        'id', 'bench-' || g.i, 'schemaVersion', 1, 'capturedAt', to_char(g.cap AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
        'timezone', 'Asia/Jakarta', 'platform', g.platform, 'kind', 'comment',
        'page', jsonb_build_object('url', 'https://www.' || g.platform || '.com/post/' || (g.c / 4), 'title', 'x'),
        'post', jsonb_build_object('id', null, 'url', 'https://www.' || g.platform || '.com/post/' || (g.c / 4)),
        'comment', jsonb_build_object('id', 'k' || g.c, 'url', null),
        'reaction', null,
        'subject', jsonb_build_object(
          'name', 'ASN Nomor ' || g.p,
          'nip', CASE WHEN g.p < 9000 THEN '19850101' || lpad(g.p::text, 10, '0') END,
          'accountUrl', CASE WHEN g.p < 11500 THEN 'https://www.' || g.platform || '.com/asn.' || g.p END,
          'agency', 'Dinas ' || (g.p % 40), 'handle', null, 'position', null, 'rank', null, 'employmentType', 'PNS'),
        'violation', jsonb_build_object('types', CASE g.v WHEN 0 THEN '["comment","gesture"]'::jsonb WHEN 1 THEN '["comment","photo_with_candidate"]'::jsonb ELSE '["comment"]'::jsonb END,
          'gestures', '[]'::jsonb, 'candidate', null, 'election', null, 'notes', null),
        'monitor', jsonb_build_object('name', 'pengawas-' || lpad(g.m::text, 2, '0'), 'nip', null, 'unit', 'Diskominfo')
      )::text,
      g.platform, 'comment', 'ASN Nomor ' || g.p, 'https://www.' || g.platform || '.com/post/' || (g.c / 4), g.cap,
      'bench/' || g.i || '.png', 1000, '[]', 'null', ''
    FROM (
      SELECT i, c, p, (ARRAY['facebook', 'instagram', 'tiktok'])[1 + c % 3] AS platform,
        -- pseudo-random monitor and violation, independent of the target and the person
        (hashint4(i)::bigint & 2147483647) % ${monitors} AS m, (hashint4(c + 7)::bigint & 2147483647) % 5 AS v,
        '2024-06-01T00:00:00Z'::timestamptz + ((c % 180) || ' days')::interval + ((c % 13) || ' hours')::interval AS cap
      FROM (SELECT i, i % ${targets} AS c, ((i % ${targets}) * 7919) % 12000 AS p FROM generate_series(1, ${records}) AS i) s
    ) g`;
}

async function runOn(storage: EvidenceStorage, opts: { records: number; monitors: number; runs: number; log: (s: string) => void }): Promise<WorkspaceBenchResult> {
  const db = storage.db;
  const log = (s: string) => opts.log(`[${db.name}] ${s}`);
  const team = new TeamRegister(db, signerOf(await generateSigningKey()));
  let t0 = performance.now();
  await db.query(bulkInsertSql(opts.records, opts.monitors));
  const insertMs = performance.now() - t0;
  log(`bulk insert of ${opts.records} records: ${(insertMs / 1000).toFixed(1)} s`);
  t0 = performance.now();
  const filed = await team.backfill();
  const backfillMs = performance.now() - t0;
  await db.query('ANALYZE');
  const counts = (await db.query<{ s: string; f: string }>(
    `SELECT (SELECT count(*) FROM team_subjects WHERE merged_into IS NULL AND s_records > 0) AS s,
            (SELECT count(*) FROM team_findings WHERE f_records > 0) AS f`, []))[0]!;
  log(`backfill filed ${filed} records in ${(backfillMs / 1000).toFixed(1)} s: ${counts.s} register entries, ${counts.f} findings`);
  // some workflow, so the status filter has something to find
  const some = await db.query<{ id: string }>('SELECT id FROM team_findings ORDER BY id LIMIT 200', []);
  for (const f of some) await team.changeStatus(Number(f.id), { to: 'diverifikasi' }, { name: 'bench', role: 'coordinator' });

  const inboxCases: { label: string; filter: InboxFilter; bare: { sql: string; count: string; params: unknown[]; countParams: unknown[] } }[] = [];
  const tz = (d: string) => `${d}T00:00:00+07:00`;
  inboxCases.push({
    label: 'monitor + dates + violation',
    filter: { monitor: 'pengawas-07', from: '2024-07-01', to: '2024-08-31', violation: 'gesture' },
    bare: {
      sql: `SELECT r.evidence_id, r.monitor, r.received_at, r.captured_at, r.platform, r.kind, r.subject_root, r.name, r.nip, r.agency,
              r.violations, r.finding_root, r.finding_status, f.f_monitors, r.page_url, r.version
            FROM team_records r JOIN team_findings f ON f.id = r.finding_root
            WHERE r.monitor = $1 AND r.captured_at >= $2 AND r.captured_at < $3 AND r.violations @> ARRAY['gesture']
            ORDER BY r.received_at DESC, r.seq DESC LIMIT 50`,
      count: `SELECT count(*) AS n FROM team_records r WHERE r.monitor = $1 AND r.captured_at >= $2 AND r.captured_at < $3 AND r.violations @> ARRAY['gesture']`,
      params: ['pengawas-07', tz('2024-07-01'), tz('2024-09-01')],
      countParams: ['pengawas-07', tz('2024-07-01'), tz('2024-09-01')],
    },
  });
  inboxCases.push({
    label: 'status + unit',
    filter: { status: 'baru', unit: 'dinas 12' },
    bare: {
      sql: `SELECT r.evidence_id, r.monitor, r.received_at, r.captured_at, r.platform, r.kind, r.subject_root, r.name, r.nip, r.agency,
              r.violations, r.finding_root, r.finding_status, f.f_monitors, r.page_url, r.version
            FROM team_records r JOIN team_findings f ON f.id = r.finding_root
            WHERE r.finding_status = 'baru' AND r.unit_norm = 'dinas 12'
            ORDER BY r.received_at DESC, r.seq DESC LIMIT 50`,
      count: `SELECT count(*) AS n FROM team_records r WHERE r.finding_status = 'baru' AND r.unit_norm = 'dinas 12'`,
      params: [], countParams: [],
    },
  });
  const someName = (await db.query<{ name: string }>('SELECT name FROM team_records ORDER BY seq OFFSET 500 LIMIT 1', []))[0]!.name;
  const nameNorm = someName.toLowerCase();
  inboxCases.push({
    label: 'ASN name',
    filter: { q: someName },
    bare: {
      sql: `SELECT r.evidence_id, r.monitor, r.received_at, r.captured_at, r.platform, r.kind, r.subject_root, r.name, r.nip, r.agency,
              r.violations, r.finding_root, r.finding_status, f.f_monitors, r.page_url, r.version
            FROM team_records r JOIN team_findings f ON f.id = r.finding_root
            WHERE r.subject_root IN (SELECT root_id FROM team_subjects WHERE name_norm LIKE $1)
            ORDER BY r.received_at DESC, r.seq DESC LIMIT 50`,
      count: `SELECT count(*) AS n FROM team_records r WHERE r.subject_root IN (SELECT root_id FROM team_subjects WHERE name_norm LIKE $1)`,
      params: [`%${nameNorm}%`], countParams: [`%${nameNorm}%`],
    },
  });
  inboxCases.push({
    label: 'no filter (newest first)',
    filter: {},
    bare: {
      sql: `SELECT r.evidence_id, r.monitor, r.received_at, r.captured_at, r.platform, r.kind, r.subject_root, r.name, r.nip, r.agency,
              r.violations, r.finding_root, r.finding_status, f.f_monitors, r.page_url, r.version
            FROM team_records r JOIN team_findings f ON f.id = r.finding_root ORDER BY r.received_at DESC, r.seq DESC LIMIT 50`,
      count: 'SELECT count(*) AS n FROM team_records r',
      params: [], countParams: [],
    },
  });

  const inbox: WorkspaceBenchResult['inbox'] = [];
  for (const c of inboxCases) {
    const api = await time(opts.runs, () => team.inbox(c.filter, 1, 50));
    const bare = await time(opts.runs, async () => {
      const items = await db.query<{ evidence_id: string }>(c.bare.sql, c.bare.params);
      // the same shortcut as the API: a page that is not full is the whole result
      const n = items.length < 50 ? items.length : Number((await db.query<{ n: string }>(c.bare.count, c.bare.countParams))[0]!.n);
      return { items, n };
    });
    const same = api.out.total === bare.out.n && api.out.items.map((i) => i.id).join() === bare.out.items.map((i) => i.evidence_id).join();
    if (!same) throw new Error(`inbox "${c.label}": the API and the bare SQL disagree (${api.out.total} vs ${bare.out.n})`);
    const sql = await team.inboxSql(c.filter, 1, 50);
    const ex = await indexesUsed(db, sql.items, sql.params);
    const exCount = await indexesUsed(db, sql.count, sql.countParams);
    const indexes = [...new Set([...ex.names, ...exCount.names])].sort();
    log(`inbox ${c.label}: ${api.out.total} records; API ${api.ms.toFixed(2)} ms vs bare SQL ${bare.ms.toFixed(2)} ms; indexes: ${indexes.join(', ') || 'NONE'}`);
    log(`  EXPLAIN page:\n${ex.plan.split('\n').map((l) => `      ${l}`).join('\n')}`);
    inbox.push({ label: c.label, apiMs: api.ms, bareMs: bare.ms, ratio: api.ms / bare.ms, total: api.out.total, indexes });
  }

  // the register, newest activity first, 50 per page
  const api = await time(opts.runs, () => team.subjects({}, 1, 50));
  const bare = await time(opts.runs, async () => {
    const items = await db.query<{ id: string }>(
      `SELECT s.id, s.s_name, s.s_nip, s.s_account_url, s.s_agency, s.s_findings, s.s_records, s.s_first_at, s.s_last_at, s.s_by_violation,
         s.s_monitors, s.s_open, s.s_next_first,
         ARRAY(SELECT m.id FROM team_subjects m WHERE m.merged_into = s.id ORDER BY m.id) AS merged_from
       FROM team_subjects s WHERE s.merged_into IS NULL AND s.s_records > 0 ORDER BY s.s_last_at DESC, s.id DESC LIMIT 50`, []);
    const n = await db.query<{ n: string }>('SELECT count(*) AS n FROM team_subjects s WHERE s.merged_into IS NULL AND s.s_records > 0', []);
    return { items, n: Number(n[0]!.n) };
  });
  if (api.out.total !== bare.out.n || api.out.items.map((i) => String(i.id)).join() !== bare.out.items.map((i) => String(i.id)).join()) {
    throw new Error('register: the API and the bare SQL disagree');
  }
  // what the summary columns save: the same page aggregated from the records at query time
  const agg = await time(Math.max(3, Math.floor(opts.runs / 3)), () => db.query(
    `SELECT r.subject_root, count(*) AS records, count(DISTINCT r.finding_root) AS findings, min(r.captured_at), max(r.captured_at) AS last_at,
       array_agg(DISTINCT r.monitor)
     FROM team_records r GROUP BY r.subject_root ORDER BY last_at DESC, r.subject_root DESC LIMIT 50`, []));
  const rs = team.subjectsSql({}, 1, 50);
  const ex = await indexesUsed(db, rs.items, rs.params);
  log(`register page: ${api.out.total} entries; API ${api.ms.toFixed(2)} ms vs bare SQL ${bare.ms.toFixed(2)} ms (aggregating the records at query time instead: ${agg.ms.toFixed(1)} ms); indexes: ${ex.names.join(', ') || 'NONE'}`);
  log(`  EXPLAIN page:\n${ex.plan.split('\n').map((l) => `      ${l}`).join('\n')}`);
  return {
    driver: db.name, records: opts.records, monitors: opts.monitors, subjects: Number(counts.s), findings: Number(counts.f),
    insertMs, backfillMs, inbox,
    register: { apiMs: api.ms, bareMs: bare.ms, ratio: api.ms / bare.ms, total: api.out.total, indexes: ex.names, aggregateMs: agg.ms },
  };
}

export async function runWorkspaceBench(opts: { records: number; monitors: number; runs?: number; log: (s: string) => void }): Promise<WorkspaceBenchResult[]> {
  const runs = opts.runs ?? 15;
  const out: WorkspaceBenchResult[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'asn-bench-ws-'));
  try {
    const storage = await openStorage({ dbDir: dir });
    try {
      out.push(await runOn(storage, { ...opts, runs }));
    } finally {
      await storage.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const pgUrl = process.env.TEST_DATABASE_URL;
  if (pgUrl) {
    const schema = await pgSchema(pgUrl, 'asn_bench_ws');
    try {
      const storage = await openStorage({ databaseUrl: schema.url, dbDir: '/nonexistent' });
      try {
        out.push(await runOn(storage, { ...opts, runs }));
      } finally {
        await storage.close();
      }
    } finally {
      await schema.drop();
    }
  } else {
    opts.log('PostgreSQL skipped: set TEST_DATABASE_URL to also run the workspace bench on PostgreSQL');
  }
  return out;
}

/** Table rows for bench/run.ts. */
export function workspaceRows(results: WorkspaceBenchResult[]): Array<[string, string, string, string]> {
  const rows: Array<[string, string, string, string]> = [];
  for (const r of results) {
    const k = `${r.records / 1000}k records / ${r.monitors} monitors, ${r.driver}`;
    rows.push([`workspace: file ${k}`, `backfill ${(r.backfillMs / 1000).toFixed(1)} s (${r.subjects} ASN, ${r.findings} findings)`, `bulk INSERT ${(r.insertMs / 1000).toFixed(1)} s`, `ratio ${(r.backfillMs / r.insertMs).toFixed(2)}`]);
    for (const i of r.inbox) {
      rows.push([`workspace inbox: ${i.label} (${k})`, `${i.apiMs.toFixed(2)} ms, ${i.total} records`, `bare SQL ${i.bareMs.toFixed(2)} ms`, `ratio ${i.ratio.toFixed(2)}; indexes ${i.indexes.join(', ') || 'NONE'}`]);
    }
    const g = r.register;
    rows.push([`workspace register page (${k})`, `${g.apiMs.toFixed(2)} ms, ${g.total} entries`, `bare SQL ${g.bareMs.toFixed(2)} ms (aggregate at query time ${g.aggregateMs.toFixed(0)} ms)`, `ratio ${g.ratio.toFixed(2)}; indexes ${g.indexes.join(', ') || 'NONE'}`]);
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const i = process.argv.indexOf('--records');
  const records = i > 0 ? Number(process.argv[i + 1]) : 100_000;
  const res = await runWorkspaceBench({ records, monitors: 50, log: (s) => console.error(`  ${s}`) });
  for (const r of workspaceRows(res)) console.log(`| ${r.join(' | ')} |`);
}
