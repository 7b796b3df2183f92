/**
 * Background handlers for the workbench messages (lib/workbench-protocol.ts): gesture marks,
 * deletion with a tombstone, case files per ASN, the violation-type filter of the manager list.
 * Only the extension's own pages may send them (handlers.ts calls handleWorkbenchMessage inside
 * its own-pages branch, next to handleExportMessage); every message is parsed with zod first.
 *
 * Evidence rules kept here:
 * - the screenshot, its hash, the id and the capture time never change;
 * - every change is one updateEvidence call (one transaction) and one custody entry appended
 *   with appendCustody (hash-chained), with the old and new values;
 * - records being sent are not changed; a synced one only as a correction asked for explicitly
 *   (`amend: true`, lib/background/amend.ts): logged as an edit, queued again and sent as an amendment;
 * - a deletion first writes a tombstone to the hash-chained deletion log, then deletes.
 */
import '../zod-config';
import { z } from 'zod';
import { groupCases } from '../cases/group';
import { isKnownZone } from '../cases/deadline';
import {
  deleteEvidence, getEvidence, listEvidence, StorageFullError,
} from '../db/evidence-db';
import { updateWithCustody } from './custody';
import { t, type Lang } from '../i18n/messages';
import { wx } from '../i18n/workbench-messages';
import { describeIssues, evidenceRecordSchema, gestureSchema, VIOLATION_TYPES } from '../record/schema';
import { getSettings } from '../settings';
import type {
  CaseFilesResult, DeleteResult, DeletionsResult, GestureMark, SetGesturesResult, ToBackgroundWorkbench,
  TypedListResult, WorkbenchFail,
} from '../workbench-protocol';
import { appendDeletion, readDeletions, verifyDeletions } from '../workbench/deletions';
import { gesturesSchemaFor, MAX_GESTURES } from '../workbench/gestures';
import { refreshBadge } from './badge';
import { editMode, requeued } from './amend';
import { requestSync } from './sync';
import { evidenceFilterSchema } from './export-handlers';
import { evidenceRow, filterBounds, matchesFilter } from './export';

const id = z.uuid();

export const workbenchMessageSchema = z.discriminatedUnion('type', [
  // Box-inside-the-screenshot is checked against the stored record (gesturesSchemaFor).
  z.object({ type: z.literal('set-gestures'), id, gestures: z.array(gestureSchema).max(MAX_GESTURES), amend: z.boolean().optional() }).strict(),
  z.object({ type: z.literal('delete-evidence'), id, reason: z.string().max(2000) }).strict(),
  z.object({
    type: z.literal('get-case-files'),
    timeZone: z.string().max(64).refine(isKnownZone, 'unknown time zone').optional(),
  }).strict(),
  z.object({
    type: z.literal('list-evidence-typed'),
    filter: evidenceFilterSchema,
    violationTypes: z.array(z.enum(VIOLATION_TYPES)).max(VIOLATION_TYPES.length),
  }).strict(),
  z.object({ type: z.literal('get-deletions') }).strict(),
]);

const TYPES = new Set<string>(['set-gestures', 'delete-evidence', 'get-case-files', 'list-evidence-typed', 'get-deletions']);

const fail = (code: WorkbenchFail['code'], message: string): WorkbenchFail => ({ ok: false, code, message });

