/**
 * In-memory fakes of TeamApi, AuthApi and the part of EvidenceStorage the workspace uses, faithful
 * to the interface docs (server/team/types.ts, server/auth/types.ts): sessions expire and die with a
 * disabled person, CSRF compared in constant time, sign-in locks after repeated failures, the plain
 * token is returned once, workflow refuses steps the status does not allow (TeamError 422), every
 * change appends an audit entry. Calls are recorded so tests can assert what a page asked for.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AuthApi, IssuedToken, LoginResult, Person, Session } from '../auth/types';
import { MIN_PASSWORD_LENGTH } from '../auth/types';
import type { EvidenceStorage, EvidenceVersion, InstallationKey, StoredEvidence } from '../storage';
import {
  REPORT_DEADLINE_DAYS, TeamError, type Actor, type AuditEntry, type Finding, type FindingStatus, type InboxFilter, type InboxItem,
  type Page, type StatusChange, type SubjectDetail, type SubjectSummary, type TeamApi, type TeamKnowledge,
} from '../team/types';
import { tokenFingerprint, type Role } from '../tokens';

const now = () => new Date().toISOString();

export class FakeAuth implements AuthApi {
  readonly people_ = new Map<string, { person: Person; password: string }>();
  readonly sessions = new Map<string, Session>();
  readonly failures = new Map<string, number>();
  readonly issued = new Map<string, IssuedToken & { token: string }>();
  /** after this many wrong passwords in a row an account is locked for lockSeconds */
  maxFailures = 5;
  lockSeconds = 300;
  constructor(readonly coordinatorTokens: string[] = ['coord-config-token-1']) {}

  async needsBootstrap(): Promise<boolean> {
    return ![...this.people_.values()].some((p) => p.person.role === 'coordinator');
  }

  async bootstrap(proof: string, username: string, displayName: string, password: string): Promise<Person> {
    if (!(await this.needsBootstrap())) throw new TeamError(409, 'bootstrap_done', 'a coordinator exists');
    if (!this.coordinatorTokens.includes(proof)) throw new TeamError(422, 'bad_proof', 'not a configured coordinator token');
    return this.addPerson({ username, displayName, role: 'coordinator', password }, 'bootstrap');
  }

  async login(username: string, password: string, _client: string): Promise<LoginResult> {
    const n = this.failures.get(username) ?? 0;
    if (n >= this.maxFailures) return { ok: false, reason: 'locked', retryAfterSeconds: this.lockSeconds };
    const p = this.people_.get(username);
    if (!p || p.password !== password || p.person.disabledAt) {
      this.failures.set(username, n + 1);
      return { ok: false, reason: 'invalid' };
    }
    this.failures.delete(username);
    const sessionId = randomBytes(32).toString('base64url');
    const session: Session = { person: p.person, csrf: randomBytes(32).toString('base64url'), expiresAt: new Date(Date.now() + 8 * 3600_000).toISOString() };
    this.sessions.set(sessionId, session);
    return { ok: true, sessionId, session };
  }

  async session(sessionId: string | undefined): Promise<Session | null> {
    if (!sessionId) return null;
    const s = this.sessions.get(sessionId);
    if (!s || Date.parse(s.expiresAt) < Date.now()) return null;
    const p = this.people_.get(s.person.username);
    if (!p || p.person.disabledAt) return null;
    return { ...s, person: p.person };
  }

  checkCsrf(session: Session, token: string | undefined): boolean {
    if (typeof token !== 'string') return false;
    const a = Buffer.from(session.csrf);
    const b = Buffer.from(token);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  async logout(sessionId: string): Promise<void> {
    this.sessions.delete(sessionId);
  }

  async people(): Promise<Person[]> {
    return [...this.people_.values()].map((p) => p.person);
  }

  async addPerson(p: { username: string; displayName: string; role: Role; monitor?: string | null; password: string }, _by: string): Promise<Person> {
    if (this.people_.has(p.username)) throw new TeamError(409, 'username_taken', 'taken');
    if (p.password.length < MIN_PASSWORD_LENGTH || p.password === p.username) throw new TeamError(422, 'weak_password', 'weak');
    const person: Person = {
      username: p.username, displayName: p.displayName, role: p.role,
      monitor: p.role === 'monitor' ? (p.monitor ?? p.username) : null, createdAt: now(), disabledAt: null,
    };
    this.people_.set(p.username, { person, password: p.password });
    return person;
  }

  async setPassword(username: string, password: string): Promise<void> {
    const p = this.people_.get(username);
    if (!p) throw new TeamError(404, 'not_found', 'no such person');
    p.password = password;
  }

  async disablePerson(username: string, _by: string): Promise<void> {
    const p = this.people_.get(username);
    if (!p) throw new TeamError(404, 'not_found', 'no such person');
    p.person = { ...p.person, disabledAt: now() };
  }

  async issueToken(t: { monitor: string; role: Role; label: string }, by: string): Promise<{ token: string; issued: IssuedToken }> {
    const token = `tw-${randomBytes(24).toString('base64url')}`;
    const issued: IssuedToken = { id: tokenFingerprint(token), monitor: t.monitor, role: t.role, label: t.label, createdAt: now(), createdBy: by, revokedAt: null, revokedBy: null };
    this.issued.set(issued.id, { ...issued, token });
    return { token, issued };
  }

  async tokens(): Promise<IssuedToken[]> {
    // never the plain token
    return [...this.issued.values()].map(({ token: _t, ...rest }) => rest);
  }

  async revokeToken(id: string, by: string): Promise<IssuedToken | null> {
    const t = this.issued.get(id);
    if (!t) return null;
    t.revokedAt = now();
    t.revokedBy = by;
    const { token: _t, ...rest } = t;
    return rest;
  }

  async tokenIdentity(token: string): Promise<{ monitor: string; role: Role; enabled: boolean } | null> {
    const t = this.issued.get(tokenFingerprint(token));
    return t && t.token === token ? { monitor: t.monitor, role: t.role, enabled: t.revokedAt === null } : null;
  }
}

