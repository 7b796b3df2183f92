/**
 * Entry point for the content script: pick the adapter for a page, extract without ever throwing,
 * and list the elements that get an in-page flag button.
 */
import type { ExtractContext, Extraction, PlatformAdapter } from './types';
import { facebook } from './facebook';
import { instagram } from './instagram';
import { tiktok } from './tiktok';
import { draft, finish, generic } from './generic';
import { parseUrl, platformOf } from './url';

export const adapters: readonly PlatformAdapter[] = [facebook, instagram, tiktok];

export function adapterFor(url: URL): PlatformAdapter {
  for (const a of adapters) {
    try {
      if (a.matches(url)) return a;
    } catch { /* a broken matcher must not hide the others */ }
  }
  return generic;
}

const errMsg = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : String(e)).slice(0, 300);

/**
 * Extract evidence fields for the flagged element. Never throws: an adapter failure falls back to the
 * generic adapter (platform kept from the address) with an `adapter_error` warning.
 */
export function extractEvidence(ctx: ExtractContext): Extraction {
  const u = parseUrl(ctx.url);
  const a = u ? adapterFor(u) : generic;
  try {
    return a.extract(ctx);
  } catch (e) {
    let x: Extraction;
    try {
      x = generic.extract(ctx);
    } catch {
      x = finish(draft('other'));
    }
    x.platform = u ? platformOf(u) : 'other';
    x.warnings.push({
      code: 'adapter_error',
      message: `Pembaca ${a.platform} gagal (${errMsg(e)}); isi kolom secara manual.`,
    });
    return x;
  }
}

/** Posts, comments and reactor rows that get the in-page flag button ([] on other sites or on error). */
export function flaggableElements(doc: Document | ParentNode, url: URL | string): Element[] {
  const u = typeof url === 'string' ? parseUrl(url) : url;
  const a = u ? adapterFor(u) : generic;
  try {
    return a.flaggableElements?.(doc) ?? [];
  } catch {
    return [];
  }
}

export type { ExtractContext, Extraction, PlatformAdapter } from './types';
