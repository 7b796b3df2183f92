/**
 * The background's message router. Every message is checked for who sent it (our own pages, or a
 * content script in a tab) and parsed with zod before anything runs.
 */
import { browser, type Browser } from 'wxt/browser';
import {
  countByStatus, getBlob, getEvidence, listEvidence, StorageFullError, updateEvidence, type CustodyEvent,
} from '../db/evidence-db';
import { t, type Lang } from '../i18n/messages';
import type { EvidenceView, FlagResult, SaveEvidenceReply, StatusSummary } from '../messages';
import { applyPatch } from '../record/edit';
import { updateWithCustody } from './custody';
import { editMode, requeued } from './amend';
import { evidenceRecordSchema } from '../record/schema';
import { fieldProblems, problemMessage } from '../record/validation';
import type { FormDraft } from '../record/form-draft';
import { getSettings } from '../settings';
import { refreshBadge, waitingCount } from './badge';
import { flagTab } from './flag';
import { pickResult, startPick } from './pick';
import { fromContentSchema, fromPagesSchema } from './message-schema';
import { targetTabForPopup } from './tabs';
import { requestSync, retryRecords } from './sync';
import { handleExportMessage } from './export-handlers';
import { handleWorkbenchMessage } from './workbench-handlers';
import { syncStatusItem } from './sync-status';
import { handleVaultMessage, vaultStatus } from './vault-handlers';
import { VaultLockedError } from '../db/vault';
import { tv } from '../i18n/vault-messages';
import { recoverQueue } from './sync';
import { handleTeamMessage } from '../team/service';

export type Sender = Browser.runtime.MessageSender;

export function isOwnPage(sender: Sender): boolean {
  if (sender.id !== browser.runtime.id) return false;
  const own = browser.runtime.getURL('/');
  return typeof sender.url === 'string' && sender.url.startsWith(own) && !senderIsWebTab(sender, own);
}

function senderIsWebTab(sender: Sender, own: string): boolean {
  return !!sender.tab && !(sender.tab.url ?? sender.url ?? '').startsWith(own);
}

export function isContentScript(sender: Sender): boolean {
  if (sender.id !== browser.runtime.id || !sender.tab?.id) return false;
  const own = browser.runtime.getURL('/');
  return !(sender.url ?? '').startsWith(own);
}

export async function handleMessage(msg: unknown, sender: Sender): Promise<unknown> {
  if (isContentScript(sender)) {
    if (import.meta.env.MODE === 'e2e' && (msg as { type?: string })?.type === 'e2e-get-record') {
      return e2eRecord(String((msg as { id?: unknown }).id));
    }
    const parsed = fromContentSchema.safeParse(msg);
    if (!parsed.success) return { ok: false, code: 'error', message: 'invalid message' };
    const m = parsed.data;
    switch (m.type) {
      case 'flag-from-page':
        return flagTab(sender.tab, { mode: 'inpage', targetId: m.targetId });
      case 'pick-result':
        return pickResult(m, sender);
    }
  }
  if (isOwnPage(sender)) {
    const lang = (await getSettings()).language;
    try {
      return await fromOwnPage(msg, lang);
    } catch (e) {
      // The encrypted store is locked: every page shows the unlock form on this code.
      if (e instanceof VaultLockedError) return { ok: false, code: 'locked', message: tv(lang, 'lockedTitle') };
      throw e;
    }
  }
  return undefined; // not for us: never answer strangers
}

/** After the records became readable again: the queue left by a killed worker, then sync. */
function afterUnlock(): void {
  void recoverQueue().then(() => requestSync()).then(() => refreshBadge()).catch(() => undefined);
}