/** What the fake register knows about one record. */
export interface FakeRecord {
  id: string;
  monitor: string;
  capturedAt: string;
  receivedAt: string;
  platform: string;
  kind: string;
  subjectId: number;
  findingId: number;
  violations: string[];
  agency: string | null;
}

const ALLOWED: Record<FindingStatus, readonly FindingStatus[]> = {
  baru: ['diverifikasi', 'ditolak'],
  diverifikasi: ['diteruskan', 'ditolak', 'baru'],
  diteruskan: ['ditindaklanjuti', 'ditolak'],
  ditindaklanjuti: [],
  ditolak: ['baru'],
};

export class FakeTeam implements TeamApi {
  readonly subjects_ = new Map<number, { id: number; name: string | null; nip: string | null; accountUrl: string | null; agency: string | null; mergedInto: number | null }>();
  readonly findings_ = new Map<number, Finding & { mergedInto: number | null }>();
  readonly records: FakeRecord[] = [];
  /** finding id -> the subject it was filed under before a merge moved it */
  private readonly homeSubject = new Map<number, number>();
  readonly auditEntries: AuditEntry[] = [];
  readonly inboxCalls: { filter: InboxFilter; page: number; pageSize: number }[] = [];
  readonly statusCalls: { id: number; change: StatusChange; actor: Actor }[] = [];
  readonly mergeCalls: { kind: 'subject' | 'finding'; from: number; into: number; actor: Actor }[] = [];
  readonly splitCalls: { kind: 'subject' | 'finding'; id: number }[] = [];
  /** what evidenceIds returns (overrides the filter when set) */
  evidenceIdsOverride: string[] | null = null;
  /** thrown by the next changeStatus (a concurrent change, say) */
  nextStatusError: TeamError | null = null;
  auditBroken: { seq: number; problem: string } | null = null;

  addSubject(s: { id: number; name: string | null; nip?: string | null; accountUrl?: string | null; agency?: string | null }): void {
    this.subjects_.set(s.id, { nip: null, accountUrl: null, agency: null, ...s, mergedInto: null });
  }

  addFinding(f: { id: number; subjectId: number; platform?: string; kind?: string; violations?: string[]; status?: FindingStatus; firstCapturedAt: string; targetUrl?: string | null }): void {
    const first = f.firstCapturedAt;
    this.findings_.set(f.id, {
      id: f.id, subjectId: f.subjectId, targetKey: `t${f.id}`, platform: f.platform ?? 'facebook', kind: f.kind ?? 'comment',
      targetUrl: f.targetUrl ?? null, violations: f.violations ?? ['comment'], status: f.status ?? 'baru', firstCapturedAt: first,
      deadline: new Date(Date.parse(first) + REPORT_DEADLINE_DAYS * 86_400_000).toISOString(),
      forwardedTo: null, forwardedOn: null, letterNumber: null, sanction: null, rejectedReason: null, updatedAt: first,
      witnesses: [], mergedFrom: [], mergedInto: null,
    });
  }

