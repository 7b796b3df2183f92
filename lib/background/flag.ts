/**
 * Flag a tab: ask the content script what was flagged, capture the visible tab (scrolling and
 * stitching a tall post), crop and outline, hash, build the record, store it durably, and open
 * the form. Every failure ends in a FlagResult with a message the monitor can act on.
 */
import { browser, type Browser } from 'wxt/browser';
import { CaptureScheduler } from '../capture/scheduler';
import { composeRegion, dataUrlToBlob, dataUrlToBytes, pngSizeOf, type Segment } from '../capture/image';
import { clampToViewport, pad, planStitch } from '../capture/plan';
import {
  findByTargetKey, insertEvidence, openEvidenceDb, StorageFullError, targetKeyOf, type BlobKind, type StoredEvidence,
} from '../db/evidence-db';
import { vaultState, VaultLockedError } from '../db/vault';
import { sha256Hex } from '../hash';
import { t, type Lang } from '../i18n/messages';
import type { FlagResult, PrepareOk, PrepareResult, SerializableExtraction } from '../messages';
import { browserLabel, buildRecord, sourcePath, type BuildInput } from '../record/build';
import { screenshotSchema, sourceSchema, type EvidenceRecord } from '../record/schema';
import { sanitizeRecord } from '../record/sanitize';
import { attest } from '../integrity/attestation';
import { appendSignedCustody } from '../integrity/custody';
import { installationKey, installationSigner } from '../integrity/keystore';
import { enrichFromWatchlist } from '../watchlist/store';
import { DEFAULT_SETTINGS, getSettings } from '../settings';
import { ensureContentScript, isRestrictedUrl, sendToTab } from './tabs';
import { refreshBadge } from './badge';
import { rememberFlagTab } from './pick';

/** One scheduler for the whole extension: Chrome's 2-captures-per-second limit is global. */
export const captureScheduler = new CaptureScheduler(550);

export type FlagMode = 'inpage' | 'contextmenu' | 'hovered' | 'page';

export interface FlagOptions {
  mode: FlagMode;
  targetId?: string | null;
  /** Open the review form after storing (default true). */
  openForm?: boolean;
}

function fail(code: Extract<FlagResult, { ok: false }>['code'], message: string): FlagResult {
  return { ok: false, code, message };
}

export function classifyCaptureError(e: unknown, lang: Lang): FlagResult {
  const msg = String((e as Error)?.message ?? e);
  if (/activeTab|<all_urls>|permission|Missing host/i.test(msg)) return fail('permission', t(lang, 'err_permission'));
  if (/cannot access|cannot be scripted|extensions gallery|chrome:\/\/|webstore|not allowed|restricted/i.test(msg)) {
    return fail('restricted', t(lang, 'err_restricted'));
  }
  return fail('capture', t(lang, 'err_capture', { reason: msg.slice(0, 200) }));
}

/** The visible tab as a PNG data URL, through the global rate limit. */
async function captureVisible(windowId: number): Promise<string> {
  return captureScheduler.run(() => browser.tabs.captureVisibleTab(windowId, { format: 'png' }));
}

/** When the content script cannot run (rare: a page that blocks injection) flag the page itself. */
function pageOnly(tab: Browser.tabs.Tab): PrepareOk {
  const extraction: SerializableExtraction = {
    platform: 'other', kind: 'page', post: null, comment: null, reaction: null, subject: {},
    fieldSources: { platform: 'url', kind: 'heuristic' }, missing: ['subject.name'], warnings: [],
    extras: {},
  };
  return {
    ok: true, extraction, rect: null, docTop: 0, viewport: { width: tab.width ?? 0, height: tab.height ?? 0 },
    devicePixelRatio: 1, scrollX: 0, scrollY: 0, maxScrollY: 0,
    page: { url: tab.url ?? '', title: tab.title ?? '' },
  };
}

