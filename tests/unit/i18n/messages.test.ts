/**
 * Every message table (lib/i18n/messages.ts and the export, vault, watchlist, workbench and content
 * tables), every key, both languages, rendered through the table's own function: fails on a key
 * missing in one language, an empty text, a {placeholder} left unfilled or used in one language
 * only, and English in the Indonesian table (a word list; a small allowlist of proper nouns and
 * terms the monitors use as they are).
 */
import { describe, expect, it } from 'vitest';
import { MESSAGE_TABLES, t, type Lang, type MessageKey } from '../../../lib/i18n/messages';
import { EXPORT_MESSAGE_TABLES, tx, type ExportMessageKey } from '../../../lib/i18n/export-messages';
import { VAULT_MESSAGE_TABLES, tv, type VaultMessageKey } from '../../../lib/i18n/vault-messages';
import { WATCHLIST_MESSAGE_TABLES, tw, type WatchlistMessageKey } from '../../../lib/i18n/watchlist-messages';
import { WORKBENCH_MESSAGE_TABLES, wx, type WorkbenchMessageKey } from '../../../lib/i18n/workbench-messages';
import { CONTENT_MESSAGE_TABLES, ct, type ContentMessageKey } from '../../../lib/i18n/content-messages';

type Render = (lang: Lang, key: string, params?: Record<string, string | number>) => string;
interface Table { name: string; tables: Record<Lang, Record<string, string>>; render: Render }

const TABLES: Table[] = [
  { name: 'messages', tables: MESSAGE_TABLES, render: (l, k, p) => t(l, k as MessageKey, p) },
  { name: 'export', tables: EXPORT_MESSAGE_TABLES, render: (l, k, p) => tx(l, k as ExportMessageKey, p) },
  { name: 'vault', tables: VAULT_MESSAGE_TABLES, render: (l, k, p) => tv(l, k as VaultMessageKey, p) },
  { name: 'watchlist', tables: WATCHLIST_MESSAGE_TABLES, render: (l, k, p) => tw(l, k as WatchlistMessageKey, p) },
  { name: 'workbench', tables: WORKBENCH_MESSAGE_TABLES, render: (l, k, p) => wx(l, k as WorkbenchMessageKey, p) },
  // the content script's few strings take no parameters
  { name: 'content', tables: CONTENT_MESSAGE_TABLES, render: (l, k) => ct(l, k as ContentMessageKey) },
];

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();

/**
 * Common English words that have no place in Indonesian UI text ("valid" is not listed: it is Indonesian too). Words Indonesian uses as they are
 * (server, token, browser, online forms of names) are not listed; the allowlist below covers the
 * proper nouns and terms that happen to look English.
 */
const ENGLISH_WORDS = new Set(`
  the a an and or of to in on at by for from with without into onto is are was were be been being has have had
  will would can could should must may might not no yes this that these those it its you your we our they their
  he she his her who whom which what when where why how all any each every some only also than then there here
  please error errors failed failure fail unknown missing required network fetch request response
  refused denied allowed forbidden unauthorized timeout settings setting saved save saving cancel cancelled retry
  open close delete deleted remove removed upload uploaded download downloaded file files record records
  screenshot screenshots evidence report reports bundle import imported export exported sync synced syncing
  queue queued draft drafts pending sending sent failed warning warnings check checked verify verified
  digits digit must number numbers name names date dates time times comment comments post posts reply replies
  like likes share shares user users account accounts page pages link links click press select choose enter type
  new old first last next previous back done ready loading empty none found not passphrase password unlock locked
`.split(/\s+/).filter(Boolean));

/** Proper nouns and terms the monitors use as they are, that the word list would otherwise flag. */
const ALLOWLIST = new Set(['facebook', 'instagram', 'tiktok', 'nip', 'zip', 'csv', 'sha-256', 'url', 'pdf', 'json', 'png', 'html', 'asn', 'id', 'uuid']);

/** Per key: English that is the literal thing named (CSV column names the watchlist import accepts). */
const KEY_ALLOWLIST: Record<string, string[]> = {
  csvIntro: ['name', 'type', 'accounts'],
  err_no_name_column: ['name'],
};

function englishWords(text: string): string[] {
  // URLs, file names, code spans and quoted UI labels of other products are not prose
  const prose = text
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/`[^`]*`/g, ' ')
    .replace(/\{\w+\}/g, ' ')
    .replace(/\b[\w-]+\.(?:json|csv|zip|png|html|pdf|txt|sh)\b/gi, ' ');
  return (prose.toLowerCase().match(/[a-z][a-z'-]*/g) ?? [])
    .filter((w) => ENGLISH_WORDS.has(w) && !ALLOWLIST.has(w));
}

describe.each(TABLES)('message table "$name"', ({ tables, render }) => {
  const idKeys = Object.keys(tables.id).sort();
  const enKeys = Object.keys(tables.en).sort();

  it('has the same keys in both languages, and some keys at all', () => {
    expect(idKeys.length).toBeGreaterThan(0);
    expect(enKeys.filter((k) => !idKeys.includes(k)), 'keys only in English').toEqual([]);
    expect(idKeys.filter((k) => !enKeys.includes(k)), 'keys only in Indonesian').toEqual([]);
  });

  it('renders every key in both languages: not empty, every placeholder filled, the same placeholders in both', () => {
    const problems: string[] = [];
    for (const key of idKeys) {
      const idPh = placeholders(tables.id[key] ?? '');
      const enPh = placeholders(tables.en[key] ?? '');
      if (idPh.join() !== enPh.join()) problems.push(`${key}: placeholders differ (id: ${idPh.join()} / en: ${enPh.join()})`);
      for (const lang of ['id', 'en'] as const) {
        const template = tables[lang][key];
        if (typeof template !== 'string' || template.trim() === '') {
          problems.push(`${lang}.${key}: empty or missing`);
          continue;
        }
        const params = Object.fromEntries(placeholders(template).map((p) => [p, `«${p}»`]));
        const out = render(lang, key, params);
        if (out.trim() === '') problems.push(`${lang}.${key}: renders empty`);
        if (/\{\w+\}/.test(out)) problems.push(`${lang}.${key}: unfilled placeholder in "${out}"`);
        for (const p of Object.keys(params)) if (!out.includes(`«${p}»`)) problems.push(`${lang}.${key}: {${p}} not rendered`);
        if (lang === 'id' && out !== render('id', key, params)) problems.push(`${key}: rendering is not stable`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('has no English words in the Indonesian table', () => {
    const found = idKeys
      .map((key) => [key, englishWords(tables.id[key] ?? '').filter((w) => !KEY_ALLOWLIST[key]?.includes(w))] as const)
      .filter(([, words]) => words.length > 0)
      .map(([key, words]) => `${key}: ${[...new Set(words)].join(', ')}  ←  ${tables.id[key]}`);
    expect(found).toEqual([]);
  });
});

describe('the English-word check itself', () => {
  it('flags the issue\'s examples and passes plain Indonesian', () => {
    expect(englishWords('Gagal terhubung: Network error: Failed to fetch')).toEqual(['network', 'error', 'failed', 'to', 'fetch']);
    expect(englishWords('Data belum valid: subject.nip: NIP must be 18 digits')).toContain('must');
    expect(englishWords('server menolak token (HTTP 401: unknown token)')).toContain('unknown');
    expect(englishWords('Server menolak token ini. Periksa token di Pengaturan, lalu tes lagi di Facebook, TikTok atau Instagram.')).toEqual([]);
  });
});