  addRecord(r: FakeRecord): void {
    this.records.push(r);
    const f = this.findings_.get(r.findingId)!;
    f.witnesses.push({ evidenceId: r.id, monitor: r.monitor, capturedAt: r.capturedAt, receivedAt: r.receivedAt });
  }

  private item(r: FakeRecord): InboxItem {
    const s = this.subjects_.get(r.subjectId)!;
    const f = this.findings_.get(r.findingId)!;
    return {
      id: r.id, monitor: r.monitor, receivedAt: r.receivedAt, capturedAt: r.capturedAt, platform: r.platform, kind: r.kind,
      subjectId: s.id, subjectName: s.name, nip: s.nip, agency: r.agency, violations: r.violations, findingId: f.id,
      findingStatus: f.status, witnesses: new Set(f.witnesses.map((w) => w.monitor)).size, pageUrl: 'https://www.facebook.com/x', version: 1,
    };
  }

  private matching(filter: InboxFilter): InboxItem[] {
    return this.records.map((r) => this.item(r)).filter((it) =>
      (!filter.monitor || it.monitor === filter.monitor)
      && (!filter.platform || it.platform === filter.platform)
      && (!filter.violation || it.violations.includes(filter.violation))
      && (!filter.status || it.findingStatus === filter.status)
      && (!filter.unit || (it.agency ?? '').toLowerCase().includes(filter.unit.toLowerCase()))
      && (!filter.q || (it.subjectName ?? '').toLowerCase().includes(filter.q.toLowerCase()) || (it.nip ?? '').startsWith(filter.q))
      && (!filter.from || it.capturedAt.slice(0, 10) >= filter.from)
      && (!filter.to || it.capturedAt.slice(0, 10) <= filter.to));
  }

  async indexEvidence(_id: string): Promise<void> {}
  async backfill(): Promise<number> { return 0; }

  async inbox(filter: InboxFilter, page: number, pageSize: number): Promise<Page<InboxItem>> {
    this.inboxCalls.push({ filter: { ...filter }, page, pageSize });
    const all = this.matching(filter);
    return { items: all.slice((page - 1) * pageSize, page * pageSize), total: all.length, page, pageSize };
  }

  async facets() {
    return {
      monitors: [...new Set(this.records.map((r) => r.monitor))].sort(),
      platforms: [...new Set(this.records.map((r) => r.platform))].sort(),
      units: [...new Set(this.records.map((r) => r.agency).filter((x): x is string => !!x))].sort(),
    };
  }

  private summary(id: number): SubjectSummary {
    const s = this.subjects_.get(id)!;
    const findings = [...this.findings_.values()].filter((f) => f.subjectId === id && f.mergedInto === null);
    const recs = this.records.filter((r) => findings.some((f) => f.id === r.findingId));
    const byViolation: Record<string, number> = {};
    for (const f of findings) for (const v of f.violations) byViolation[v] = (byViolation[v] ?? 0) + 1;
    const open = findings.filter((f) => ['baru', 'diverifikasi', 'diteruskan'].includes(f.status));
    const deadlines = open.map((f) => f.deadline).filter((d): d is string => !!d).sort();
    const times = recs.map((r) => r.capturedAt).sort();
    return {
      id, name: s.name, nip: s.nip, accountUrl: s.accountUrl, agency: s.agency, findings: findings.length, records: recs.length,
      firstAt: times[0] ?? '', lastAt: times.at(-1) ?? '', byViolation, monitors: [...new Set(recs.map((r) => r.monitor))].sort(),
      open: open.length, nextDeadline: deadlines[0] ?? null,
      mergedFrom: [...this.subjects_.values()].filter((x) => x.mergedInto === id).map((x) => x.id),
    };
  }

  async subjects(filter: { q?: string; openOnly?: boolean }, page: number, pageSize: number): Promise<Page<SubjectSummary>> {
    const all = [...this.subjects_.values()].filter((s) => s.mergedInto === null).map((s) => this.summary(s.id))
      .filter((s) => (!filter.q || (s.name ?? '').toLowerCase().includes(filter.q.toLowerCase()) || (s.nip ?? '').startsWith(filter.q))
        && (!filter.openOnly || s.open > 0));
    return { items: all.slice((page - 1) * pageSize, page * pageSize), total: all.length, page, pageSize };
  }