export async function flagTab(tab: Browser.tabs.Tab | undefined, opts: FlagOptions): Promise<FlagResult> {
  // Nothing below waits on work it does not need yet: the settings, the signing key and the
  // evidence database are read while the page is asked what was flagged.
  const settingsP = getSettings().catch(() => DEFAULT_SETTINGS);
  const language = async () => (await settingsP).language;
  if (!tab?.id || tab.windowId === undefined) return fail('no_tab', t(await language(), 'err_noTab'));
  const tabId = tab.id;
  if (tab.url !== undefined && isRestrictedUrl(tab.url)) return fail('restricted', t(await language(), 'err_restricted'));
  void quiet(installationKey());
  void quiet(openEvidenceDb());
  void quiet(vaultState());

  // Ask the content script directly (it is there on the supported sites, and after a first flag
  // elsewhere); only when nobody answers, inject it and ask again.
  const ask = async () => {
    const r = await sendToTab<PrepareResult | undefined>(tabId, {
      type: 'prepare-capture', targetId: opts.targetId ?? null, mode: opts.mode,
    });
    if (!r || typeof r !== 'object') throw new Error('no answer from the page');
    return r;
  };
  let scripted = true;
  let prep: PrepareResult;
  try {
    prep = await ask();
  } catch {
    scripted = await ensureContentScript(tabId);
    if (scripted) {
      try {
        prep = await ask();
      } catch (e) {
        return fail('error', t(await language(), 'err_generic', { reason: String((e as Error)?.message ?? e) }));
      }
    } else {
      if (isRestrictedUrl(tab.url)) return fail('restricted', t(await language(), 'err_restricted'));
      prep = pageOnly(tab);
    }
  }
  const finish = (result: FlagResult) => {
    if (scripted) void sendToTab(tabId, { type: 'capture-finished', result }).catch(() => undefined);
    return result;
  };
  const settings = await settingsP;
  const lang = settings.language;
  if (!prep.ok) {
    return finish(prep.code === 'login_wall' || prep.code === 'checkpoint'
      ? fail('login_wall', t(lang, 'err_loginWall'))
      : fail('error', t(lang, 'err_generic', { reason: prep.message })));
  }

  // The screenshot is taken at once; the duplicate check (the same comment/reply/reactor/post
  // flagged before) runs meanwhile, and a duplicate discards the screenshot unstored.
  // The encrypted store is locked: nothing could be stored, so nothing is captured.
  const vault = await vaultState();
  if (vault.meta && !vault.keys) return finish(fail('locked', t(lang, 'err_locked')));
  const capturedAt = new Date();
  const shot = quiet(captureVisible(tab.windowId!));
  const key = targetKeyOf(prep.extraction);
  let existing: StoredEvidence | undefined;
  try {
    existing = key ? (await findByTargetKey(key)).sort((a, b) => a.createdAt.localeCompare(b.createdAt))[0] : undefined;
  } catch (e) {
    return finish(e instanceof VaultLockedError
      ? fail('locked', t(lang, 'err_locked'))
      : fail('error', t(lang, 'err_generic', { reason: String((e as Error)?.message ?? e) })));
  }
  if (existing) {
    const when = new Date(existing.createdAt).toLocaleString(lang === 'id' ? 'id-ID' : 'en-GB');
    const dup: FlagResult = { ok: false, code: 'duplicate', message: t(lang, 'alreadyFlagged', { when }), existingId: existing.id };
    void rememberFlagTab(existing.id, tabId);
    if (opts.openForm !== false) void openReview(existing.id, tab);
    return finish(dup);
  }

  let result: FlagResult;
  try {
    result = await captureAndStore(tab, tabId, prep, scripted, lang, settings.monitor, capturedAt, shot);
  } catch (e) {
    result = e instanceof StorageFullError
      ? fail('storage_full', t(lang, 'err_storageFull'))
      : e instanceof VaultLockedError
        ? fail('locked', t(lang, 'err_locked'))
        : classifyCaptureError(e, lang);
  }
  finish(result);
  if (result.ok) {
    void rememberFlagTab(result.id, tabId);
    void refreshBadge();
    if (opts.openForm !== false) void openReview(result.id, tab);
  }
  return result;
}

/** A promise whose rejection is handled (observed later, or not needed). */
function quiet<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

/**
 * The record as far as it is known before the screenshot exists, built, pre-filled from the
 * watchlist and sanitised while the tab is captured; the screenshot section (validated on its
 * own) is put in once the images are hashed, before the record is signed.
 */
interface Draft {
  id: string;
  capturedAt: Date;
  input: Omit<BuildInput, 'screenshot'>;
  ready: Promise<{ record: EvidenceRecord; dropped: string[] }>;
}

function startDraft(
  prep: PrepareOk,
  tab: Browser.tabs.Tab,
  capturedAt: Date,
  monitor: { name: string; nip: string; unit: string },
): Draft {
  const id = crypto.randomUUID();
  const input: Omit<BuildInput, 'screenshot'> = {
    id,
    capturedAt,
    timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
    page: prep.page.url ? prep.page : { url: tab.url ?? '', title: tab.title ?? '' },
    extraction: prep.extraction,
    monitor,
    client: { extensionVersion: browser.runtime.getManifest().version, browser: browserLabel(navigator.userAgent) },
  };
  const ready = (async () => {
    const built = buildRecord({ ...input, screenshot: PENDING_SCREENSHOT });
    // subject + candidate from the daftar pantau (fieldSources 'user'); never throws
    await enrichFromWatchlist(built, capturedAt);
    return sanitizeRecord(built);
  })();
  return { id, capturedAt, input, ready: quiet(ready) };
}

