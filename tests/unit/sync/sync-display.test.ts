/**
 * What the monitor sees of sync: one display state per situation, each with its own Indonesian
 * words, icon and badge colour, and "Sinkronkan sekarang" blocked (with the reason) when it cannot
 * work. The badge follows the same mapping in the background (refreshBadge).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import {
  BADGE_COLORS, SYNC_DISPLAY_STATES, SYNC_ICONS, syncDisplay, syncDisplayText, syncNowBlocked, type SyncDisplayInput,
} from '../../../lib/background/sync-display';
import { refreshBadge } from '../../../lib/background/badge';
import { syncStatusItem } from '../../../lib/background/sync-status';
import { backendItem } from '../../../lib/settings';
import { closeEvidenceDb, insertEvidence, type StoredEvidence } from '../../../lib/db/evidence-db';
import { record } from '../pipeline/make';

const base: SyncDisplayInput = { state: 'ok', httpStatus: null, configured: true, locked: false, counts: { queued: 0, sending: 0, failed: 0 } };
const at = (p: Partial<SyncDisplayInput>) => syncDisplay({ ...base, ...p, counts: { ...base.counts, ...p.counts } });

describe('sync display state', () => {
  it('tells each situation apart, worst first', () => {
    expect(at({ locked: true, state: 'paused', counts: { failed: 2 } })).toBe('locked');
    expect(at({ state: 'locked' })).toBe('locked');
    expect(at({ configured: false, state: 'idle', counts: { queued: 3 } })).toBe('unconfigured');
    expect(at({ configured: false, state: 'unconfigured' })).toBe('unconfigured');
    expect(at({ state: 'paused', httpStatus: 401, counts: { queued: 1, failed: 1 } })).toBe('paused');
    expect(at({ state: 'offline', counts: { queued: 1, failed: 1 } })).toBe('offline');
    // No HTTP answer at all is the network, not the server: offline even when the engine says "retrying".
    expect(at({ state: 'retrying', httpStatus: null, counts: { queued: 1 } })).toBe('offline');
    expect(at({ state: 'retrying', httpStatus: 503, counts: { queued: 1 } })).toBe('retrying');
    expect(at({ state: 'retrying', httpStatus: 429, counts: { queued: 1 } })).toBe('retrying');
    expect(at({ state: 'ok', counts: { queued: 1, failed: 2 } })).toBe('failed');
    expect(at({ state: 'syncing', counts: { queued: 2 } })).toBe('syncing');
    expect(at({ state: 'ok', counts: { sending: 1 } })).toBe('syncing');
    expect(at({ state: 'ok', counts: { queued: 2 } })).toBe('waiting');
    expect(at({ state: 'idle', counts: { queued: 2 } })).toBe('waiting');
    expect(at({ state: 'ok' })).toBe('ok');
    // A stale "unconfigured" right after the server was set is not "no server".
    expect(at({ state: 'unconfigured', counts: { queued: 1 } })).toBe('waiting');
  });

  it('gives every state its own colour, icon and words in both languages', () => {
    expect(new Set(Object.values(BADGE_COLORS)).size).toBe(SYNC_DISPLAY_STATES.length);
    expect(new Set(Object.values(SYNC_ICONS)).size).toBe(SYNC_DISPLAY_STATES.length);
    for (const lang of ['id', 'en'] as const) {
      const titles = SYNC_DISPLAY_STATES.map((s) => syncDisplayText(s, lang, { queued: 2, failed: 1 }).title);
      expect(new Set(titles).size).toBe(titles.length);
      for (const s of SYNC_DISPLAY_STATES) {
        const d = syncDisplayText(s, lang, { queued: 2, failed: 1 });
        expect(d.title).not.toMatch(/^sd_|\{/);
        expect(d.todo.length).toBeGreaterThan(10);
        expect(d.todo).not.toMatch(/^sd_|\{/);
      }
    }
    expect(syncDisplayText('paused', 'id').title).toBe('Sinkronisasi dijeda');
    expect(syncDisplayText('unconfigured', 'id').todo).toMatch(/Pengaturan/);
    expect(syncDisplayText('offline', 'id').title).toBe('Tidak terhubung ke server');
    expect(syncDisplayText('failed', 'id', { failed: 3 }).title).toBe('3 bukti ditolak server');
    expect(syncDisplayText('waiting', 'id', { queued: 2, sending: 1 }).title).toBe('3 bukti menunggu dikirim');
    // The Indonesian table carries no English words for these states.
    for (const s of SYNC_DISPLAY_STATES) {
      const d = syncDisplayText(s, 'id', { queued: 2, failed: 1 });
      expect(`${d.title} ${d.todo}`).not.toMatch(/\b(the|server is|sync|token refused|offline|failed|retry)\b/i);
    }
  });

  it('blocks "Sinkronkan sekarang" with the reason when it cannot work', () => {
    expect(syncNowBlocked('unconfigured', 'id', { queued: 3 })).toBe('Belum ada server. Atur di Pengaturan.');
    expect(syncNowBlocked('locked', 'id', { queued: 3 })).toMatch(/kunci/);
    expect(syncNowBlocked('syncing', 'id', { queued: 3 })).toBeTruthy();
    expect(syncNowBlocked('ok', 'id', {})).toBe('Tidak ada bukti yang menunggu dikirim.');
    expect(syncNowBlocked('waiting', 'id', { queued: 1 })).toBeNull();
    expect(syncNowBlocked('offline', 'id', { queued: 1 })).toBeNull();
    expect(syncNowBlocked('failed', 'id', { failed: 1 })).toBeNull();
    // Paused: the manual run is how the monitor resumes after the coordinator approved the device.
    expect(syncNowBlocked('paused', 'id', {})).toBeNull();
    expect(syncNowBlocked('unconfigured', 'en', {})).toBe('No server yet. Set one in Settings.');
  });
});

describe('toolbar badge', () => {
  beforeEach(async () => {
    fakeBrowser.reset();
    await closeEvidenceDb();
    indexedDB.deleteDatabase('asn-evidence');
  });
  const hex = (rgba: number[]) => `#${rgba.slice(0, 3).map((n) => n.toString(16).padStart(2, '0')).join('')}`;
  const color = async () => hex(await fakeBrowser.action.getBadgeBackgroundColor({}) as number[]);

  it('takes its colour and tooltip from the sync state as well as the count', async () => {
    const now = '2024-09-13T02:15:04.123Z';
    const ev: StoredEvidence = {
      id: '11111111-1111-4111-8111-111111111111', status: 'queued', record: record({ id: '11111111-1111-4111-8111-111111111111', capturedAt: new Date(now) }),
      createdAt: now, updatedAt: now, missing: [], warnings: [], extras: {},
      sync: { attempts: 0, lastError: null, nextAttemptAt: null, receipt: null }, custody: [{ at: now, action: 'capture', actor: 'Rahmat' }],
    };
    await insertEvidence(ev, { screenshot: new Blob([new Uint8Array(4)], { type: 'image/png' }) });

    await refreshBadge();
    expect(await fakeBrowser.action.getBadgeText({})).toBe('1');
    expect(await color()).toBe(BADGE_COLORS.unconfigured);
    expect(await fakeBrowser.action.getTitle({})).toMatch(/Server belum diatur/);

    await backendItem.setValue({ baseUrl: 'https://bukti.example.go.id', token: 't', retentionDays: 0 });
    await refreshBadge();
    expect(await color()).toBe(BADGE_COLORS.waiting);

    await syncStatusItem.setValue({ state: 'paused', message: 'x', httpStatus: 401, at: now });
    await refreshBadge();
    expect(await fakeBrowser.action.getBadgeText({})).toBe('1');
    expect(await color()).toBe(BADGE_COLORS.paused);
    expect(BADGE_COLORS.paused).not.toBe(BADGE_COLORS.waiting);
    expect(await fakeBrowser.action.getTitle({})).toMatch(/Sinkronisasi dijeda/);

    await syncStatusItem.setValue({ state: 'retrying', message: 'x', httpStatus: null, at: now });
    await refreshBadge();
    expect(await color()).toBe(BADGE_COLORS.offline);
  });
});