  async subject(id: number): Promise<SubjectDetail | null> {
    const s = this.subjects_.get(id);
    if (!s || s.mergedInto !== null) return null;
    return { subject: this.summary(id), findings: [...this.findings_.values()].filter((f) => f.subjectId === id && f.mergedInto === null).map((f) => this.pub(f)) };
  }

  private pub(f: Finding & { mergedInto: number | null }): Finding {
    const { mergedInto: _m, ...rest } = f;
    return { ...rest, witnesses: [...rest.witnesses], mergedFrom: [...this.findings_.values()].filter((x) => x.mergedInto === f.id).map((x) => x.id) };
  }

  async finding(id: number): Promise<Finding | null> {
    const f = this.findings_.get(id);
    return f && f.mergedInto === null ? this.pub(f) : null;
  }

  async findingOf(evidenceId: string): Promise<Finding | null> {
    const r = this.records.find((x) => x.id === evidenceId);
    return r ? this.finding(r.findingId) : null;
  }

  async changeStatus(findingId: number, change: StatusChange, actor: Actor): Promise<Finding> {
    this.statusCalls.push({ id: findingId, change, actor });
    if (this.nextStatusError) {
      const e = this.nextStatusError;
      this.nextStatusError = null;
      throw e;
    }
    const f = this.findings_.get(findingId);
    if (!f || f.mergedInto !== null) throw new TeamError(404, 'not_found', `finding ${findingId} not found`);
    if (!ALLOWED[f.status].includes(change.to)) throw new TeamError(422, 'transition_not_allowed', `${f.status} -> ${change.to} not allowed`);
    const from = f.status;
    f.status = change.to;
    if (change.to === 'diteruskan') Object.assign(f, { forwardedTo: change.receiver, forwardedOn: change.on, letterNumber: change.letterNumber, deadline: null });
    if (change.to === 'ditindaklanjuti') Object.assign(f, { sanction: change.sanction, deadline: null });
    if (change.to === 'ditolak') Object.assign(f, { rejectedReason: change.reason, deadline: null });
    f.updatedAt = now();
    await this.audit(actor, 'finding.status', `finding:${findingId}`, { from, ...change });
    return this.pub(f);
  }

  async mergeSubjects(fromId: number, intoId: number, actor: Actor): Promise<SubjectDetail> {
    this.mergeCalls.push({ kind: 'subject', from: fromId, into: intoId, actor });
    if (fromId === intoId) throw new TeamError(422, 'same_subject', 'same');
    const from = this.subjects_.get(fromId);
    const into = this.subjects_.get(intoId);
    if (!from || !into || into.mergedInto !== null) throw new TeamError(404, 'not_found', 'no such subject');
    if (from.mergedInto !== null) throw new TeamError(409, 'already_merged', 'merged');
    from.mergedInto = intoId;
    for (const f of this.findings_.values()) {
      if (f.subjectId === fromId) {
        if (!this.homeSubject.has(f.id)) this.homeSubject.set(f.id, fromId);
        f.subjectId = intoId;
      }
    }
    await this.audit(actor, 'subject.merge', `subject:${intoId}`, { from: fromId });
    return (await this.subject(intoId))!;
  }

  async splitSubject(id: number, actor: Actor): Promise<SubjectDetail> {
    this.splitCalls.push({ kind: 'subject', id });
    const s = this.subjects_.get(id);
    if (!s) throw new TeamError(404, 'not_found', 'no such subject');
    if (s.mergedInto === null) throw new TeamError(409, 'not_merged', 'not merged');
    s.mergedInto = null;
    for (const f of this.findings_.values()) {
      if (this.homeSubject.get(f.id) === id) {
        f.subjectId = id;
        this.homeSubject.delete(f.id);
      }
    }
    await this.audit(actor, 'subject.split', `subject:${id}`, {});
    return (await this.subject(id))!;
  }