/** Stands in for the screenshot section until there is one (valid, so sanitising can run). */
const PENDING_SCREENSHOT: BuildInput['screenshot'] = {
  sha256: '0'.repeat(64), width: 1, height: 1, devicePixelRatio: 1, region: null, truncated: false, full: null,
};

async function captureAndStore(
  tab: Browser.tabs.Tab,
  tabId: number,
  prep: PrepareOk,
  scripted: boolean,
  lang: Lang,
  monitor: { name: string; nip: string; unit: string },
  capturedAt: Date,
  shot: Promise<string>,
): Promise<FlagResult> {
  const windowId = tab.windowId!;
  const vp = prep.viewport;
  const draft = startDraft(prep, tab, capturedAt, monitor);
  let fullBytes: Uint8Array<ArrayBuffer>;
  try {
    fullBytes = dataUrlToBytes(await shot).bytes;
  } catch (e) {
    const cls = classifyCaptureError(e, lang);
    if (cls.ok || cls.code !== 'permission' || !scripted || !prep.rect) throw e;
    // No real screenshot allowed (in-page button without site access): re-render the element.
    return rasteriseAndStore(tabId, prep, lang, draft);
  }
  const full = new Blob([fullBytes], { type: 'image/png' });
  // The stored bytes are exactly these; hashed while the crop is being made.
  let fullShaP: Promise<string> | null = null;
  const fullSha = () => (fullShaP ??= quiet(sha256Hex(fullBytes)));
  const fullSize = pngSizeOf(fullBytes);
  if (!vp.width || !vp.height) {
    vp.width = fullSize.width / (prep.devicePixelRatio || 1);
    vp.height = fullSize.height / (prep.devicePixelRatio || 1);
  }

  let crop: Blob = full;
  let cropSize = fullSize;
  let region: { x: number; y: number; width: number; height: number } | null = null;
  let truncated = false;

  if (prep.rect) {
    const r = prep.rect;
    if (r.height > vp.height && scripted) {
      // Taller than the viewport: scroll through it and stitch, capped.
      const left = Math.max(0, r.x - 12);
      const width = Math.min(vp.width, r.x + r.width + 12) - left;
      const plan = planStitch(prep.docTop, r.height, vp.height, prep.maxScrollY);
      truncated = plan.truncated;
      const segments: Segment[] = [];
      try {
        for (const y of plan.scrolls) {
          const actual = await sendToTab<number>(tabId, { type: 'scroll-to', y });
          segments.push({ png: await captureVisible(windowId).then((d) => dataUrlToBlob(d)), scrollY: actual });
        }
      } finally {
        await sendToTab(tabId, { type: 'scroll-to', y: prep.scrollY }).catch(() => undefined);
      }
      const outline = { x: r.x, y: prep.docTop, width: r.width, height: plan.height };
      const img = await composeRegion(segments, vp, { x: left, docTop: prep.docTop, width, height: plan.height }, outline);
      crop = img.png;
      cropSize = { width: img.width, height: img.height };
      region = { x: left + prep.scrollX, y: prep.docTop, width, height: plan.height };
    } else {
      const visible = clampToViewport(pad(r), vp);
      if (visible) {
        const outline = clampToViewport(r, vp) ?? r;
        const composing = composeRegion(
          [{ png: full, scrollY: 0 }], vp,
          { x: visible.x, docTop: visible.y, width: visible.width, height: visible.height },
          outline,
        );
        fullSha(); // the decode, the longer task, is under way first
        const img = await composing;
        crop = img.png;
        cropSize = { width: img.width, height: img.height };
        region = { x: visible.x + prep.scrollX, y: visible.y + prep.scrollY, width: visible.width, height: visible.height };
      }
    }
  }

  const [cropSha, fullHash] = await Promise.all([
    crop === full ? fullSha() : sha256Hex(crop),
    crop === full ? null : fullSha(),
  ]);
  return storeCapture(prep, draft, {
    crop, full: crop === full ? null : full, cropSha, fullSha: fullHash, cropSize, fullSize, region, truncated,
    devicePixelRatio: Math.round((fullSize.width / vp.width) * 1000) / 1000 || prep.devicePixelRatio,
    method: 'captureVisibleTab', extraWarnings: [],
  });
}

