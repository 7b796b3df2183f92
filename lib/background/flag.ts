/**
 * Flag a tab: ask the content script what was flagged, capture the visible tab (scrolling and
 * stitching a tall post), crop and outline, hash, build the record, store it durably, and open
 * the form. Every failure ends in a FlagResult with a message the monitor can act on.
 */
import { browser, type Browser } from 'wxt/browser';
import { CaptureScheduler } from '../capture/scheduler';
import { composeRegion, dataUrlToBlob, pngSize, type Segment } from '../capture/image';
import { clampToViewport, pad, planStitch } from '../capture/plan';
import {
  findByTargetKey, insertEvidence, StorageFullError, targetKeyOf, type StoredEvidence,
} from '../db/evidence-db';
import { sha256Hex } from '../hash';
import { t, type Lang } from '../i18n/messages';
import type { FlagResult, PrepareOk, PrepareResult, SerializableExtraction } from '../messages';
import { browserLabel, buildRecord } from '../record/build';
import { sanitizeRecord } from '../record/sanitize';
import { attest } from '../integrity/attestation';
import { appendCustody } from '../integrity/custody';
import { installationKey } from '../integrity/keystore';
import { enrichFromWatchlist } from '../watchlist/store';
import { getSettings } from '../settings';
import { ensureContentScript, isRestrictedUrl, sendToTab } from './tabs';
import { refreshBadge } from './badge';

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

async function captureVisible(windowId: number): Promise<Blob> {
  const dataUrl = await captureScheduler.run(() =>
    browser.tabs.captureVisibleTab(windowId, { format: 'png' }),
  );
  return dataUrlToBlob(dataUrl);
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
  const settings = await getSettings();
  const lang = settings.language;
  if (!tab?.id || tab.windowId === undefined) return fail('no_tab', t(lang, 'err_noTab'));
  const tabId = tab.id;
  if (tab.url !== undefined && isRestrictedUrl(tab.url)) return fail('restricted', t(lang, 'err_restricted'));

  const scripted = await ensureContentScript(tabId);
  let prep: PrepareResult;
  if (scripted) {
    try {
      prep = await sendToTab<PrepareResult>(tabId, {
        type: 'prepare-capture', targetId: opts.targetId ?? null, mode: opts.mode,
      });
    } catch (e) {
      return fail('error', t(lang, 'err_generic', { reason: String((e as Error)?.message ?? e) }));
    }
  } else {
    if (isRestrictedUrl(tab.url)) return fail('restricted', t(lang, 'err_restricted'));
    prep = pageOnly(tab);
  }
  if (!prep.ok) {
    const result = prep.code === 'login_wall' || prep.code === 'checkpoint'
      ? fail('login_wall', t(lang, 'err_loginWall'))
      : fail('error', t(lang, 'err_generic', { reason: prep.message }));
    if (scripted) void sendToTab(tabId, { type: 'capture-finished', result }).catch(() => undefined);
    return result;
  }

  // The same comment/reply/reactor/post flagged before: say so and show that record instead.
  const key = targetKeyOf(prep.extraction);
  const existing = key ? (await findByTargetKey(key)).sort((a, b) => a.createdAt.localeCompare(b.createdAt))[0] : undefined;
  if (existing) {
    const when = new Date(existing.createdAt).toLocaleString(lang === 'id' ? 'id-ID' : 'en-GB');
    const dup: FlagResult = { ok: false, code: 'duplicate', message: t(lang, 'alreadyFlagged', { when }), existingId: existing.id };
    if (scripted) void sendToTab(tabId, { type: 'capture-finished', result: dup }).catch(() => undefined);
    if (opts.openForm !== false) void openReview(existing.id, tab);
    return dup;
  }

  let result: FlagResult;
  try {
    result = await captureAndStore(tab, tabId, prep, scripted, lang, settings.monitor);
  } catch (e) {
    result = e instanceof StorageFullError
      ? fail('storage_full', t(lang, 'err_storageFull'))
      : classifyCaptureError(e, lang);
  }
  if (scripted) void sendToTab(tabId, { type: 'capture-finished', result }).catch(() => undefined);
  if (result.ok) {
    void refreshBadge();
    if (opts.openForm !== false) void openReview(result.id, tab);
  }
  return result;
}