async function fromOwnPage(msg: unknown, lang: Lang): Promise<unknown> {
  {
    const vault = handleVaultMessage(msg, lang, { onUnlocked: afterUnlock });
    if (vault) return vault;
    const exported = handleExportMessage(msg, (await getSettings()).language);
    if (exported) return exported;
    const workbench = handleWorkbenchMessage(msg, (await getSettings()).language);
    if (workbench) return workbench;
    const team = handleTeamMessage(msg);
    if (team) return team;
    const parsed = fromPagesSchema.safeParse(msg);
    if (!parsed.success) return { ok: false, code: 'error', message: 'invalid message' };
    const m = parsed.data;
    switch (m.type) {
      case 'flag-active-tab':
        return flagTab(await targetTabForPopup(), { mode: 'hovered' }) satisfies Promise<FlagResult>;
      case 'get-status':
        return statusSummary();
      case 'get-evidence':
        return evidenceView(m.id);
      case 'save-evidence': {
        const res = await saveEvidence(m.id, m.patch, m.finalize, m.amend === true);
        if (res.ok && res.status === 'queued') void requestSync();
        return res;
      }
      case 'save-form-draft':
        return saveFormDraft(m.id, m.draft);
      case 'sync-now':
        return requestSync({}, true);
      case 'pick-start':
        return startPick(m.id, m.field, lang);
      case 'retry-failed': {
        const n = await retryRecords(m.ids);
        await refreshBadge();
        void requestSync();
        return { ok: true, retried: n };
      }
    }
  }
  return undefined;
}

export async function statusSummary(): Promise<StatusSummary> {
  const vault = await vaultStatus();
  // Locked: the counts and the sync state are readable, the records are not.
  const [counts, recent, failed, sync] = await Promise.all([
    countByStatus(),
    vault.unlocked ? listEvidence({ limit: 8 }) : [],
    vault.unlocked ? listEvidence({ status: 'failed', limit: 50 }) : [],
    syncStatusItem.getValue(),
  ]);
  return {
    counts,
    waiting: waitingCount(counts),
    sync,
    vault,
    failed: failed.map((e) => ({
      id: e.id,
      message: e.sync.lastError?.message ?? '',
      status: e.sync.lastError?.status ?? null,
      subjectName: e.record.subject.name,
    })),
    recent: recent.map((e) => ({
      id: e.id,
      status: e.status,
      capturedAt: e.record.capturedAt,
      platform: e.record.platform,
      kind: e.record.kind,
      subjectName: e.record.subject.name,
      title: e.record.comment?.text ?? e.record.post?.text ?? e.record.page.title,
    })),
  };
}

async function evidenceView(id: string): Promise<EvidenceView | { ok: false; message: string }> {
  const evidence = await getEvidence(id);
  if (!evidence) return { ok: false, message: t((await getSettings()).language, 'err_notFound') };
  const [blob, source] = await Promise.all([getBlob(id, 'screenshot'), evidence.record.source ? getBlob(id, 'source') : undefined]);
  return { evidence, screenshotUrl: blob ? await blobToDataUrl(blob) : null, source: source ? await source.text() : null };
}

export async function blobToDataUrl(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return `data:${blob.type || 'image/png'};base64,${btoa(bin)}`;
}

/**
 * Save the form into the record (the logged-edit path: one signed custody 'edit' entry with the
 * old and new value of every changed field).
 * - a draft becomes 'queued' when the monitor presses "Simpan bukti" (finalize);
 * - a SYNCED record is changed only when the message says `amend: true` (the form's "Koreksi";
 *   lib/background/amend.ts): when something changed it goes back to 'queued' and is sent again as
 *   an amendment; without the flag it is refused; a record being sent cannot change;
 * - the custody entries name the monitor from the settings at save time (the form asks for the
 *   identity first when the settings have none). record.monitor stays as captured: it is covered
 *   by the capture signature, and the integrity rule (lib/integrity/replay.ts, the server and the
 *   verifiers) accepts edits of subject, violation, post and comment only;
 * - the typed-but-unsaved draft (lib/record/form-draft.ts) is cleared.
 * Schema problems come back per field, in the monitor's words (lib/record/validation.ts).
 */
