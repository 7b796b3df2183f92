import { useEffect, useState } from 'preact/hooks';
import { t, type Lang, type MessageKey } from '../lib/i18n/messages';
import { settingsItem } from '../lib/settings';
import { formatHuman } from '../lib/export/time';

/** The UI language from settings, live-updated when the monitor switches it. */
export function useLang(): Lang {
  const [lang, setLang] = useState<Lang>('id');
  useEffect(() => {
    void settingsItem.getValue().then((s) => setLang(s.language ?? 'id'));
    return settingsItem.watch((s) => setLang(s?.language ?? 'id'));
  }, []);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  return lang;
}

export type T = (key: MessageKey, params?: Record<string, string | number>) => string;
export function useT(): [T, Lang] {
  const lang = useLang();
  return [(key, params) => t(lang, key, params), lang];
}

/**
 * "13 Sep 2024 09.15.04 WIB": in the monitor's zone (the record's zone, else this browser's), with
 * WIB / WITA / WIT for Indonesia in both languages. No ISO or UTC instant: that stays in the
 * machine formats (CSV, manifest) and the report's technical appendix.
 */
export function formatTime(iso: string, lang: Lang, timeZone?: string): string {
  return formatHuman(iso, lang, timeZone);
}
