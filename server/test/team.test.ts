/**
 * The team register (server/team/register.ts) against embedded PGlite always and real PostgreSQL
 * when TEST_DATABASE_URL is set (each run in its own throw-away schema): filing by NIP / account /
 * neither, one finding per target with several witnesses, merge and split, the workflow, the signed
 * audit log (and its outsider recipe in docs/workspace.md, run with python3), inbox filters, team
 * knowledge, backfill of rows stored before migration 5, concurrent indexing and appends.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pgSchema } from './pg-schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKey, signerOf, type Signer } from '../../lib/integrity/keys';
import type { EvidenceRecord } from '../../lib/record/schema';
import { MIGRATIONS, openStorage, pgliteDriver, postgresDriver, type EvidenceStorage, type SqlDriver } from '../storage';
import { AUDIT_GENESIS, TeamRegister } from '../team/register';
import { TeamError, type Actor, type InboxFilter } from '../team/types';
import { makePng, makeRecord } from './helpers';

const PG_URL = process.env.TEST_DATABASE_URL;
const coord: Actor = { name: 'Koordinator Sari', role: 'coordinator' };
const NIP_A = '198503142010011002';
const NIP_B = '199001012015032001';

interface Backend {
  name: string;
  open(): Promise<EvidenceStorage>;
  /** a second, independent connection (pool) to the same database: a second server process */
  second(): Promise<SqlDriver | null>;
  /** a bare driver on a fresh, empty database (no migrations) */
  fresh(): Promise<{ driver: SqlDriver; open(): Promise<EvidenceStorage>; cleanup(): Promise<void> }>;
  cleanup(): Promise<void>;
}

let clock = Date.parse('2024-09-20T03:00:00.000Z');
const now = () => new Date((clock += 1000));

type Over = Partial<Omit<EvidenceRecord, 'subject' | 'comment' | 'post'>> & {
  subject?: Partial<EvidenceRecord['subject']>;
  comment?: Partial<NonNullable<EvidenceRecord['comment']>> | null;
  post?: Partial<NonNullable<EvidenceRecord['post']>> | null;
};

function recordOf(over: Over = {}): EvidenceRecord {
  const png = makePng();
  const base = makeRecord(png);
  const { subject, comment, post, ...rest } = over;
  return {
    ...base,
    ...rest,
    subject: { ...base.subject, ...subject },
    comment: comment === null ? null : { ...base.comment!, ...comment },
    post: post === null ? null : { ...base.post!, ...post },
  };
}

async function put(storage: EvidenceStorage, rec: EvidenceRecord, monitor = 'alpha', receivedAt?: string): Promise<EvidenceRecord> {
  const r = await storage.insert({
    id: rec.id, receivedAt: receivedAt ?? new Date(clock += 1000).toISOString(), monitor, sha256: 'a'.repeat(64),
    recordJson: JSON.stringify(rec), platform: rec.platform, kind: rec.kind, subjectName: rec.subject.name,
    pageUrl: rec.page.url, capturedAt: rec.capturedAt, screenshotPath: `${rec.id}/x.png`, screenshotBytes: 10,
    custodyJson: '[]', receiptJson: 'null', keyId: 'c'.repeat(64), fullPath: null, sourcePath: null,
  });
  expect(r.inserted).toBe(true);
  return rec;
}

async function amend(storage: EvidenceStorage, rec: EvidenceRecord): Promise<void> {
  const cur = await storage.get(rec.id);
  const r = await storage.amend(rec.id, cur!.version, {
    recordJson: JSON.stringify(rec), subjectName: rec.subject.name, custodyJson: '[]', receiptJson: 'null', amendedAt: new Date(clock += 1000).toISOString(),
  });
  expect(r.amended).toBe(true);
}

async function expectTeamError(p: Promise<unknown>, status: number, code: string): Promise<void> {
  const e = await p.then(() => null, (x: unknown) => x);
  expect(e, `expected TeamError ${status} ${code}`).toBeInstanceOf(TeamError);
  expect({ status: (e as TeamError).status, code: (e as TeamError).code }).toEqual({ status, code });
}

