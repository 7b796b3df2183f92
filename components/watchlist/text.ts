/** The watchlist page's text helper and how an entry or election error is said. */
import type { WatchlistMessageKey } from '../../lib/i18n/watchlist-messages';
import type { EntryError } from '../../lib/watchlist/csv';
import type { ElectionError } from '../../lib/watchlist/store';

export type X = (key: WatchlistMessageKey, params?: Record<string, string | number>) => string;

export function entryErrorText(x: X, e: EntryError | ElectionError): string {
  return x(`err_${e.code}` as WatchlistMessageKey, { value: e.value ?? '' });
}
