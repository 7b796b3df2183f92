/**
 * The watchlist page ("Daftar pantau"): the ASN being watched (add, edit, delete, CSV import with
 * every bad row listed and nothing half-imported), the switch for the in-page marks, and the
 * elections/candidates editor, with a way back to the evidence manager. Data lives in
 * browser.storage.local (lib/watchlist/store.ts), read directly: no background messages.
 */
import { useEffect } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { useLang } from '../i18n';
import { CsvImport } from './csv-import';
import { Elections } from './elections';
import type { X } from './text';
import { useStored } from './use-stored';
import { WatchList } from './watch-list';
import { t } from '../../lib/i18n/messages';
import { tw } from '../../lib/i18n/watchlist-messages';
import type { WatchEntry } from '../../lib/watchlist/model';
import { setMarking, watchKeysItem, watchlistItem } from '../../lib/watchlist/store';
import { backendItem } from '../../lib/settings';
import { checkServerAddress } from '../../lib/sync/protocol';
import { cacheFor, type KnowledgeCache } from '../../lib/team/knowledge';
import { teamCacheItem } from '../../lib/team/store';
import { watchlistViews } from '../../lib/team/views';
import { markText } from '../../lib/team/text';

export function WatchlistPage() {
  const lang = useLang();
  const x: X = (key, params) => tw(lang, key, params);
  const entries = useStored<WatchEntry[]>(watchlistItem, []);
  const marking = useStored(watchKeysItem, { enabled: true, keys: [] as string[] });
  const cache = useStored<KnowledgeCache | null>(teamCacheItem, null);
  const backend = useStored(backendItem, { baseUrl: '', token: '', retentionDays: 0 });
  useEffect(() => { document.title = `${x('title')} · ${t(lang, 'appName')}`; }, [lang]);
  // The background asks the server about the entries whose counts are old (nothing when offline).
  useEffect(() => { void browser.runtime.sendMessage({ type: 'team-refresh' }).catch(() => undefined); }, []);
  const addr = checkServerAddress(backend.baseUrl ?? '');
  const views = watchlistViews(entries, addr.ok ? cacheFor(cache, addr.url) : null, Date.now());
  const team: Record<string, string> = Object.fromEntries(Object.entries(views).map(([id, v]) => [id, markText(v, lang)]));

  return (
    <main style={{ maxWidth: '1100px', margin: '24px auto', padding: '0 16px' }}>
      <nav class="page-nav" aria-label={t(lang, 'popupActions')}>
        <a id="back-to-manager" href={browser.runtime.getURL('/manager.html')}>← {t(lang, 'backToManager')}</a>
        <a id="to-settings" href="#" onClick={(e) => { e.preventDefault(); void browser.runtime.openOptionsPage(); }}>{t(lang, 'settings')}</a>
      </nav>
      <h1>{x('title')}</h1>
      <p>{x('intro')}</p>
      <p class="muted">{x('storedLocally')}</p>
      <label style={{ display: 'flex', gap: '8px', alignItems: 'center', fontWeight: 400 }}>
        <input id="marking" type="checkbox" checked={marking.enabled !== false} onChange={(e) => void setMarking((e.target as HTMLInputElement).checked)} />
        {x('markingOn')}
      </label>
      <WatchList entries={entries} x={x} team={team} />
      <CsvImport entries={entries} x={x} lang={lang} />
      <Elections x={x} />
    </main>
  );
}
