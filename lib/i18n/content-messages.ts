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
    pickHint: 'Klik nama, tautan, atau teks di halaman ini untuk mengisi kolom di formulir. Tekan Esc untuk batal.',
    pickDone: 'Terisi di formulir. Kembali ke jendela formulir untuk menyimpan.',
    pickNothing: 'Tidak ada teks atau tautan di situ. Klik tepat pada nama, tautan, atau teksnya.',
    pickCancelled: 'Pemilihan dibatalkan.',
  },
  en: {
    flag: 'Flag',
    flagHint: 'Flag as violation evidence',
    flagging: 'Capturing…',
    flagged: 'Evidence stored on this device. Complete the form.',
    pickHint: 'Click the name, link or text on this page to fill the form field. Press Esc to cancel.',
    pickDone: 'Filled in the form. Go back to the form window to save.',
    pickNothing: 'There is no text or link there. Click right on the name, link or text.',
    pickCancelled: 'Picking cancelled.',
  },
} satisfies Record<Lang, Record<string, string>>;

export type ContentMessageKey = keyof (typeof table)['id'];

export function ct(lang: Lang, key: ContentMessageKey): string {
  return (table[lang] ?? table.id)[key];
}

/** Both tables, for the test that renders every key in both languages (tests/unit/i18n/messages.test.ts). */
export const CONTENT_MESSAGE_TABLES = table;
