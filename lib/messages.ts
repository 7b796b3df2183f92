/**
 * The typed message protocol between the content script, the extension pages and the background.
 * Types only: the content script imports this file, so it must stay free of runtime code that
 * pulls zod in. The background parses every message with lib/background/message-schema.ts.
 */
import type { Box } from './record/schema';
import type { SourceCapture } from './record/source';
import type { Extraction } from './platforms/types';
import type { EvidenceStatus, StoredEvidence } from './db/evidence-db';
import type { SyncStatus } from './background/sync-status';
import type { ToBackgroundVault, VaultStatus } from './vault-protocol';
import type { FormDraft } from './record/form-draft';

export type SerializableExtraction = Omit<Extraction, 'element'>;

/** What the content script reports about the flagged element, right before the capture. */
export interface PrepareOk {
  ok: true;
  extraction: SerializableExtraction;
  /** Flagged element's rect, viewport CSS px (null = whole visible tab). */
  rect: Box | null;
  /** Flagged element's top in document CSS px. */
  docTop: number;
  viewport: { width: number; height: number };
  devicePixelRatio: number;
  scrollX: number;
  scrollY: number;
  maxScrollY: number;
  page: { url: string; title: string };
  /** The flagged item's sanitised HTML (lib/record/source.ts); absent from older content scripts. */
  source?: SourceCapture | null;
}
export interface PrepareFail { ok: false; code: 'login_wall' | 'checkpoint' | 'error'; message: string }
export type PrepareResult = PrepareOk | PrepareFail;

export type FlagErrorCode =
  | 'restricted' | 'no_tab' | 'storage_full' | 'capture' | 'permission' | 'login_wall' | 'duplicate' | 'locked' | 'error';

export type FlagResult =
  | { ok: true; id: string; sha256: string; width: number; height: number; truncated: boolean }
  | { ok: false; code: FlagErrorCode; message: string; existingId?: string };

/** Background -> content script. */
export type ToContent =
  | { type: 'ping' }
  | { type: 'prepare-capture'; targetId: string | null; mode: 'inpage' | 'contextmenu' | 'hovered' | 'page' }
  | { type: 'scroll-to'; y: number }
  | { type: 'capture-finished'; result: FlagResult }
  | { type: 'pick-start'; recordId: string; field: PickField };

/** Form fields the monitor may fill by clicking in the page ("Pilih di halaman"). */
export const PICK_FIELDS = [
  'post.authorName', 'post.authorUrl', 'post.text', 'comment.authorName', 'comment.authorUrl', 'comment.text',
  'subject.name', 'subject.accountUrl',
] as const;
export type PickField = (typeof PICK_FIELDS)[number];
/** What the page gave, stored in storage.session under pickResultKey(record id) for the form. */
export interface PickResult { field: PickField; value: string | null; path: string | null; at: string }
export const pickResultKey = (recordId: string): string => `pick:${recordId}`;

/** Content script / extension pages -> background. */
export type ToBackground =
  | ToBackgroundVault
  | { type: 'flag-from-page'; targetId: string }
  | { type: 'pick-result'; recordId: string; field: PickField; value: string | null; path: string | null }
  | { type: 'pick-start'; id: string; field: PickField }
  | { type: 'flag-active-tab' }
  | { type: 'get-status' }
  | { type: 'get-evidence'; id: string }
  /**
   * `amend: true`: a correction of a synced record. It is logged as a signed `edit`, the record goes
   * back to 'queued' and is sent again as an amendment (docs/sync-protocol.md). Without it a synced
   * record is refused; a record being sent is always refused. The answer is
   * `{ ok: true, status: 'queued', amended: true }` (`{ ok: true, status: 'synced' }` when nothing changed).
   */
  | { type: 'save-evidence'; id: string; patch: EvidencePatch; finalize: boolean; amend?: boolean }
  | { type: 'save-form-draft'; id: string; draft: Omit<FormDraft, 'at'> | null }
  | { type: 'sync-now' }
  | { type: 'retry-failed'; ids?: string[] }
  /** The team's findings about an ASN (lib/team/service.ts); own pages only. Answer: KnownView | null. */
  | { type: 'team-knowledge'; nip: string | null; accountUrl: string | null }
  /** Refresh the watchlist's team counts (stale ones) in the background. */
  | { type: 'team-refresh' };

export interface StatusSummary {
  counts: Record<EvidenceStatus, number>;
  waiting: number;
  sync: SyncStatus;
  /** The optional encryption of the local store: while locked, `recent` and `failed` are empty. */
  vault: VaultStatus;
  /** Records the server refused, with its reason, so the monitor can fix and retry. */
  failed: Array<{ id: string; message: string; status: number | null; subjectName: string | null }>;
  recent: Array<Pick<StoredEvidence, 'id' | 'status'> & {
    capturedAt: string; platform: string; kind: string; subjectName: string | null; title: string;
  }>;
}

export interface EvidenceView {
  evidence: StoredEvidence;
  /** data: URL of the cropped screenshot, for display. */
  screenshotUrl: string | null;
  /** The flagged item's stored source HTML, as text (never rendered), or null. */
  source?: string | null;
}

/**
 * What the review form may change. The screenshot, its hash, ids and capture time never change.
 * Each changed field is marked source "user".
 */
export interface EvidencePatch {
  subject?: Partial<Record<'name' | 'accountUrl' | 'handle' | 'nip' | 'agency' | 'position' | 'rank', string | null>> & {
    employmentType?: 'PNS' | 'PPPK' | 'PTT' | 'other' | 'unknown';
  };
  violation?: { types?: string[]; candidate?: string | null; election?: string | null; notes?: string | null };
  post?: Partial<Record<'authorName' | 'authorUrl' | 'text' | 'url' | 'id', string | null>>;
  comment?: Partial<Record<'authorName' | 'authorUrl' | 'text' | 'url' | 'id', string | null>>;
}

/** The background's answer to 'save-evidence'. */
export type SaveEvidenceReply =
  | { ok: true; status: EvidenceStatus; changed: boolean; amended?: true }
  | {
    ok: false;
    /** the whole problem in the monitor's words */
    message: string;
    /** invalid fields: dot path ('' = the record itself) and the sentence to show beside it */
    problems?: Array<{ path: string; message: string }>;
  };