async function captureAndStore(
  tab: Browser.tabs.Tab,
  tabId: number,
  prep: PrepareOk,
  scripted: boolean,
  lang: Lang,
  monitor: { name: string; nip: string; unit: string },
): Promise<FlagResult> {
  const windowId = tab.windowId!;
  const capturedAt = new Date();
  const vp = prep.viewport;
  let full: Blob;
  try {
    full = await captureVisible(windowId);
  } catch (e) {
    const cls = classifyCaptureError(e, lang);
    if (cls.ok || cls.code !== 'permission' || !scripted || !prep.rect) throw e;
    // No real screenshot allowed (in-page button without site access): re-render the element.
    return rasteriseAndStore(tabId, prep, capturedAt, lang, monitor, tab);
  }
  // Hash the original capture while the crop is being made.
  const fullShaPromise = sha256Hex(full);
  fullShaPromise.catch(() => undefined);
  const fullSize = await pngSize(full);
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
          segments.push({ png: await captureVisible(windowId), scrollY: actual });
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
        const img = await composeRegion(
          [{ png: full, scrollY: 0 }], vp,
          { x: visible.x, docTop: visible.y, width: visible.width, height: visible.height },
          outline,
        );
        crop = img.png;
        cropSize = { width: img.width, height: img.height };
        region = { x: visible.x + prep.scrollX, y: visible.y + prep.scrollY, width: visible.width, height: visible.height };
      }
    }
  }

  const [cropSha, fullSha] = await Promise.all([
    crop === full ? fullShaPromise : sha256Hex(crop),
    crop === full ? null : fullShaPromise,
  ]);
  return storeCapture(prep, tab, capturedAt, monitor, {
    crop, full: crop === full ? null : full, cropSha, fullSha, cropSize, fullSize, region, truncated,
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

async function storeCapture(
  prep: PrepareOk,
  tab: Browser.tabs.Tab,
  capturedAt: Date,
  monitor: { name: string; nip: string; unit: string },
  out: CaptureOutput,
): Promise<FlagResult> {
  const id = crypto.randomUUID();
  const built = buildRecord({
    id,
    capturedAt,
    timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
    page: prep.page.url ? prep.page : { url: tab.url ?? '', title: tab.title ?? '' },
    extraction: prep.extraction,
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
    monitor,
    client: { extensionVersion: browser.runtime.getManifest().version, browser: browserLabel(navigator.userAgent) },
  });
  await enrichFromWatchlist(built, capturedAt); // subject + candidate from the daftar pantau (fieldSources 'user')
  const { record, dropped } = sanitizeRecord(built);
  // Sign the record as captured with the installation's key (edits later go to the custody log).
  record.attestation = await attest(record, await installationKey(), capturedAt);
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
    custody: appendCustody(id, [], {
      at: now, action: 'capture', actor: monitor.name || null,
      details: { sha256: out.cropSha, url: record.page.url, method: out.method, keyId: record.attestation.keyId },
    }),
  };
  await insertEvidence(stored, out.full ? { screenshot: out.crop, full: out.full } : { screenshot: out.crop });
  return { ok: true, id, sha256: out.cropSha, width: out.cropSize.width, height: out.cropSize.height, truncated: out.truncated };
}

type RasterReply = { ok: true; dataUrl: string; width: number; height: number; scale: number } | { ok: false; message: string };

async function rasteriseAndStore(
  tabId: number,
  prep: PrepareOk,
  capturedAt: Date,
  lang: Lang,
  monitor: { name: string; nip: string; unit: string },
  tab: Browser.tabs.Tab,
): Promise<FlagResult> {
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
  return storeCapture(prep, tab, capturedAt, monitor, {
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
