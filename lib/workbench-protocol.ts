/**
 * The typed messages between the evidence manager / review form and the background for the
 * "workbench": gesture marks, deletion with a tombstone, case files per ASN, the violation-type
 * filter. Types only (no runtime code): the background parses every message with the zod schemas
 * in lib/background/workbench-handlers.ts.
 */
import type { ChainCheck } from './integrity/custody';
import type { EvidenceStatus } from './db/evidence-db';
import type { CaseFile } from './cases/group';
import type { EvidenceFilter, EvidenceRow } from './export-protocol';
import type { Box, GestureType, ViolationType } from './record/schema';
import type { DeletionEntry } from './workbench/deletions';

export interface GestureMark { type: GestureType; box: Box }

export type ToBackgroundWorkbench =
  /**
   * Replace the record's gesture marks (boxes in screenshot pixels). `amend: true`: a correction of
   * a synced record (logged edit, queued again, sent as an amendment; see lib/messages.ts save-evidence).
   */
  | { type: 'set-gestures'; id: string; gestures: GestureMark[]; amend?: boolean }
  /** Delete a record (and its screenshots) after writing a tombstone to the deletion log. */
  | { type: 'delete-evidence'; id: string; reason: string }
  /** Case files per ASN; `timeZone` overrides each record's own zone for the deadline. */
  | { type: 'get-case-files'; timeZone?: string }
  /** The manager's list with the violation-type filter (any of the given types). */
  | { type: 'list-evidence-typed'; filter: EvidenceFilter; violationTypes: ViolationType[] }
  | { type: 'get-deletions' };

export type WorkbenchFail = { ok: false; code: 'not_found' | 'locked' | 'invalid' | 'storage_full' | 'error'; message: string };

export type SetGesturesResult =
  | { ok: true; gestures: GestureMark[]; types: ViolationType[]; changed: boolean; status: EvidenceStatus }
  | WorkbenchFail;

export type DeleteResult = { ok: true; entry: DeletionEntry } | WorkbenchFail;

export interface CaseFilesResult { ok: true; cases: CaseFile[]; generatedAt: string }

export type TypedRow = EvidenceRow & { types: ViolationType[]; gestureCount: number };
export interface TypedListResult { ok: true; rows: TypedRow[]; total: number }

export interface DeletionsResult { ok: true; entries: DeletionEntry[]; check: ChainCheck }