  async mergeFindings(fromId: number, intoId: number, actor: Actor): Promise<Finding> {
    this.mergeCalls.push({ kind: 'finding', from: fromId, into: intoId, actor });
    if (fromId === intoId) throw new TeamError(422, 'same_finding', 'same');
    const from = this.findings_.get(fromId);
    const into = this.findings_.get(intoId);
    if (!from || !into || into.mergedInto !== null) throw new TeamError(404, 'not_found', 'no such finding');
    if (from.mergedInto !== null) throw new TeamError(409, 'already_merged', 'merged');
    from.mergedInto = intoId;
    into.witnesses.push(...from.witnesses);
    await this.audit(actor, 'finding.merge', `finding:${intoId}`, { from: fromId });
    return (await this.finding(intoId))!;
  }

  async splitFinding(id: number, actor: Actor): Promise<Finding> {
    this.splitCalls.push({ kind: 'finding', id });
    const f = this.findings_.get(id);
    if (!f) throw new TeamError(404, 'not_found', 'no such finding');
    if (f.mergedInto === null) throw new TeamError(409, 'not_merged', 'not merged');
    const into = this.findings_.get(f.mergedInto)!;
    into.witnesses = into.witnesses.filter((w) => !f.witnesses.some((x) => x.evidenceId === w.evidenceId));
    f.mergedInto = null;
    await this.audit(actor, 'finding.split', `finding:${id}`, {});
    return (await this.finding(id))!;
  }

  async evidenceIdsOfSubject(id: number): Promise<string[]> {
    const fids = [...this.findings_.values()].filter((f) => f.subjectId === id).map((f) => f.id);
    return this.records.filter((r) => fids.includes(r.findingId)).sort((a, b) => a.capturedAt.localeCompare(b.capturedAt)).map((r) => r.id);
  }

  async evidenceIds(filter: InboxFilter, limit: number): Promise<string[]> {
    const ids = this.evidenceIdsOverride ?? this.matching(filter).map((i) => i.id);
    return ids.slice(0, limit);
  }

  async audit(actor: Actor, action: string, target: string, detail: Record<string, unknown>): Promise<AuditEntry> {
    const prev = this.auditEntries.at(-1);
    const e: AuditEntry = {
      seq: (prev?.seq ?? 0) + 1, at: now(), actor: actor.name, role: actor.role, action, target, detail,
      prevHash: prev?.hash ?? '0'.repeat(64), hash: randomBytes(32).toString('hex'), signature: 'sig', keyId: 'f'.repeat(64),
    };
    this.auditEntries.push(e);
    return e;
  }

  async auditLog(filter: { target?: string }, page: number, pageSize: number): Promise<Page<AuditEntry>> {
    const all = this.auditEntries.filter((e) => !filter.target || e.target === filter.target).slice().reverse();
    return { items: all.slice((page - 1) * pageSize, page * pageSize), total: all.length, page, pageSize };
  }

  async verifyAudit(): Promise<{ ok: true; entries: number } | { ok: false; seq: number; problem: string }> {
    return this.auditBroken ? { ok: false, ...this.auditBroken } : { ok: true, entries: this.auditEntries.length };
  }

  async knowledge(_keys: { nips: string[]; accounts: string[] }): Promise<TeamKnowledge[]> {
    return [];
  }
}

/** The storage calls the workspace makes (get, versions, listKeys, decideKey); the rest throw. */
export class FakeStorage {
  readonly rows = new Map<string, StoredEvidence>();
  readonly keys = new Map<string, InstallationKey>();
  readonly oldVersions = new Map<string, EvidenceVersion[]>();
  readonly decisions: { keyId: string; status: string; by: string }[] = [];

  asStorage(): EvidenceStorage {
    const no = (name: string) => async () => { throw new Error(`FakeStorage.${name} is not used by the workspace`); };
    return {
      driver: 'pglite',
      db: { name: 'pglite', query: no('db.query'), transaction: no('db.transaction'), close: async () => {} },
      migrate: async () => {},
      insert: no('insert'),
      get: async (id: string) => this.rows.get(id) ?? null,
      amend: no('amend'),
      versions: async (id: string) => this.oldVersions.get(id) ?? [],
      list: no('list'),
      rows: no('rows'),
      count: no('count'),
      registerKey: no('registerKey'),
      listKeys: async () => [...this.keys.values()],
      decideKey: async (keyId: string, status: 'approved' | 'revoked', by: string, at: string) => {
        const k = this.keys.get(keyId);
        if (!k) return null;
        this.decisions.push({ keyId, status, by });
        const next = { ...k, status, decidedAt: at, decidedBy: by };
        this.keys.set(keyId, next);
        return next;
      },
      close: async () => {},
    } as EvidenceStorage;
  }
}
