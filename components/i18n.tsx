import { useEffect, useState } from 'preact/hooks';
import { t, type Lang, type MessageKey } from '../lib/i18n/messages';
import { settingsItem } from '../lib/settings';

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

/** "13 Sep 2024 09.15.04 WIB" in the monitor's zone, plus the UTC instant. */
export function formatTime(iso: string, lang: Lang, timeZone?: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  let local: string;
  try {
    local = new Intl.DateTimeFormat(lang === 'id' ? 'id-ID' : 'en-GB', {
      day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit',
      second: '2-digit', timeZone, timeZoneName: 'short',
    }).format(d);
  } catch {
    local = d.toString();
  }
  return `${local} (${d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC')})`;
}
