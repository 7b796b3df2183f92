import { describe, expect, it } from 'vitest';
import { accountRef, hrefKey, watchKeys } from '../../../lib/watchlist/model';

describe('canonical account keys', () => {
  it('computes the same key from page links and from what the monitor typed', () => {
    const cases: Array<[string, string]> = [
      ['https://www.facebook.com/profile.php?id=100012345678901&comment_id=Y29t', 'facebook.com/profile.php?id=100012345678901'],
      ['https://web.facebook.com/profile.php?__cft__[0]=x&id=100012345678901', 'facebook.com/profile.php?id=100012345678901'],
      ['https://www.facebook.com/people/Budi-Santoso/100012345678901/', 'facebook.com/profile.php?id=100012345678901'],
      ['https://www.facebook.com/groups/123/user/100012345678901/', 'facebook.com/profile.php?id=100012345678901'],
      ['https://www.facebook.com/Sinta.Dewi.77?comment_id=1', 'facebook.com/sinta.dewi.77'],
      ['https://m.facebook.com/sinta.dewi.77/', 'facebook.com/sinta.dewi.77'],
      ['https://www.instagram.com/Budi_S/', 'instagram.com/budi_s'],
      ['https://www.tiktok.com/@Budi.S?lang=id', 'tiktok.com/@budi.s'],
    ];
    for (const [href, key] of cases) expect(hrefKey(href), href).toBe(key);
    expect(hrefKey('/budi_s/', 'https://www.instagram.com')).toBe('instagram.com/budi_s');
    // Not a profile link: posts, photos, timestamps.
    expect(hrefKey('https://www.facebook.com/dinascontoh/posts/123')).toBeNull();
    expect(hrefKey('https://www.instagram.com/p/Cabcdef/')).toBeNull();
    expect(hrefKey('https://www.tiktok.com/@budi/video/7300000000000000000')).toBeNull();
    expect(hrefKey('https://example.com/budi')).toBeNull();
  });

  it('accepts URLs, scheme-less URLs and prefixed handles; refuses bare @handles and non-profiles', () => {
    expect(accountRef('facebook.com/profile.php?id=100012345678901')).toEqual({
      platform: 'facebook', url: 'https://www.facebook.com/profile.php?id=100012345678901', key: 'facebook.com/profile.php?id=100012345678901',
    });
    expect(accountRef('fb:budi.santoso')?.url).toBe('https://www.facebook.com/budi.santoso');
    expect(accountRef('ig:@budi_s')?.url).toBe('https://www.instagram.com/budi_s/');
    expect(accountRef('tiktok:@budi')?.key).toBe('tiktok.com/@budi');
    expect(accountRef('tt:budi')?.key).toBe('tiktok.com/@budi');
    expect(accountRef('@budi')).toBeNull();
    expect(accountRef('https://www.instagram.com/explore/')).toBeNull();
    expect(accountRef('https://www.facebook.com/watch/')).toBeNull();
    expect(accountRef('https://example.com/budi')).toBeNull();
  });

  it('prepares the sorted, de-duplicated key list for the content script', () => {
    const e = (accounts: string[]) => ({ id: 'x', name: 'x', nip: null, agency: null, position: null, rank: null, employmentType: 'unknown' as const, accounts, addedAt: '', updatedAt: '' });
    expect(watchKeys([e(['https://www.tiktok.com/@b', 'https://www.facebook.com/A']), e(['https://www.facebook.com/a'])]))
      .toEqual(['facebook.com/a', 'tiktok.com/@b']);
  });
});