export async function setGestures(recordId: string, gestures: GestureMark[], lang: Lang, amend = false): Promise<SetGesturesResult> {
  const settings = await getSettings();
  let error: WorkbenchFail | null = null;
  let changed = false;
  let amended = false;
  try {
    const updated = await updateWithCustody(recordId, (ev) => {
      error = null;
      changed = false;
      amended = false;
      const mode = editMode(ev.status, amend);
      if (mode === 'locked') {
        error = fail('locked', wx(lang, 'errLocked', { status: t(lang, `status_${ev.status}`) }));
        return null;
      }
      const shot = ev.record.screenshot;
      const checked = gesturesSchemaFor({ width: shot.width, height: shot.height }).safeParse(gestures);
      if (!checked.success) {
        error = fail('invalid', wx(lang, 'errGestures', { reason: describeIssues(checked.error) }));
        return null;
      }
      const before = ev.record.violation.gestures;
      const after = checked.data;
      if (JSON.stringify(before) === JSON.stringify(after)) return null;
      const record = structuredClone(ev.record);
      const changes: Array<{ path: string; from: unknown; to: unknown }> = [
        { path: 'violation.gestures', from: before, to: after },
      ];
      record.violation.gestures = after;
      record.fieldSources['violation.gestures'] = 'user';
      // Marking a gesture is a gesture violation: tick the type too (never unticked here).
      if (after.length && !record.violation.types.includes('gesture')) {
        const types = [...record.violation.types, 'gesture' as const];
        changes.push({ path: 'violation.types', from: record.violation.types, to: types });
        record.violation.types = types;
        record.fieldSources['violation.types'] = 'user';
      }
      const parsed = evidenceRecordSchema.safeParse(record);
      if (!parsed.success) {
        error = fail('invalid', wx(lang, 'errGestures', { reason: describeIssues(parsed.error) }));
        return null;
      }
      changed = true;
      amended = mode === 'amend';
      const now = new Date().toISOString();
      return {
        next: {
          ...ev,
          // A correction after sync goes back to the queue to be sent again as an amendment.
          ...(amended ? requeued(ev) : {}),
          record: parsed.data,
          updatedAt: now,
          missing: ev.missing.filter((p) => !changes.some((c) => c.path === p)),
        },
        entries: [{ at: now, action: 'edit', actor: settings.monitor.name || null, details: { changes } }],
      };
    });
    if (error) return error;
    if (!updated) return fail('not_found', t(lang, 'err_notFound'));
    if (amended) {
      void refreshBadge().catch(() => undefined);
      void requestSync().catch(() => undefined);
    }
    return { ok: true, gestures: updated.record.violation.gestures, types: updated.record.violation.types, changed, status: updated.status };
  } catch (e) {
    if (e instanceof StorageFullError) return fail('storage_full', t(lang, 'err_storageFull'));
    throw e;
  }
}

export async function deleteWithTombstone(recordId: string, reason: string, lang: Lang): Promise<DeleteResult> {
  const why = reason.trim();
  if (!why) return fail('invalid', wx(lang, 'errReasonRequired'));
  const ev = await getEvidence(recordId);
  if (!ev) return fail('not_found', t(lang, 'err_notFound'));
  if (ev.status === 'sending') return fail('locked', wx(lang, 'errDeleteSending'));
  const settings = await getSettings();
  const entry = await appendDeletion({
    id: ev.id,
    at: new Date().toISOString(),
    actor: settings.monitor.name || null,
    sha256: ev.record.screenshot.sha256,
    subjectName: ev.record.subject.name,
    reason: why,
    custodyHead: ev.custody.at(-1)?.hash ?? null,
    status: ev.status,
  });
  await deleteEvidence(recordId);
  void refreshBadge().catch(() => undefined);
  return { ok: true, entry };
}

export async function caseFiles(timeZone?: string): Promise<CaseFilesResult> {
  const all = await listEvidence();
  return { ok: true, cases: groupCases(all, timeZone), generatedAt: new Date().toISOString() };
}

export async function listTyped(
  filter: z.infer<typeof evidenceFilterSchema>,
  violationTypes: readonly string[],
): Promise<TypedListResult> {
  const bounds = filterBounds(filter);
  const all = await listEvidence();
  const rows = all
    .filter((ev) => matchesFilter(ev, filter, bounds))
    .filter((ev) => !violationTypes.length || ev.record.violation.types.some((t) => violationTypes.includes(t)))
    .map((ev) => ({ ...evidenceRow(ev), types: [...ev.record.violation.types], gestureCount: ev.record.violation.gestures.length }));
  return { ok: true, rows, total: all.length };
}

export async function deletions(): Promise<DeletionsResult> {
  const entries = await readDeletions();
  return { ok: true, entries, check: verifyDeletions(entries) };
}

async function run(m: ToBackgroundWorkbench, lang: Lang): Promise<unknown> {
  switch (m.type) {
    case 'set-gestures':
      return setGestures(m.id, m.gestures, lang, m.amend === true);
    case 'delete-evidence':
      return deleteWithTombstone(m.id, m.reason, lang);
    case 'get-case-files':
      return caseFiles(m.timeZone);
    case 'list-evidence-typed':
      return listTyped(m.filter, m.violationTypes);
    case 'get-deletions':
      return deletions();
  }
}

/**
 * The workbench's messages; undefined for any other message (the caller goes on with its own
 * router). Call only for messages from the extension's own pages.
 */
export function handleWorkbenchMessage(msg: unknown, lang: Lang): Promise<unknown> | undefined {
  const type = (msg as { type?: unknown } | null)?.type;
  if (typeof type !== 'string' || !TYPES.has(type)) return undefined;
  const parsed = workbenchMessageSchema.safeParse(msg);
  if (!parsed.success) {
    return Promise.resolve(fail('invalid', wx(lang, 'errInvalidMessage', { reason: describeIssues(parsed.error) })));
  }
  return run(parsed.data as ToBackgroundWorkbench, lang).catch((e: unknown) =>
    fail('error', String((e as Error)?.message ?? e)));
}