function teamSuite(makeBackend: () => Promise<Backend>) {
  let backend: Backend;
  let storage: EvidenceStorage;
  let signer: Signer;
  let team: TeamRegister;
  /** each test works on its own NIPs/accounts/comments, so tests do not see each other's entries */
  let n = 0;
  const uniq = () => `${process.pid}${++n}${Math.floor(Math.random() * 1e6)}`;
  const nip = () => `1985${String(Math.floor(Math.random() * 1e14)).padStart(14, '0')}`;

  beforeAll(async () => {
    backend = await makeBackend();
    storage = await backend.open();
    signer = signerOf(await generateSigningKey());
    team = new TeamRegister(storage.db, signer, { now });
  }, 60_000);
  afterAll(async () => {
    await storage?.close();
    await backend?.cleanup();
  });

  async function file(rec: EvidenceRecord, monitor = 'alpha'): Promise<EvidenceRecord> {
    await put(storage, rec, monitor);
    await team.indexEvidence(rec.id);
    return rec;
  }

  it('the same comment flagged by two monitors is one finding with two witnesses; another comment is another finding', async () => {
    const u = uniq();
    const nipX = nip();
    const a = await file(recordOf({ subject: { nip: nipX }, comment: { id: `c${u}` } }), 'alpha');
    const b = await file(recordOf({ subject: { nip: nipX, accountUrl: 'https://m.facebook.com/budi?ref=bookmarks' }, comment: { id: `c${u}` } }), 'beta');
    // the third monitor's record has no comment id, only the comment's link (comment_id in it)
    const c = await file(recordOf({
      subject: { nip: nipX },
      comment: { id: null, url: `https://www.facebook.com/permalink.php?story_fbid=pfbid0abc&id=1000&comment_id=c${u}&__cft__[0]=xyz` },
    }), 'gamma');
    const other = await file(recordOf({ subject: { nip: nipX }, comment: { id: `d${u}` } }), 'alpha');
    const fa = await team.findingOf(a.id);
    expect(fa).not.toBeNull();
    expect((await team.findingOf(b.id))!.id).toBe(fa!.id);
    expect((await team.findingOf(c.id))!.id).toBe(fa!.id);
    expect((await team.findingOf(other.id))!.id).not.toBe(fa!.id);
    expect(fa!.witnesses.map((w) => [w.evidenceId, w.monitor]).sort()).toEqual([[a.id, 'alpha'], [b.id, 'beta'], [c.id, 'gamma']].sort());
    expect(fa!.status).toBe('baru');
    expect(fa!.violations).toEqual(['comment']);
    const detail = await team.subject(fa!.subjectId);
    expect(detail!.subject.findings).toBe(2);
    expect(detail!.subject.records).toBe(4);
    expect(detail!.subject.byViolation).toEqual({ comment: 2 });
    expect(detail!.subject.monitors).toEqual(['alpha', 'beta', 'gamma']);
    const inbox = await team.inbox({ findingId: fa!.id }, 1, 50);
    expect(inbox.total).toBe(3);
    expect(inbox.items.every((i) => i.witnesses === 3 && i.findingId === fa!.id)).toBe(true);
    // indexing again changes nothing (idempotent)
    await team.indexEvidence(a.id);
    await team.indexEvidence(b.id);
    expect(await team.findingOf(a.id)).toEqual(fa);
  });

  it('a post and a reaction to the same post are different findings; two reactions to one post are one', async () => {
    const nipX = nip();
    const u = uniq();
    const postUrl = `https://www.facebook.com/budi/posts/pfbid0AbC${u}`;
    const post = await file(recordOf({ kind: 'post', comment: null, subject: { nip: nipX }, post: { url: `${postUrl}/?mibextid=abc` }, violation: { types: ['post'], gestures: [], candidate: null, election: null, notes: null } }));
    const r1 = await file(recordOf({ kind: 'reaction', comment: null, subject: { nip: nipX }, post: { url: postUrl }, reaction: { type: 'like', actorName: 'Budi', actorUrl: null } }), 'alpha');
    const r2 = await file(recordOf({ kind: 'reaction', comment: null, subject: { nip: nipX }, post: { url: `https://m.facebook.com/budi/posts/pfbid0AbC${u}#x` }, reaction: { type: 'like', actorName: 'Budi', actorUrl: null } }), 'beta');
    // post ids are case-sensitive: another case is another post
    const r3 = await file(recordOf({ kind: 'reaction', comment: null, subject: { nip: nipX }, post: { url: `https://www.facebook.com/budi/posts/pfbid0abc${u}` }, reaction: { type: 'like', actorName: 'Budi', actorUrl: null } }), 'beta');
    const [fp, f1, f2, f3] = await Promise.all([post, r1, r2, r3].map((r) => team.findingOf(r.id)));
    expect(f1!.id).toBe(f2!.id);
    expect(f1!.witnesses).toHaveLength(2);
    expect(fp!.id).not.toBe(f1!.id);
    expect(f3!.id).not.toBe(f1!.id);
  });

  it('files by NIP, else by normalised account URL, else a record alone; an amended record that gets a NIP moves with its finding', async () => {
    const nipX = nip();
    const u = uniq();
    const acct = `https://www.facebook.com/Budi.${u}/`;
    const withNip = await file(recordOf({ subject: { nip: nipX, accountUrl: acct }, comment: { id: `a${u}` } }));
    // same NIP, another account: same entry
    const nip2 = await file(recordOf({ subject: { nip: nipX, accountUrl: `https://instagram.com/other${u}` }, comment: { id: `b${u}` } }));
    // no NIP, the same account written differently: same entry as the NIP
    const viaAccount = await file(recordOf({ subject: { nip: null, name: 'B. Santoso', accountUrl: `https://m.facebook.com/budi.${u}?ref=bookmarks#top` }, comment: { id: `c${u}` } }));
    // no NIP, an account nobody has seen with a NIP: an account-only entry
    const fbId = `https://www.facebook.com/profile.php?id=1000${u}&sk=about`;
    const accountOnly = await file(recordOf({ subject: { nip: null, accountUrl: fbId }, comment: { id: `d${u}` } }));
    const accountOnly2 = await file(recordOf({ subject: { nip: null, accountUrl: `https://web.facebook.com/profile.php?id=1000${u}` }, comment: { id: `e${u}` } }));
    // profile.php with another id is another person
    const otherId = await file(recordOf({ subject: { nip: null, accountUrl: `https://www.facebook.com/profile.php?id=2000${u}` }, comment: { id: `f${u}` } }));
    // neither NIP nor account: alone, even with the same name
    const alone1 = await file(recordOf({ subject: { nip: null, accountUrl: null }, comment: { id: `g${u}` } }));
    const alone2 = await file(recordOf({ subject: { nip: null, accountUrl: null }, comment: { id: `h${u}` } }));
    const s = async (r: EvidenceRecord) => (await team.findingOf(r.id))!.subjectId;
    const sx = await s(withNip);
    expect(await s(nip2)).toBe(sx);
    expect(await s(viaAccount)).toBe(sx);
    const sa = await s(accountOnly);
    expect(sa).not.toBe(sx);
    expect(await s(accountOnly2)).toBe(sa);
    expect(await s(otherId)).not.toBe(sa);
    expect(await s(alone1)).not.toBe(await s(alone2));
    const detail = await team.subject(sx);
    expect(detail!.subject.nip).toBe(nipX);
    expect(detail!.subject.records).toBe(3);
    expect((await team.subject(sa))!.subject).toMatchObject({ nip: null, records: 2, accountUrl: expect.stringContaining(`1000${u}`) });

    // The monitor learns the account-only person's NIP and amends one record: it moves to the NIP
    // entry, and its finding (the record was its only witness) goes along with its id and status.
    const nipY = nip();
    const moving = await file(recordOf({ subject: { nip: null, accountUrl: `https://www.tiktok.com/@solo${u}` }, comment: { id: `i${u}` } }));
    const before = await team.findingOf(moving.id);
    await team.changeStatus(before!.id, { to: 'diverifikasi' }, coord);
    const anchor = await file(recordOf({ subject: { nip: nipY }, comment: { id: `j${u}` } }));
    await amend(storage, { ...moving, subject: { ...moving.subject, nip: nipY } });
    await team.indexEvidence(moving.id);
    const after = await team.findingOf(moving.id);
    expect(after!.subjectId).toBe(await s(anchor));
    expect(after!.id).toBe(before!.id);
    expect(after!.status).toBe('diverifikasi');
    expect((await team.subject(before!.subjectId))?.subject.records ?? 0).toBe(0);
    // the old account-only entry is empty and leaves the register
    const list = await team.subjects({ q: '' }, 1, 500);
    expect(list.items.some((i) => i.id === before!.subjectId)).toBe(false);
    expect((await team.inbox({ subjectId: after!.subjectId }, 1, 50)).items.find((i) => i.id === moving.id)?.version).toBe(2);
  });

  it('an amendment that changes only the violation types or the agency updates the finding and the register line in place', async () => {
    const u = uniq();
    const nipX = nip();
    const r = await file(recordOf({ subject: { nip: nipX, agency: 'Dinas Lama' }, comment: { id: `a${u}` } }));
    const before = (await team.findingOf(r.id))!;
    await amend(storage, { ...r, subject: { ...r.subject, agency: `Dinas Baru ${u}` }, violation: { ...r.violation, types: ['comment', 'gesture'] } });
    await team.indexEvidence(r.id);
    const after = (await team.findingOf(r.id))!;
    expect(after.id).toBe(before.id);
    expect(after.violations).toEqual(['comment', 'gesture']);
    const s = (await team.subject(after.subjectId))!.subject;
    expect(s).toMatchObject({ agency: `Dinas Baru ${u}`, byViolation: { comment: 1, gesture: 1 }, records: 1 });
    expect((await team.inbox({ unit: `baru ${u}` }, 1, 5)).items.map((i) => [i.id, i.version, i.violations])).toEqual([[r.id, 2, ['comment', 'gesture']]]);
    expect((await team.inbox({ unit: 'dinas lama', q: nipX }, 1, 5)).total).toBe(0);
  });

  it('merging two entries then splitting them restores both exactly; both are in the audit log', async () => {
    const u = uniq();
    const nipX = nip();
    const a1 = await file(recordOf({ subject: { nip: nipX, name: 'Budi Santoso' }, comment: { id: `a${u}` }, capturedAt: '2024-09-10T01:00:00.000Z' }), 'alpha');
    await file(recordOf({ subject: { nip: nipX, name: 'Budi Santoso' }, comment: { id: `b${u}` }, capturedAt: '2024-09-12T01:00:00.000Z', violation: { types: ['comment', 'gesture'], gestures: [], candidate: null, election: null, notes: null } }), 'beta');
    const b1 = await file(recordOf({ subject: { nip: null, accountUrl: null, name: 'Budi S.' }, comment: { id: `c${u}` }, capturedAt: '2024-09-15T01:00:00.000Z' }), 'gamma');
    const A = (await team.findingOf(a1.id))!.subjectId;
    const B = (await team.findingOf(b1.id))!.subjectId;
    await team.changeStatus((await team.findingOf(b1.id))!.id, { to: 'diverifikasi' }, coord);
    const snap = async () => ({
      a: await team.subject(A), b: await team.subject(B),
      list: (await team.subjects({}, 1, 1000)).items.filter((i) => i.id === A || i.id === B),
      inboxA: await team.inbox({ subjectId: A }, 1, 50), inboxB: await team.inbox({ subjectId: B }, 1, 50),
      ids: await team.evidenceIdsOfSubject(A),
    });
    const before = await snap();
    const merged = await team.mergeSubjects(B, A, coord);
    expect(merged.subject.id).toBe(A);
    expect(merged.subject.mergedFrom).toEqual([B]);
    expect(merged.subject.records).toBe(3);
    expect(merged.subject.findings).toBe(3);
    expect(merged.subject.monitors).toEqual(['alpha', 'beta', 'gamma']);
    expect(merged.subject.byViolation).toEqual({ comment: 3, gesture: 1 });
    expect(merged.subject.open).toBe(3);
    expect(merged.subject.firstAt).toBe('2024-09-10T01:00:00.000Z');
    expect(merged.subject.lastAt).toBe('2024-09-15T01:00:00.000Z');
    // the register follows the merge: B's id leads to A, B is no longer listed
    expect((await team.subject(B))!.subject.id).toBe(A);
    expect((await team.subjects({}, 1, 1000)).items.some((i) => i.id === B)).toBe(false);
    expect((await team.inbox({ subjectId: B }, 1, 50)).total).toBe(3);
    expect((await team.inbox({ subjectId: A }, 1, 50)).items.every((i) => i.subjectId === A)).toBe(true);
    expect((await team.evidenceIdsOfSubject(B)).length).toBe(3);
    await expectTeamError(team.mergeSubjects(B, A, coord), 409, 'already_merged');
    await expectTeamError(team.mergeSubjects(A, B, coord), 409, 'same_subject');
    await expectTeamError(team.mergeSubjects(A, 99_999_999, coord), 404, 'subject_not_found');
    await expectTeamError(team.splitSubject(A, coord), 409, 'not_merged');

    const split = await team.splitSubject(B, coord);
    expect(split.subject.id).toBe(B);
    expect(await snap()).toEqual(before);

    const log = (await team.auditLog({}, 1, 500)).items;
    const merge = log.find((e) => e.action === 'subject.merge' && e.target === `subject:${A}`);
    const spl = log.find((e) => e.action === 'subject.split' && e.target === `subject:${B}`);
    expect(merge).toMatchObject({ actor: 'Koordinator Sari', role: 'coordinator', detail: { from: B, into: A } });
    expect(spl).toMatchObject({ detail: { id: B, from: A, root: A } });
    expect(spl!.seq).toBeGreaterThan(merge!.seq);
  });

  it('findings: merge two into one finding (witnesses follow), split restores both with their own status; not across entries', async () => {
    const u = uniq();
    const nipX = nip();
    const r1 = await file(recordOf({ subject: { nip: nipX }, comment: { id: `a${u}` } }), 'alpha');
    const r2 = await file(recordOf({ subject: { nip: nipX }, comment: { id: `b${u}` } }), 'beta');
    const f1 = (await team.findingOf(r1.id))!;
    const f2 = (await team.findingOf(r2.id))!;
    await team.changeStatus(f1.id, { to: 'diverifikasi' }, coord);
    const before = [await team.finding(f1.id), await team.finding(f2.id), await team.subject(f1.subjectId)];
    const merged = await team.mergeFindings(f2.id, f1.id, coord);
    expect(merged.id).toBe(f1.id);
    expect(merged.witnesses.map((w) => w.monitor).sort()).toEqual(['alpha', 'beta']);
    expect(merged.mergedFrom).toEqual([f2.id]);
    expect(merged.status).toBe('diverifikasi');
    expect((await team.finding(f2.id))!.id).toBe(f1.id);
    expect((await team.findingOf(r2.id))!.id).toBe(f1.id);
    const inb = await team.inbox({ findingId: f2.id }, 1, 10);
    expect(inb.items.map((i) => [i.findingId, i.findingStatus, i.witnesses])).toEqual([[f1.id, 'diverifikasi', 2], [f1.id, 'diverifikasi', 2]]);
    expect((await team.subject(f1.subjectId))!.subject.findings).toBe(1);
    await expectTeamError(team.mergeFindings(f2.id, f1.id, coord), 409, 'already_merged');
    await expectTeamError(team.mergeFindings(f1.id, f1.id, coord), 409, 'same_finding');
    const split = await team.splitFinding(f2.id, coord);
    expect(split.id).toBe(f2.id);
    expect([await team.finding(f1.id), await team.finding(f2.id), await team.subject(f1.subjectId)]).toEqual(before);

    // a finding about another entry cannot be merged until the entries are
    const other = await file(recordOf({ subject: { nip: nip() }, comment: { id: `z${u}` } }), 'gamma');
    const fo = (await team.findingOf(other.id))!;
    await expectTeamError(team.mergeFindings(fo.id, f1.id, coord), 409, 'different_subjects');
    await team.mergeSubjects(fo.subjectId, f1.subjectId, coord);
    await team.mergeFindings(fo.id, f1.id, coord);
    // splitting the entries now would tear a finding apart: refused until the finding is split
    await expectTeamError(team.splitSubject(fo.subjectId, coord), 409, 'findings_merged_across');
    await team.splitFinding(fo.id, coord);
    await team.splitSubject(fo.subjectId, coord);
    expect((await team.finding(fo.id))!.subjectId).toBe(fo.subjectId);
  });

  it('workflow: baru -> diverifikasi -> diteruskan -> ditindaklanjuti; refusals name a code; deadline runs only while open', async () => {
    const u = uniq();
    const r = await file(recordOf({ subject: { nip: nip() }, comment: { id: `a${u}` }, capturedAt: '2024-09-13T16:30:00.000Z' }));
    const f = (await team.findingOf(r.id))!;
    // captured Fri 13 Sep 23:30 WIB -> end of Fri 20 Sep WIB (lib/cases/deadline.ts)
    expect(f.deadline).toBe('2024-09-20T16:59:59.999Z');
    expect(f.firstCapturedAt).toBe('2024-09-13T16:30:00.000Z');
    expect((await team.subject(f.subjectId))!.subject).toMatchObject({ open: 1, nextDeadline: '2024-09-20T16:59:59.999Z' });
    await expectTeamError(team.changeStatus(f.id, { to: 'diteruskan', receiver: 'bawaslu', on: '2024-09-14', letterNumber: '1' }, coord), 409, 'invalid_transition');
    await expectTeamError(team.changeStatus(f.id, { to: 'ditindaklanjuti', sanction: 'x' }, coord), 409, 'invalid_transition');
    await expectTeamError(team.changeStatus(f.id, { to: 'selesai' } as never, coord), 422, 'invalid_status');
    await expectTeamError(team.changeStatus(99_999_999, { to: 'diverifikasi' }, coord), 404, 'finding_not_found');
    const v = await team.changeStatus(f.id, { to: 'diverifikasi', note: 'cocok dengan tangkapan layar' }, coord);
    expect(v.status).toBe('diverifikasi');
    expect(v.deadline).toBe('2024-09-20T16:59:59.999Z');
    await expectTeamError(team.changeStatus(f.id, { to: 'diverifikasi' }, coord), 409, 'invalid_transition');
    await expectTeamError(team.changeStatus(f.id, { to: 'diteruskan', receiver: 'polisi', on: '2024-09-14', letterNumber: '1' } as never, coord), 422, 'invalid_receiver');
    await expectTeamError(team.changeStatus(f.id, { to: 'diteruskan', receiver: 'bawaslu', on: '2024-02-30', letterNumber: '1' }, coord), 422, 'invalid_date');
    await expectTeamError(team.changeStatus(f.id, { to: 'diteruskan', receiver: 'bawaslu', on: '2024-09-14', letterNumber: '  ' }, coord), 422, 'missing_letter_number');
    const fwd = await team.changeStatus(f.id, { to: 'diteruskan', receiver: 'inspektorat', on: '2024-09-14', letterNumber: '700/123/Insp/2024' }, coord);
    expect(fwd).toMatchObject({ status: 'diteruskan', forwardedTo: 'inspektorat', forwardedOn: '2024-09-14', letterNumber: '700/123/Insp/2024', deadline: null });
    expect((await team.subject(f.subjectId))!.subject).toMatchObject({ open: 1, nextDeadline: null });
    expect((await team.inbox({ findingId: f.id }, 1, 5)).items[0]!.findingStatus).toBe('diteruskan');
    await expectTeamError(team.changeStatus(f.id, { to: 'ditindaklanjuti', sanction: '' }, coord), 422, 'missing_sanction');
    const done = await team.changeStatus(f.id, { to: 'ditindaklanjuti', sanction: 'Teguran tertulis <b>"keras"</b>' }, coord);
    expect(done).toMatchObject({ status: 'ditindaklanjuti', sanction: 'Teguran tertulis <b>"keras"</b>', deadline: null });
    expect((await team.subject(f.subjectId))!.subject.open).toBe(0);
    await expectTeamError(team.changeStatus(f.id, { to: 'ditolak', reason: 'x' }, coord), 409, 'invalid_transition');
    await expectTeamError(team.changeStatus(f.id, { to: 'baru' }, coord), 409, 'invalid_transition');

    // ditolak from baru, diverifikasi and diteruskan; needs a reason; reopening clears it
    for (const path of [[], ['diverifikasi'], ['diverifikasi', 'diteruskan']] as const) {
      const rr = await file(recordOf({ subject: { nip: nip() }, comment: { id: `${path.length}x${uniq()}` } }));
      const ff = (await team.findingOf(rr.id))!;
      for (const step of path) {
        await team.changeStatus(ff.id, step === 'diteruskan' ? { to: step, receiver: 'bkn', on: '2024-09-15', letterNumber: 'B-1' } : { to: step }, coord);
      }
      await expectTeamError(team.changeStatus(ff.id, { to: 'ditolak', reason: '\u0000 ' }, coord), 422, 'missing_reason');
      const rej = await team.changeStatus(ff.id, { to: 'ditolak', reason: 'Bukan ASN' }, coord);
      expect(rej).toMatchObject({ status: 'ditolak', rejectedReason: 'Bukan ASN', deadline: null });
      const re = await team.changeStatus(ff.id, { to: 'baru', note: 'ternyata ASN' }, coord);
      expect(re).toMatchObject({ status: 'baru', rejectedReason: null, forwardedTo: null });
      expect(re.deadline).not.toBeNull();
    }
    const entries = (await team.auditLog({ target: `finding:${f.id}` }, 1, 50)).items;
    expect(entries.map((e) => e.detail.to)).toEqual(['ditindaklanjuti', 'diteruskan', 'diverifikasi']);
    expect(entries[1]!.detail).toMatchObject({ from: 'diverifikasi', receiver: 'inspektorat', on: '2024-09-14', letterNumber: '700/123/Insp/2024' });
  });

  it('inbox: every filter, paging and total; hostile strings come back as text', async () => {
    const u = uniq();
    const nipX = nip();
    const unit = `Dinas Uji ${u}`;
    const hostile = `<script>alert("x")</script> O'Brien \u0000 ${'panjang '.repeat(50)}`;
    const recs = [
      await file(recordOf({ subject: { nip: nipX, name: `Citra Lestari ${u}`, agency: unit }, comment: { id: `a${u}` }, capturedAt: '2024-10-01T18:00:00.000Z', platform: 'facebook' }), `mon-a-${u}`),
      await file(recordOf({ subject: { nip: nipX, name: `Citra Lestari ${u}`, agency: unit.toUpperCase() }, comment: { id: `b${u}` }, capturedAt: '2024-10-02T03:00:00.000Z', platform: 'instagram', violation: { types: ['comment', 'photo_with_candidate'], gestures: [], candidate: null, election: null, notes: null } }), `mon-b-${u}`),
      await file(recordOf({ subject: { nip: null, accountUrl: null, name: hostile, agency: `Lain ${u}` }, comment: { id: `c${u}` }, capturedAt: '2024-10-05T03:00:00.000Z' }), `mon-a-${u}`),
    ];
    const ids = async (f: InboxFilter) => (await team.inbox(f, 1, 50)).items.map((i) => i.id).sort();
    const sorted = (...r: EvidenceRecord[]) => r.map((x) => x.id).sort();
    expect(await ids({ monitor: `mon-a-${u}` })).toEqual(sorted(recs[0]!, recs[2]!));
    expect(await ids({ unit: `dinas uji ${u}` })).toEqual(sorted(recs[0]!, recs[1]!));
    expect(await ids({ unit: `UJI ${u}` })).toEqual(sorted(recs[0]!, recs[1]!));
    expect(await ids({ unit: `Dinas Uji ${u}`, platform: 'instagram' })).toEqual(sorted(recs[1]!));
    expect(await ids({ unit: `Uji ${u}`, violation: 'photo_with_candidate' })).toEqual(sorted(recs[1]!));
    // days are the team's (WIB): 2024-10-01T18:00Z is 2 Oct 01:00 WIB
    expect(await ids({ unit: `Uji ${u}`, from: '2024-10-02', to: '2024-10-02' })).toEqual(sorted(recs[0]!, recs[1]!));
    expect(await ids({ unit: `Uji ${u}`, to: '2024-10-01' })).toEqual([]);
    expect(await ids({ q: `citra lestari ${u}` })).toEqual(sorted(recs[0]!, recs[1]!));
    expect(await ids({ q: `CITRA  Lestari ${u}` })).toEqual(sorted(recs[0]!, recs[1]!));
    expect(await ids({ q: nipX.slice(0, 12), unit: `uji ${u}` })).toEqual(sorted(recs[0]!, recs[1]!));
    expect(await ids({ q: `O'Brien`, monitor: `mon-a-${u}` })).toEqual(sorted(recs[2]!));
    const f0 = (await team.findingOf(recs[0]!.id))!;
    await team.changeStatus(f0.id, { to: 'diverifikasi' }, coord);
    expect(await ids({ status: 'diverifikasi', monitor: `mon-a-${u}` })).toEqual(sorted(recs[0]!));
    expect(await ids({ status: 'baru', monitor: `mon-a-${u}` })).toEqual(sorted(recs[2]!));
    expect(await ids({ subjectId: f0.subjectId })).toEqual(sorted(recs[0]!, recs[1]!));
    expect(await ids({ findingId: f0.id })).toEqual(sorted(recs[0]!));
    await expectTeamError(team.inbox({ from: '2024-13-01' }, 1, 10), 422, 'invalid_filter');
    await expectTeamError(team.inbox({ status: 'selesai' as never }, 1, 10), 422, 'invalid_filter');
    // newest received first; paging with the total
    const p1 = await team.inbox({ unit: `uji ${u}` }, 1, 1);
    const p2 = await team.inbox({ unit: `uji ${u}` }, 2, 1);
    const p3 = await team.inbox({ unit: `uji ${u}` }, 3, 1);
    expect([p1.total, p2.total, p3.total]).toEqual([2, 2, 2]);
    expect([p1.items[0]!.id, p2.items[0]!.id, p3.items.length]).toEqual([recs[1]!.id, recs[0]!.id, 0]);
    const h = (await team.inbox({ monitor: `mon-a-${u}`, q: 'script alert' }, 1, 5)).items[0]!;
    expect(h.subjectName).toBe(hostile.replace('\u0000', '').trim());
    expect(await team.evidenceIds({ unit: `uji ${u}` }, 10)).toEqual([recs[0]!.id, recs[1]!.id]);
    expect(await team.evidenceIds({ unit: `uji ${u}` }, 1)).toEqual([recs[0]!.id]);
    const facets = await team.facets();
    expect(facets.monitors).toEqual(expect.arrayContaining([`mon-a-${u}`, `mon-b-${u}`]));
    expect(facets.platforms).toEqual(expect.arrayContaining(['facebook', 'instagram']));
    expect(facets.units.filter((x) => x.toLowerCase() === unit.toLowerCase())).toHaveLength(1);
    // register search
    const reg = await team.subjects({ q: `lestari ${u}` }, 1, 10);
    expect(reg.items.map((s) => [s.id, s.records, s.findings])).toEqual([[f0.subjectId, 2, 2]]);
    expect((await team.subjects({ q: `lestari ${u}`, openOnly: true }, 1, 10)).total).toBe(1);
  });

  it('knowledge: counts of findings per NIP and per account, for a monitor (counts only)', async () => {
    const u = uniq();
    const nipX = nip();
    const acct = `https://www.instagram.com/know${u}/`;
    await file(recordOf({ subject: { nip: nipX, accountUrl: acct }, comment: { id: `a${u}` }, capturedAt: '2024-09-01T00:00:00.000Z' }), 'alpha');
    await file(recordOf({ subject: { nip: nipX }, comment: { id: `a${u}` }, capturedAt: '2024-09-02T00:00:00.000Z' }), 'beta');
    const r3 = await file(recordOf({ subject: { nip: null, accountUrl: `instagram.com/KNOW${u}` }, comment: { id: `b${u}` }, capturedAt: '2024-09-03T00:00:00.000Z' }), 'beta');
    await team.changeStatus((await team.findingOf(r3.id))!.id, { to: 'ditolak', reason: 'bukan pelanggaran' }, coord);
    const k = await team.knowledge({ nips: [nipX, '123', '199999999999999999'], accounts: [`https://instagram.com/know${u}`, `ig-nothing-${u}`] });
    expect(k).toEqual([
      { key: nipX, findings: 2, open: 1, lastAt: '2024-09-03T00:00:00.000Z' },
      { key: '123', findings: 0, open: 0, lastAt: null },
      { key: '199999999999999999', findings: 0, open: 0, lastAt: null },
      { key: `https://instagram.com/know${u}`, findings: 2, open: 1, lastAt: '2024-09-03T00:00:00.000Z' },
      { key: `ig-nothing-${u}`, findings: 0, open: 0, lastAt: null },
    ]);
    expect(Object.keys(k[0]!).sort()).toEqual(['findings', 'key', 'lastAt', 'open']);
    await expectTeamError(team.knowledge({ nips: Array.from({ length: 5001 }, () => nipX), accounts: [] }), 422, 'too_many_keys');
  });

  it('audit log: every entry chained and signed; verifyAudit finds a row changed behind the trigger', async () => {
    const e1 = await team.audit({ name: 'Rina <script>\u0000', role: 'coordinator' }, 'token.issue', 'token:ab12cd34', { monitor: 'gamma', note: 'ﬃ 😀 "q" \\ \n' });
    const e2 = await team.audit({ name: 'Audit', role: 'auditor' }, 'person.add', 'person:budi', { n: 3, nested: { b: [1, 'x'], a: null } });
    expect(e2.seq).toBe(e1.seq + 1);
    expect(e2.prevHash).toBe(e1.hash);
    expect(e1.actor).toBe('Rina <script>');
    expect(await team.verifyAudit()).toEqual({ ok: true, entries: e2.seq });
    const first = (await team.auditLog({}, 1, 100000)).items.at(-1)!;
    expect(first.seq).toBe(1);
    expect(first.prevHash).toBe(AUDIT_GENESIS);
    // the trigger refuses changes
    await expect(storage.db.query("UPDATE team_audit SET actor = 'x' WHERE seq = $1", [e1.seq])).rejects.toThrow(/append-only/);
    await expect(storage.db.query('DELETE FROM team_audit WHERE seq = $1', [e1.seq])).rejects.toThrow(/append-only/);
    await expect(storage.db.query('TRUNCATE team_audit')).rejects.toThrow(/append-only/);
    // behind the trigger's back (the table owner disables it): caught, with the entry's seq
    await storage.db.query('ALTER TABLE team_audit DISABLE TRIGGER team_audit_no_change');
    try {
      await storage.db.query(`UPDATE team_audit SET detail_json = '{"monitor":"delta","note":"x"}' WHERE seq = $1`, [e1.seq]);
      expect(await team.verifyAudit()).toMatchObject({ ok: false, seq: e1.seq, problem: expect.stringMatching(/hash/) });
      // a re-hashed entry is caught by the signature (and the next entry's prevHash)
      const { createHash } = await import('node:crypto');
      const { auditHashInput } = await import('../team/register');
      const forged = { ...e1, detail: { monitor: 'delta' } };
      const fh = createHash('sha256').update(auditHashInput(forged)).digest('hex');
      await storage.db.query('UPDATE team_audit SET detail_json = $2, hash = $3 WHERE seq = $1', [e1.seq, '{"monitor":"delta"}', fh]);
      expect(await team.verifyAudit()).toMatchObject({ ok: false, seq: e1.seq, problem: expect.stringMatching(/signature/) });
      // restored: the chain verifies again
      const { canonicalJson } = await import('../../lib/integrity/canonical');
      await storage.db.query('UPDATE team_audit SET detail_json = $2, hash = $3 WHERE seq = $1', [e1.seq, canonicalJson(e1.detail), e1.hash]);
      expect(await team.verifyAudit()).toEqual({ ok: true, entries: e2.seq });
      // a deleted entry breaks the sequence
      await storage.db.query('DELETE FROM team_audit WHERE seq = $1', [e1.seq]);
      expect(await team.verifyAudit()).toMatchObject({ ok: false, seq: e1.seq, problem: expect.stringMatching(/missing/) });
      await storage.db.query(
        `INSERT INTO team_audit (seq, at, actor, role, action, target, detail_json, prev_hash, hash, signature, key_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [e1.seq, e1.at, e1.actor, e1.role, e1.action, e1.target, canonicalJson(e1.detail), e1.prevHash, e1.hash, e1.signature, e1.keyId]);
      expect(await team.verifyAudit()).toEqual({ ok: true, entries: e2.seq });
    } finally {
      await storage.db.query('ALTER TABLE team_audit ENABLE TRIGGER team_audit_no_change');
    }
  });

  it('the outsider recipe of docs/workspace.md (python3 + cryptography) verifies entries this code wrote and refuses a changed one', async () => {
    await team.audit({ name: 'Dewi "Δ" <i>', role: 'coordinator' }, 'finding.status', 'finding:7', { from: 'baru', to: 'diverifikasi', note: 'ﬃ 😀 \u0001 é' });
    const doc = await readFile(join(__dirname, '../../docs/workspace.md'), 'utf8');
    const m = /<!-- audit-recipe:start -->\s*```python\n([\s\S]*?)```\s*<!-- audit-recipe:end -->/.exec(doc);
    expect(m, 'docs/workspace.md holds the recipe between audit-recipe markers').not.toBeNull();
    const dir = await mkdtemp(join(tmpdir(), 'asn-audit-'));
    try {
      const script = join(dir, 'verify_audit.py');
      await writeFile(script, m![1]!);
      const entries = (await team.auditLog({}, 1, 100000)).items.reverse();
      await writeFile(join(dir, 'audit.json'), JSON.stringify(entries));
      await writeFile(join(dir, 'server-key.json'), JSON.stringify(signer.publicKey));
      const run = (file: string) => {
        try {
          return { code: 0, out: execFileSync('python3', [script, join(dir, file), join(dir, 'server-key.json')], { encoding: 'utf8', cwd: join(__dirname, '../..') }) };
        } catch (e) {
          const x = e as { status: number; stdout: string; stderr: string };
          return { code: x.status, out: x.stdout + x.stderr };
        }
      };
      const ok = run('audit.json');
      expect(ok.out).toMatch(new RegExp(`OK: ${entries.length} entries`));
      expect(ok.code).toBe(0);
      const bad = structuredClone(entries);
      bad[bad.length - 1]!.detail = { ...bad[bad.length - 1]!.detail, to: 'ditolak' };
      await writeFile(join(dir, 'bad.json'), JSON.stringify(bad));
      const no = run('bad.json');
      expect(no.code).not.toBe(0);
      expect(no.out).toMatch(new RegExp(`entry ${bad.length}: hash`));
      // and with openssl: the signature is ES256 over the 64 hex characters of the hash
      const last = entries[entries.length - 1]!;
      const conv = `
import base64, sys, json
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives import serialization
b = lambda s: base64.urlsafe_b64decode(s + '=' * (-len(s) % 4))
k = json.load(open(sys.argv[1])); raw = b(sys.argv[2])
open(sys.argv[3] + '/sig.der', 'wb').write(encode_dss_signature(int.from_bytes(raw[:32], 'big'), int.from_bytes(raw[32:], 'big')))
pub = ec.EllipticCurvePublicNumbers(int.from_bytes(b(k['x']), 'big'), int.from_bytes(b(k['y']), 'big'), ec.SECP256R1()).public_key()
open(sys.argv[3] + '/key.pem', 'wb').write(pub.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
`;
      execFileSync('python3', ['-c', conv, join(dir, 'server-key.json'), last.signature, dir]);
      await writeFile(join(dir, 'signed.bin'), last.hash);
      expect(execFileSync('openssl', ['dgst', '-sha256', '-verify', join(dir, 'key.pem'), '-signature', join(dir, 'sig.der'), join(dir, 'signed.bin')], { encoding: 'utf8' })).toMatch(/Verified OK/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it('two processes: concurrent audit appends stay one chain; concurrent indexing of one record files it once', async () => {
    const other = await backend.second();
    const dbs = other ? [storage.db, other] : [storage.db];
    try {
      const teams = dbs.map((db) => new TeamRegister(db, signer, { now }));
      await Promise.all(Array.from({ length: 20 }, (_, i) => teams[i % teams.length]!.audit(coord, 'test.concurrent', `test:${i}`, { i })));
      expect(await team.verifyAudit()).toMatchObject({ ok: true });
      const u = uniq();
      const recs = await Promise.all([0, 1, 2, 3].map((i) => put(storage, recordOf({ subject: { nip: null, accountUrl: `https://facebook.com/race${u}` }, comment: { id: `c${u}` } }), `m${i}`)));
      await Promise.all(recs.flatMap((r) => teams.map((t) => t.indexEvidence(r.id))));
      const f = (await team.findingOf(recs[0]!.id))!;
      expect(f.witnesses).toHaveLength(4);
      const rows = await storage.db.query<{ n: number | string }>('SELECT count(*) AS n FROM team_records WHERE evidence_id = ANY($1)', [recs.map((r) => r.id)]);
      expect(Number(rows[0]!.n)).toBe(4);
      expect((await team.subject(f.subjectId))!.subject).toMatchObject({ records: 4, findings: 1 });
    } finally {
      await other?.close();
    }
  });

  it('backfill files rows stored before migration 5, then has nothing left to do', async () => {
    const fresh = await backend.fresh();
    try {
      const { driver } = fresh;
      await driver.query('CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
      for (const m of MIGRATIONS.filter((x) => x.version < 5)) {
        await driver.query(m.sql);
        await driver.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      }
      const nipX = nip();
      const u = uniq();
      const old = [
        recordOf({ subject: { nip: nipX }, comment: { id: `a${u}` } }),
        recordOf({ subject: { nip: nipX }, comment: { id: `a${u}` } }),
        recordOf({ subject: { nip: null, accountUrl: null }, comment: { id: `b${u}` } }),
      ];
      for (const [i, r] of old.entries()) {
        await driver.query(
          `INSERT INTO evidence (id, received_at, monitor, sha256, record_json, platform, kind, subject_name, page_url, captured_at, screenshot_path, screenshot_bytes)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
          [r.id, new Date(clock += 1000).toISOString(), i ? 'beta' : 'alpha', 'a'.repeat(64), JSON.stringify(r), r.platform, r.kind, r.subject.name, r.page.url, r.capturedAt, 'x.png', 1]);
      }
      // a row whose record is unreadable (hand-made, or an early format) is still filed, on its own
      await driver.query(
        `INSERT INTO evidence (id, received_at, monitor, sha256, record_json, platform, kind, subject_name, page_url, captured_at, screenshot_path, screenshot_bytes)
         VALUES ('legacy-1', now(), 'alpha', $1, '{"id":"legacy-1"', 'other', 'page', NULL, 'https://example.org/x', now(), 'x.png', 1)`, ['b'.repeat(64)]);
      await driver.close();
      const st = await fresh.open();
      try {
        const t = new TeamRegister(st.db, signer, { now });
        expect((await t.inbox({}, 1, 10)).total).toBe(0);
        expect(await t.backfill()).toBe(4);
        expect(await t.backfill()).toBe(0);
        const inbox = await t.inbox({}, 1, 10);
        expect(inbox.total).toBe(4);
        const f = (await t.findingOf(old[0]!.id))!;
        expect(f.witnesses.map((w) => w.monitor).sort()).toEqual(['alpha', 'beta']);
        expect((await t.subjects({}, 1, 10)).items.map((s) => s.records).sort()).toEqual([1, 1, 2]);
        expect((await t.findingOf('legacy-1'))!.witnesses).toHaveLength(1);
        // a backfill interrupted after filing (summaries not brought up to date yet) finishes that
        // work the next time it runs, even with nothing left to file
        await st.db.query("UPDATE team_subjects SET s_records = 0, s_findings = 0");
        await st.db.query("INSERT INTO team_state (key, value) VALUES ('summaries_stale', '1')");
        expect((await t.subjects({}, 1, 10)).total).toBe(0);
        expect(await t.backfill()).toBe(0);
        expect((await t.subjects({}, 1, 10)).items.map((s) => s.records).sort()).toEqual([1, 1, 2]);
        expect(await st.db.query('SELECT * FROM team_state')).toEqual([]);
      } finally {
        await st.close();
      }
    } finally {
      await fresh.cleanup();
    }
  }, 60_000);
}

describe('team register: PGlite (embedded)', () => {
  teamSuite(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'asn-team-'));
    const dirs = [dir];
    return {
      name: 'pglite',
      open: () => openStorage({ dbDir: dir }),
      second: async () => null,
      async fresh() {
        const d = await mkdtemp(join(tmpdir(), 'asn-team-fresh-'));
        dirs.push(d);
        return { driver: await pgliteDriver(d), open: () => openStorage({ dbDir: d }), cleanup: async () => {} };
      },
      async cleanup() {
        for (const d of dirs) await rm(d, { recursive: true, force: true });
      },
    };
  });
});

if (!PG_URL) console.warn('[team.test] SKIPPING PostgreSQL: set TEST_DATABASE_URL=postgres://user:pass@host/db to run it.');

const teamSchema = () => pgSchema(PG_URL!, 'asn_team');

describe.skipIf(!PG_URL)('team register: PostgreSQL (TEST_DATABASE_URL)', () => {
  teamSuite(async () => {
    const main = await teamSchema();
    const drops = [main];
    return {
      name: 'postgres',
      open: () => openStorage({ databaseUrl: main.url, dbDir: '/nonexistent' }),
      second: () => postgresDriver(main.url),
      async fresh() {
        const s = await teamSchema();
        drops.push(s);
        return { driver: await postgresDriver(s.url), open: () => openStorage({ databaseUrl: s.url, dbDir: '/nonexistent' }), cleanup: async () => {} };
      },
      async cleanup() {
        for (const d of drops) await d.drop();
      },
    };
  });
});
