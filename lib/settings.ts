/** Settings kept with WXT storage items (browser.storage.local). */
import { storage } from 'wxt/utils/storage';
import type { Lang } from './i18n/messages';

export interface MonitorSettings { name: string; nip: string; unit: string }

export interface Settings {
  monitor: MonitorSettings;
  language: Lang;
  /** Show the small in-page flag button on supported sites. */
  inpageButtons: boolean;
}

export const DEFAULT_SETTINGS: Settings = {
  monitor: { name: '', nip: '', unit: '' },
  language: 'id',
  inpageButtons: true,
};

export const settingsItem = storage.defineItem<Settings>('local:settings', {
  fallback: DEFAULT_SETTINGS,
  version: 1,
});

export async function getSettings(): Promise<Settings> {
  const s = await settingsItem.getValue();
  return { ...DEFAULT_SETTINGS, ...s, monitor: { ...DEFAULT_SETTINGS.monitor, ...s.monitor } };
}

export interface BackendSettings {
  /** e.g. https://bukti.example.go.id (no trailing slash needed). Empty = sync off. */
  baseUrl: string;
  /** Bearer token. Never logged, exported, or put in an error message. */
  token: string;
  /** Delete synced records after this many days; 0 = keep forever. */
  retentionDays: number;
}

export const backendItem = storage.defineItem<BackendSettings>('local:backend', {
  fallback: { baseUrl: '', token: '', retentionDays: 0 },
  version: 1,
});

/** The monitor's identity as saved: trimmed, NIP without the spaces, dots or dashes people type. */
export function cleanMonitor(m: MonitorSettings): { value: MonitorSettings; nipValid: boolean } {
  const nip = m.nip.replace(/[\s.\-]/g, '');
  return { value: { name: m.name.trim(), nip, unit: m.unit.trim() }, nipValid: nip === '' || /^\d{18}$/.test(nip) };
}

/** Whether the monitor has said who they are (the first-run page and the form ask when not). */
export function monitorIdentified(m: MonitorSettings): boolean {
  return m.name.trim() !== '' && /^\d{18}$/.test(m.nip);
}

/** Merge into the stored settings (other fields stay as they are). */
export async function updateSettings(patch: Partial<Settings>): Promise<Settings> {
  const next = { ...(await getSettings()), ...patch };
  await settingsItem.setValue(next);
  return next;
}
