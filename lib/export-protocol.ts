/**
 * The typed messages between the extension's pages (evidence manager, popup) and the background
 * for export, verification and import of evidence bundles. Types only (no runtime code): the
 * background parses every message with the zod schemas in lib/background/export-handlers.ts.
 */
import type { EvidenceStatus } from './db/evidence-db';
import type { Kind, Platform } from './record/schema';
import type { ProblemRecord } from './export/problems';

/** Which records: every given criterion must match; an empty filter selects everything. */
export interface EvidenceFilter {
  /** capturedAt on or after this day (YYYY-MM-DD, the monitor's local day) or this ISO instant */
  from?: string;
  /** capturedAt on or before this day (YYYY-MM-DD, inclusive) or before this ISO instant */
  to?: string;
  statuses?: EvidenceStatus[];
  /** substring of the ASN's name, account handle or NIP, case-insensitive */
  subject?: string;
  platforms?: Platform[];
  ids?: string[];
}

export interface EvidenceRow {
  id: string;
  status: EvidenceStatus;
  capturedAt: string;
  platform: Platform;
  kind: Kind;
  subjectName: string | null;
  subjectNip: string | null;
  /** comment, post or page text, shortened; page-derived: render as text only */
  snippet: string;
  sha256: string;
  exports: number;
}

export interface ListResult { ok: true; rows: EvidenceRow[]; total: number }

export type ExportResult =
  | { ok: true; fileName: string; sha256: string; size: number; recordCount: number; downloadId: number }
  | { ok: false; code: 'empty' | 'storage_full' | 'download' | 'error'; message: string };

/** A verify problem for the screen: the record (ASN, platform, capture time) and plain summary first, file and message as detail. */
export interface BundleProblemView {
  file: string;
  code: string;
  /** technical detail (file names, hashes) */
  message: string;
  /** what is wrong, in plain words */
  summary?: string;
  record?: ProblemRecord;
}

export interface BundleCheckView { id: string; ok: boolean; ran: boolean; label: string; detail: string }

export type VerifyResponse =
  | {
    ok: true;
    sha256: string;
    size: number;
    recordCount: number;
    createdAt: string;
    createdBy: { name: string | null; nip: string | null; unit: string | null };
    checks: BundleCheckView[];
    /** against this device's store */
    newCount: number;
    presentCount: number;
    conflictIds: string[];
  }
  | { ok: false; sha256: string | null; problems: BundleProblemView[]; checks: BundleCheckView[]; message?: string };

export type ImportResponse =
  | { ok: true; sha256: string; added: number; alreadyPresent: number; conflictIds: string[] }
  | { ok: false; problems: BundleProblemView[]; message: string };

/** A bundle file travels as base64: inline (`bytes`), or in chunks sent first (`uploadId`). */
export type BundleSource = { bytes: string } | { uploadId: string };

export type ToBackgroundExport =
  | { type: 'list-evidence'; filter: EvidenceFilter }
  | { type: 'export-bundle'; filter: EvidenceFilter }
  | { type: 'bundle-chunk'; uploadId: string; index: number; data: string }
  | ({ type: 'verify-bundle' } & BundleSource)
  | ({ type: 'import-bundle' } & BundleSource);
