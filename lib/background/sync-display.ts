/**
 * What the monitor sees of sync, in one place: the popup's state panel and the toolbar badge both
 * come from `syncDisplay`, so they never disagree. Pure (no browser API), unit-tested in
 * tests/unit/sync/sync-display.test.ts.
 *
 * One display state, worst first: the store is locked; no server is set; the server refused this
 * device (paused); the network is unreachable (offline); the server answered with trouble (5xx /
 * 429: retrying); records the server refused (failed); a run is going (syncing); records wait
 * (waiting, the normal queue); nothing waits (ok). Each has its own icon, words and colour, so
 * no state is told by colour alone.
 */
import { t, type Lang, type MessageKey } from '../i18n/messages';
import type { SyncStatus } from './sync-status';

export const SYNC_DISPLAY_STATES = [
  'locked', 'unconfigured', 'paused', 'offline', 'retrying', 'failed', 'syncing', 'waiting', 'ok',
] as const;
export type SyncDisplayState = (typeof SYNC_DISPLAY_STATES)[number];

export interface SyncDisplayInput {
  /** The engine's last state (lib/background/sync-status.ts). */
  state: SyncStatus['state'];
  httpStatus?: number | null;
  /** A server address is set in the settings. */
  configured: boolean;
  /** The encrypted store is on and locked. */
  locked: boolean;
  counts: { queued?: number; sending?: number; failed?: number };
}

/** Toolbar badge background per state: each differs from the others (white text on all of them). */
export const BADGE_COLORS: Record<SyncDisplayState, string> = {
  locked: '#111827', // near black
  unconfigured: '#4b5563', // grey
  paused: '#c2410c', // orange
  offline: '#0f766e', // teal
  retrying: '#92400e', // brown
  failed: '#b91c1c', // red
  syncing: '#7c3aed', // violet
  waiting: '#1d4ed8', // blue: the normal queue
  ok: '#15803d', // green
};

/** A symbol beside the words (never the only sign: the title says the state too). */
export const SYNC_ICONS: Record<SyncDisplayState, string> = {
  locked: '🔒', unconfigured: '⚙', paused: '‖', offline: '⚠', retrying: '↻', failed: '✖', syncing: '⇅', waiting: '◷', ok: '✓',
};

/** The panel's tone (CSS class of .msg). */
export const SYNC_TONES: Record<SyncDisplayState, 'ok' | 'info' | 'error' | 'warn'> = {
  locked: 'warn', unconfigured: 'warn', paused: 'error', offline: 'warn', retrying: 'warn', failed: 'error', syncing: 'info', waiting: 'info', ok: 'ok',
};

export function syncDisplay(i: SyncDisplayInput): SyncDisplayState {
  const queued = i.counts.queued ?? 0;
  const sending = i.counts.sending ?? 0;
  const failed = i.counts.failed ?? 0;
  if (i.locked || i.state === 'locked') return 'locked';
  if (!i.configured) return 'unconfigured';
  if (i.state === 'paused') return 'paused';
  // No HTTP answer at all (network down, refused, timed out) is "offline" whatever the engine
  // called it; an answer with 5xx/429 is server trouble.
  if (i.state === 'offline' || (i.state === 'retrying' && (i.httpStatus ?? null) === null)) return 'offline';
  if (i.state === 'retrying') return 'retrying';
  if (failed > 0) return 'failed';
  if (i.state === 'syncing' || sending > 0) return 'syncing';
  if (queued > 0) return 'waiting';
  return 'ok';
}

const TITLE: Record<SyncDisplayState, MessageKey> = {
  locked: 'sd_locked_title', unconfigured: 'sd_unconfigured_title', paused: 'sd_paused_title', offline: 'sd_offline_title',
  retrying: 'sd_retrying_title', failed: 'sd_failed_title', syncing: 'sd_syncing_title', waiting: 'sd_waiting_title', ok: 'sd_ok_title',
};
const TODO: Record<SyncDisplayState, MessageKey> = {
  locked: 'sd_locked_todo', unconfigured: 'sd_unconfigured_todo', paused: 'sd_paused_todo', offline: 'sd_offline_todo',
  retrying: 'sd_retrying_todo', failed: 'sd_failed_todo', syncing: 'sd_syncing_todo', waiting: 'sd_waiting_todo', ok: 'sd_ok_todo',
};

export interface SyncDisplayText {
  state: SyncDisplayState;
  icon: string;
  tone: (typeof SYNC_TONES)[SyncDisplayState];
  color: string;
  /** Short: what is going on. */
  title: string;
  /** What the monitor should do (or that nothing is needed). */
  todo: string;
}

export function syncDisplayText(state: SyncDisplayState, lang: Lang, counts: SyncDisplayInput['counts'] = {}): SyncDisplayText {
  const n = { waiting: (counts.queued ?? 0) + (counts.sending ?? 0) + (counts.failed ?? 0), failed: counts.failed ?? 0 };
  return {
    state, icon: SYNC_ICONS[state], tone: SYNC_TONES[state], color: BADGE_COLORS[state],
    title: t(lang, TITLE[state], n), todo: t(lang, TODO[state], n),
  };
}

/** The toolbar button's tooltip: the app, the state and how many records wait. */
export function badgeTitle(state: SyncDisplayState, lang: Lang, counts: SyncDisplayInput['counts']): string {
  const d = syncDisplayText(state, lang, counts);
  return `${t(lang, 'appName')}: ${d.title}. ${d.todo}`;
}

/** Why "Sinkronkan sekarang" cannot work now (null: it can). */
export function syncNowBlocked(state: SyncDisplayState, lang: Lang, counts: SyncDisplayInput['counts']): string | null {
  if (state === 'locked') return t(lang, 'sd_syncNow_locked');
  if (state === 'unconfigured') return t(lang, 'sd_syncNow_unconfigured');
  if (state === 'syncing') return t(lang, 'sd_syncNow_running');
  const waiting = (counts.queued ?? 0) + (counts.sending ?? 0) + (counts.failed ?? 0);
  // Paused: the manual run is how a monitor resumes (e.g. after the coordinator approved the device).
  if (waiting === 0 && state !== 'paused') return t(lang, 'sd_syncNow_nothing');
  return null;
}