interface CaptureOutput {
  crop: Blob;
  full: Blob | null;
  cropSha: string;
  fullSha: string | null;
  cropSize: { width: number; height: number };
  fullSize: { width: number; height: number } | null;
  region: { x: number; y: number; width: number; height: number } | null;
  truncated: boolean;
  devicePixelRatio: number;
  method: 'captureVisibleTab' | 'html2canvas';
  extraWarnings: Array<{ code: string; message: string }>;
}

async function storeCapture(prep: PrepareOk, draft: Draft, out: CaptureOutput): Promise<FlagResult> {
  const { id, capturedAt, input } = draft;
  const monitor = input.monitor;
  const { record, dropped } = await draft.ready;
  record.screenshot = screenshotSchema.parse(buildRecord({
    ...input,
    screenshot: {
      sha256: out.cropSha,
      width: out.cropSize.width,
      height: out.cropSize.height,
      devicePixelRatio: out.devicePixelRatio,
      region: out.region,
      truncated: out.truncated,
      method: out.method,
      full: out.fullSha && out.fullSize ? { sha256: out.fullSha, ...out.fullSize } : null,
    },
  }).screenshot);
  // The flagged item's source HTML: hashed and listed in the record, so the signature covers it.
  const blobs: Partial<Record<BlobKind, Blob>> = { screenshot: out.crop };
  if (out.full) blobs.full = out.full;
  if (prep.source) {
    const bytes = new TextEncoder().encode(prep.source.html);
    record.source = sourceSchema.parse({
      file: sourcePath(id), sha256: await sha256Hex(bytes), mime: 'text/html', bytes: bytes.byteLength,
      truncated: prep.source.truncated, targetPath: prep.source.targetPath,
    });
    blobs.source = new Blob([bytes], { type: 'text/html;charset=utf-8' });
  }
  // Sign the record as captured with the installation's key (edits later go to the custody log).
  const signer = await installationSigner();
  record.attestation = await attest(record, signer, capturedAt);
  const now = capturedAt.toISOString();
  const stored: StoredEvidence = {
    id,
    status: 'draft',
    record,
    createdAt: now,
    updatedAt: now,
    missing: [...new Set([...prep.extraction.missing, ...dropped])],
    warnings: [
      ...out.extraWarnings,
      ...prep.extraction.warnings.map((w) => ({ code: w.code, message: w.message })),
    ],
    extras: prep.extraction.extras ?? {},
    sync: { attempts: 0, lastError: null, nextAttemptAt: null, receipt: null },
    targetKey: targetKeyOf(record) ?? undefined,
    custody: await appendSignedCustody(id, [], [{
      at: now, action: 'capture', actor: monitor.name || null,
      details: { sha256: out.cropSha, url: record.page.url, method: out.method, keyId: record.attestation.keyId },
    }], signer),
  };
  await insertEvidence(stored, blobs);
  return { ok: true, id, sha256: out.cropSha, width: out.cropSize.width, height: out.cropSize.height, truncated: out.truncated };
}

type RasterReply = { ok: true; dataUrl: string; width: number; height: number; scale: number } | { ok: false; message: string };

async function rasteriseAndStore(tabId: number, prep: PrepareOk, lang: Lang, draft: Draft): Promise<FlagResult> {
  let reply: RasterReply | undefined;
  try {
    const [res] = await browser.scripting.executeScript({ target: { tabId }, files: ['/rasterise.js'] });
    reply = res?.result as RasterReply | undefined;
  } catch {
    reply = undefined;
  }
  if (!reply?.ok) return fail('permission', t(lang, 'err_permission'));
  const png = await dataUrlToBlob(reply.dataUrl);
  const r = prep.rect!;
  return storeCapture(prep, draft, {
    crop: png, full: null, cropSha: await sha256Hex(png), fullSha: null,
    cropSize: { width: reply.width, height: reply.height }, fullSize: null,
    region: { x: r.x + prep.scrollX, y: prep.docTop, width: r.width, height: Math.min(r.height, reply.height / reply.scale) },
    truncated: r.height * reply.scale > reply.height + 1,
    devicePixelRatio: reply.scale, method: 'html2canvas',
    extraWarnings: [{ code: 'rasterised', message: t(lang, 'warnRasterised') }],
  });
}

export async function openReview(id: string, from?: Browser.tabs.Tab): Promise<void> {
  const url = browser.runtime.getURL(`/review.html?id=${encodeURIComponent(id)}`);
  try {
    await browser.windows.create({ url, type: 'popup', width: 760, height: 900, focused: true });
  } catch {
    await browser.tabs.create({ url, index: from?.index !== undefined ? from.index + 1 : undefined });
  }
}
