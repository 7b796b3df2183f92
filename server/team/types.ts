/**
 * The team workspace's data shapes (issue 15): what server/team produces and server/workspace
 * renders. Dates are ISO 8601 UTC strings; the renderer shows them in the team's time zone.
 */
import type { Role } from '../tokens';

export const FINDING_STATUSES = ['baru', 'diverifikasi', 'diteruskan', 'ditindaklanjuti', 'ditolak'] as const;
export type FindingStatus = (typeof FINDING_STATUSES)[number];
/** Where a finding is forwarded (diteruskan). */
export const RECEIVERS = ['bawaslu', 'bkn', 'ppk', 'inspektorat'] as const;
export type Receiver = (typeof RECEIVERS)[number];
/** Days from the first capture within which an open finding must be reported. */
export const REPORT_DEADLINE_DAYS = 7;

/** Inbox filter (every member optional; strings trimmed, empty = not set). */
export interface InboxFilter {
  /** captured on or after this day / on or before this day (YYYY-MM-DD, team time zone) */
  from?: string;
  to?: string;
  monitor?: string;
  /** the ASN's agency/unit (record.subject.agency), case-insensitive contains */
  unit?: string;
  platform?: string;
  /** one of VIOLATION_TYPES */
  violation?: string;
  status?: FindingStatus;
  /** ASN name (case-insensitive contains) or NIP (digits, prefix) */
  q?: string;
  subjectId?: number;
  findingId?: number;
}

/** One line of the inbox: a received record with its ASN and finding. */
export interface InboxItem {
  id: string;
  monitor: string;
  receivedAt: string;
  capturedAt: string;
  platform: string;
  kind: string;
  subjectId: number;
  subjectName: string | null;
  nip: string | null;
  agency: string | null;
  violations: string[];
  findingId: number;
  findingStatus: FindingStatus;
  /** witnesses of the finding (distinct monitors) */
  witnesses: number;
  pageUrl: string;
  version: number;
}

export interface Page<T> { items: T[]; total: number; page: number; pageSize: number }

/** One entry of the team register (GET /v1/subjects). */
export interface SubjectSummary {
  id: number;
  name: string | null;
  nip: string | null;
  accountUrl: string | null;
  agency: string | null;
  /** findings (not records) about this ASN, all statuses */
  findings: number;
  records: number;
  firstAt: string;
  lastAt: string;
  /** findings per violation type */
  byViolation: Record<string, number>;
  monitors: string[];
  /** open findings (baru, diverifikasi, diteruskan) and the earliest deadline among them */
  open: number;
  nextDeadline: string | null;
  /** other subject ids merged into this one */
  mergedFrom: number[];
}

export interface Witness { evidenceId: string; monitor: string; capturedAt: string; receivedAt: string }

export interface Finding {
  id: number;
  subjectId: number;
  targetKey: string;
  platform: string;
  kind: string;
  targetUrl: string | null;
  violations: string[];
  status: FindingStatus;
  firstCapturedAt: string;
  /** firstCapturedAt + REPORT_DEADLINE_DAYS; null once forwarded, acted on or rejected */
  deadline: string | null;
  forwardedTo: Receiver | null;
  forwardedOn: string | null;
  letterNumber: string | null;
  sanction: string | null;
  rejectedReason: string | null;
  updatedAt: string;
  witnesses: Witness[];
  /** other finding ids merged into this one */
  mergedFrom: number[];
}

export interface SubjectDetail { subject: SubjectSummary; findings: Finding[] }

/** A workflow change asked by a coordinator. */
export type StatusChange =
  | { to: 'diverifikasi'; note?: string }
  | { to: 'diteruskan'; receiver: Receiver; on: string; letterNumber: string; note?: string }
  | { to: 'ditindaklanjuti'; sanction: string; note?: string }
  | { to: 'ditolak'; reason: string }
  | { to: 'baru'; note?: string };

/** One entry of the append-only, hash-chained audit log the server signs (docs/workspace.md). */
export interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  role: Role;
  action: string;
  /** e.g. "finding:12", "subject:4", "token:ab12cd34", "key:<64 hex>", "person:budi" */
  target: string;
  detail: Record<string, unknown>;
  prevHash: string;
  hash: string;
  /** ES256 by the server key over `hash` (base64url) */
  signature: string;
  /** key id (RFC 7638 thumbprint, hex) of the server key that signed it */
  keyId: string;
}

/** What a monitor's extension may learn about an account or NIP: counts only. */
export interface TeamKnowledge { key: string; findings: number; open: number; lastAt: string | null }

/** Who acts (a signed-in person or a token). */
export interface Actor { name: string; role: Role }

/** Refusals of the register and workflow; the route answers 404/409/422 with `code`. */
export class TeamError extends Error {
  constructor(
    readonly status: 404 | 409 | 422,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The team register (server/team/register.ts implements it). Every change (status, merge, split)
 * appends one signed audit entry in the same transaction.
 */
export interface TeamApi {
  /** Files one stored record (after insert or amendment) under its ASN and finding; idempotent. */
  indexEvidence(evidenceId: string): Promise<void>;
  /** Indexes every stored record not indexed yet (databases from before migration 5). */
  backfill(): Promise<number>;
  inbox(filter: InboxFilter, page: number, pageSize: number): Promise<Page<InboxItem>>;
  /** distinct monitors and platforms and units seen, for the filter form */
  facets(): Promise<{ monitors: string[]; platforms: string[]; units: string[] }>;
  subjects(filter: { q?: string; openOnly?: boolean }, page: number, pageSize: number): Promise<Page<SubjectSummary>>;
  subject(id: number): Promise<SubjectDetail | null>;
  finding(id: number): Promise<Finding | null>;
  /** the finding a record belongs to */
  findingOf(evidenceId: string): Promise<Finding | null>;
  changeStatus(findingId: number, change: StatusChange, actor: Actor): Promise<Finding>;
  mergeSubjects(fromId: number, intoId: number, actor: Actor): Promise<SubjectDetail>;
  splitSubject(id: number, actor: Actor): Promise<SubjectDetail>;
  mergeFindings(fromId: number, intoId: number, actor: Actor): Promise<Finding>;
  splitFinding(id: number, actor: Actor): Promise<Finding>;
  /** record ids of a subject's findings (for the per-ASN export), oldest first */
  evidenceIdsOfSubject(id: number): Promise<string[]>;
  /** record ids matching an inbox filter (for the per-filter export), oldest first, at most `limit` */
  evidenceIds(filter: InboxFilter, limit: number): Promise<string[]>;
  /** Appends one entry (also used for token, key and person changes). */
  audit(actor: Actor, action: string, target: string, detail: Record<string, unknown>): Promise<AuditEntry>;
  auditLog(filter: { target?: string }, page: number, pageSize: number): Promise<Page<AuditEntry>>;
  /** Re-checks the whole chain and every signature; ok:false names the first bad seq. */
  verifyAudit(): Promise<{ ok: true; entries: number } | { ok: false; seq: number; problem: string }>;
  /** Counts per NIP or account URL (normalised), for a monitor's extension. */
  knowledge(keys: { nips: string[]; accounts: string[] }): Promise<TeamKnowledge[]>;
}