async function saveEvidence(
  id: string,
  patch: Parameters<typeof applyPatch>[1],
  finalize: boolean,
  amend = false,
): Promise<SaveEvidenceReply> {
  const settings = await getSettings();
  const lang = settings.language;
  let error: Extract<SaveEvidenceReply, { ok: false }> | null = null;
  let changed = false;
  let amended = false;
  try {
    const updated = await updateWithCustody(id, (ev) => {
      error = null;
      changed = false;
      amended = false;
      const mode = editMode(ev.status, amend);
      if (mode === 'locked') {
        error = { ok: false, message: t(lang, ev.status === 'sending' ? 'err_lockedSending' : 'err_lockedSynced') };
        return null;
      }
      const { record, changes } = applyPatch(ev.record, patch);
      const parsed = evidenceRecordSchema.safeParse(record);
      if (!parsed.success) {
        const problems = fieldProblems(parsed.error.issues).map((p) => ({ path: p.path, message: problemMessage(p, lang) }));
        const first = problems[0]?.message ?? t(lang, 'v_record');
        error = {
          ok: false,
          message: problems.length > 1 ? t(lang, 'saveInvalidMany', { n: problems.length, problem: first }) : t(lang, 'saveInvalidOne', { problem: first }),
          problems,
        };
        return null;
      }
      const now = new Date().toISOString();
      const actor = settings.monitor.name || null;
      const entries: CustodyEvent[] = [];
      changed = changes.length > 0;
      if (changed) entries.push({ at: now, action: 'edit', actor, details: { changes } });
      const { formDraft: draft, ...extras } = ev.extras;
      const missing = ev.missing.filter((p) => !changes.some((c) => c.path === p && c.to !== null));
      if (mode === 'amend') {
        // A correction after sync: the signed edit, then back to the queue to be sent again.
        if (!changed) return draft === undefined ? null : { next: { ...ev, extras }, entries };
        amended = true;
        return { next: { ...ev, ...requeued(ev), record: parsed.data, updatedAt: now, extras, missing }, entries };
      }
      const status = finalize && ev.status === 'draft' ? 'queued' : ev.status;
      if (status !== ev.status) entries.push({ at: now, action: 'save', actor });
      if (!changed && status === ev.status && draft === undefined) return null; // nothing to write
      return { next: { ...ev, record: parsed.data, status, updatedAt: now, extras, missing }, entries };
    });
    if (error) return error;
    if (!updated) return { ok: false, message: t(lang, 'err_notFound') };
    void refreshBadge();
    return amended ? { ok: true, status: updated.status, changed, amended: true } : { ok: true, status: updated.status, changed };
  } catch (e) {
    if (e instanceof StorageFullError) return { ok: false, message: t(lang, 'err_storageFull') };
    throw e;
  }
}

/**
 * Keep (or, with null, drop) what the form typed but did not save (lib/record/form-draft.ts), in
 * the record's row: sealed with the record when the store is encrypted. No custody entry: nothing
 * in the record changes. Not while the record is being sent.
 */
async function saveFormDraft(id: string, draft: Omit<FormDraft, 'at'> | null): Promise<{ ok: true; at: string | null } | { ok: false; message: string }> {
  const lang = (await getSettings()).language;
  const at = new Date().toISOString();
  let refused = false;
  try {
    const updated = await updateEvidence(id, (ev) => {
      refused = false;
      if (ev.status === 'sending' && draft) {
        refused = true;
        return null;
      }
      const { formDraft: _old, ...extras } = ev.extras;
      if (!draft && _old === undefined) return null;
      return { ...ev, extras: draft ? { ...extras, formDraft: { ...draft, at } satisfies FormDraft } : extras };
    });
    if (refused) return { ok: false, message: t(lang, 'saveSending') };
    if (!updated) return { ok: false, message: t(lang, 'err_notFound') };
    return { ok: true, at: draft ? at : null };
  } catch (e) {
    if (e instanceof StorageFullError) return { ok: false, message: t(lang, 'err_storageFull') };
    throw e;
  }
}

/**
 * Test-build only (`wxt build --mode e2e`; removed from production builds): lets the Firefox
 * suite, which cannot open moz-extension:// pages over BiDi, read back what was stored.
 */
async function e2eRecord(id: string): Promise<unknown> {
  const ev = await getEvidence(id);
  const blob = await getBlob(id, 'screenshot');
  if (!ev || !blob) return null;
  const { sha256Hex } = await import('../hash');
  return { status: ev.status, record: ev.record, blobSha256: await sha256Hex(blob), blobSize: blob.size };
}
