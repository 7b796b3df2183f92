/**
 * The few strings the content script shows itself (the background sends every other message
 * already translated). Kept apart from messages.ts so the page-side bundle stays small.
 */
import type { Lang } from './messages';

const table = {
  id: {
    flag: 'Tandai',
    flagHint: 'Tandai sebagai bukti pelanggaran',
    flagging: 'Menangkap layar…',
    flagged: 'Bukti tersimpan di perangkat ini. Lengkapi formulirnya.',
  },
  en: {
    flag: 'Flag',
    flagHint: 'Flag as violation evidence',
    flagging: 'Capturing…',
    flagged: 'Evidence stored on this device. Complete the form.',
  },
} satisfies Record<Lang, Record<string, string>>;

export type ContentMessageKey = keyof (typeof table)['id'];

export function ct(lang: Lang, key: ContentMessageKey): string {
  return (table[lang] ?? table.id)[key];
}
