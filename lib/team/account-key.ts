/**
 * The keys the team's knowledge is asked and answered by (GET /v1/team/known): an ASN's NIP, or
 * the normalised URL of a social-media account. Shared by the extension and the server (which
 * normalises the account URLs it stores the same way), so both sides agree on one spelling.
 * Pure: no imports, no browser or Node API beyond URL.
 *
 * normaliseAccountUrl: "https://" + host without "www.", "m.", "web.", "mobile." (lower case) +
 * path without the trailing slash; query and fragment dropped, except Facebook's
 * profile.php?id=<digits> (profile.php without it is no account: null). On Facebook, Instagram and TikTok the path is lower-cased too (their
 * user names are not case-sensitive), and Facebook's other spellings of a numeric profile
 * (/people/<name>/<id>, /<id>) become profile.php?id=<id>.
 */

/** At most this many keys (NIPs and accounts together) in one request. */
export const MAX_KNOWN_KEYS = 100;
/** Longer account keys are not asked about (no profile address is this long). */
export const MAX_ACCOUNT_KEY_LENGTH = 300;

const PREFIX = /^(?:www|m|web|mobile)\./;
const CASELESS = /^(?:facebook\.com|instagram\.com|tiktok\.com)$/;

/** "19850312 201001 1 002" -> "198503122010011002"; null unless 18 digits remain. */
export function normaliseNip(input: string | null | undefined): string | null {
  if (typeof input !== 'string') return null;
  const n = input.replace(/[\s.\-]/g, '');
  return /^\d{18}$/.test(n) ? n : null;
}

/** The account key of a URL (see above), or null when it is not an http(s) address. */
export function normaliseAccountUrl(input: string | null | undefined): string | null {
  if (typeof input !== 'string') return null;
  let s = input.trim();
  if (!s) return null;
  if (!/^[a-z][a-z0-9+.-]*:/i.test(s)) {
    // "facebook.com/budi" as people type it
    if (!/^[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:[/?#]|$)/i.test(s)) return null;
    s = `https://${s}`;
  }
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return null;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return null;
  if (u.username || u.password) return null;
  let host = u.hostname.toLowerCase().replace(/\.$/, '');
  while (PREFIX.test(host) && host.split('.').length > 2) host = host.replace(PREFIX, '');
  if (!host) return null;
  let path = u.pathname.replace(/\/{2,}/g, '/').replace(/\/+$/, '');
  let query = '';
  if (host === 'facebook.com') {
    const seg = path.split('/');
    if (seg[1]?.toLowerCase() === 'profile.php') {
      // profile.php without a numeric id names nobody
      const id = /^\d{3,25}$/.exec(u.searchParams.get('id') ?? '');
      if (!id) return null;
      path = '/profile.php';
      query = `?id=${id[0]}`;
    } else if (seg[1]?.toLowerCase() === 'people' && /^\d{3,25}$/.test(seg[3] ?? '')) {
      path = '/profile.php';
      query = `?id=${seg[3]}`;
    } else if (seg.length === 2 && /^\d{3,25}$/.test(seg[1] ?? '')) {
      path = '/profile.php';
      query = `?id=${seg[1]}`;
    }
  }
  if (CASELESS.test(host)) path = path.toLowerCase();
  const port = u.port ? `:${u.port}` : '';
  const key = `https://${host}${port}${path}${query}`;
  return key.length <= MAX_ACCOUNT_KEY_LENGTH ? key : null;
}

/** The keys of a request: NIPs and account keys, normalised, without repeats (NIPs first). */
export function knownKeys(input: { nips?: readonly (string | null | undefined)[]; accounts?: readonly (string | null | undefined)[] }): {
  nips: string[];
  accounts: string[];
} {
  const nips = [...new Set((input.nips ?? []).map(normaliseNip).filter((x): x is string => x !== null))];
  const accounts = [...new Set((input.accounts ?? []).map(normaliseAccountUrl).filter((x): x is string => x !== null))];
  return { nips, accounts };
}

/** One key of a request as the server reads it: as asked (the answer names it so) and normalised. */
export interface AskedKey { kind: 'nip' | 'account'; asked: string; key: string }

/**
 * The server's reading of GET /v1/team/known's query: every `nip` and `account` parameter, each
 * normalised (an unusable one is an error, not silently dropped), at most MAX_KNOWN_KEYS in all.
 * The answer names each key as it was asked (`asked`); the extension asks normalised keys, so
 * for it `asked === key`.
 */
export function parseKnownQuery(params: URLSearchParams): { ok: true; keys: AskedKey[] } | { ok: false; error: string } {
  const nips = params.getAll('nip');
  const accounts = params.getAll('account');
  if (nips.length + accounts.length > MAX_KNOWN_KEYS) return { ok: false, error: `at most ${MAX_KNOWN_KEYS} keys per request` };
  const keys: AskedKey[] = [];
  for (const n of nips) {
    const key = normaliseNip(n);
    if (!key) return { ok: false, error: 'nip must be 18 digits' };
    keys.push({ kind: 'nip', asked: n, key });
  }
  for (const a of accounts) {
    const key = normaliseAccountUrl(a);
    if (!key) return { ok: false, error: 'account must be an http(s) address' };
    keys.push({ kind: 'account', asked: a, key });
  }
  return { ok: true, keys };
}
