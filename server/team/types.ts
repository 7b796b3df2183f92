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
}

/** What a monitor's extension may learn about an account or NIP: counts only. */
export interface TeamKnowledge { key: string; findings: number; open: number; lastAt: string | null }
