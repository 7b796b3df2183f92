/** What the team register files a record under (server/team/keys.ts) and its deadline rule. */
import { describe, expect, it } from 'vitest';
import { reportingDeadline } from '../../lib/cases/deadline';
import { generateSigningKey, signerOf } from '../../lib/integrity/keys';
import { accountKeyOf, nipOf, targetOf, targetUrlKey } from '../team/keys';
import { TeamRegister } from '../team/register';
import type { SqlDriver } from '../storage';

describe('team keys', () => {
  it('NIP: 18 digits, separators ignored', () => {
    expect(nipOf('19850314 201001 1 002')).toBe('198503142010011002');
    expect(nipOf('1985.0314.2010.0110.02')).toBe('198503142010011002');
    expect(nipOf('12345')).toBeNull();
    expect(nipOf('19850314201001100X')).toBeNull();
    expect(nipOf(null)).toBeNull();
  });

  it('account URL: the watchlist key for the big three, a normalised URL otherwise', () => {
    const same = ['https://www.facebook.com/Budi.Santoso/', 'https://m.facebook.com/budi.santoso?ref=bookmarks', 'http://web.facebook.com/budi.santoso#x', 'facebook.com/budi.santoso'];
    expect(new Set(same.map(accountKeyOf))).toEqual(new Set(['facebook.com/budi.santoso']));
    expect(accountKeyOf('https://www.facebook.com/profile.php?id=100012345678901&sk=about')).toBe('facebook.com/profile.php?id=100012345678901');
    expect(accountKeyOf('https://www.facebook.com/profile.php?id=100012345678902')).not.toBe(accountKeyOf('https://www.facebook.com/profile.php?id=100012345678901'));
    expect(accountKeyOf('https://www.instagram.com/budi_s/?igsh=abc')).toBe('instagram.com/budi_s');
    expect(accountKeyOf('https://www.tiktok.com/@Budi')).toBe('tiktok.com/@budi');
    expect(accountKeyOf('https://WWW.Example.org/Users/Budi/?utm=1#top')).toBe('example.org/users/budi');
    expect(accountKeyOf('https://example.org/profile.php?id=42&x=1')).toBe('example.org/profile.php?id=42');
    expect(accountKeyOf('')).toBeNull();
    expect(accountKeyOf('not a url at all')).toBeNull();
  });

  it('target: comment id (or the id in its link), post URL with its case kept, else the record alone', () => {
    const base = { page: { url: 'https://www.facebook.com/feed' } };
    expect(targetOf({ ...base, comment: { id: '123' } }, 'facebook', 'comment', 'e1', null).key).toBe('facebook|comment|c:123');
    expect(targetOf({ ...base, comment: { id: null, url: 'https://www.facebook.com/x/posts/1?comment_id=123&__tn__=R' } }, 'facebook', 'comment', 'e1', null).key)
      .toBe('facebook|comment|c:123');
    expect(targetOf({ ...base, comment: { id: null, url: 'https://www.facebook.com/x/posts/1?comment_id=123&reply_comment_id=456' } }, 'facebook', 'reply', 'e1', null).key)
      .toBe('facebook|reply|c:456');
    // no id, no link: not matched by the page (a feed holds many comments)
    expect(targetOf({ ...base, comment: { id: null, url: null } }, 'facebook', 'comment', 'e1', null).key).toBe('facebook|comment|e:e1');
    const p1 = targetOf({ post: { url: 'https://m.facebook.com/budi/posts/pfbid0AbC/?mibextid=x' } }, 'facebook', 'post', 'e1', null).key;
    expect(p1).toBe('facebook|post|u:facebook.com/budi/posts/pfbid0AbC');
    expect(targetOf({ post: { url: 'https://www.facebook.com/budi/posts/pfbid0abc' } }, 'facebook', 'post', 'e1', null).key).not.toBe(p1);
    expect(targetOf({ post: { url: 'https://www.facebook.com/permalink.php?story_fbid=9&id=1&ref=x' } }, 'facebook', 'reaction', 'e1', null).key)
      .toBe('facebook|reaction|u:facebook.com/permalink.php?id=1&story_fbid=9');
    expect(targetOf({ subject: { accountUrl: 'https://instagram.com/budi_s/' } }, 'instagram', 'profile', 'e1', null).key).toBe('instagram|profile|a:instagram.com/budi_s');
    expect(targetOf({}, 'other', 'page', 'e1', 'https://www.example.org/berita/1?utm_source=x').key).toBe('other|page|u:example.org/berita/1');
    expect(targetUrlKey('::')).toBeNull();
  });

  it('deadline: the register computes the same instant as lib/cases/deadline.ts, in every zone', async () => {
    const signer = signerOf(await generateSigningKey());
    const db = {} as SqlDriver;
    for (const tz of ['Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura', 'Europe/Berlin', 'America/New_York', 'No/Such_Zone']) {
      const t = new TeamRegister(db, signer, { timeZone: tz });
      for (let ms = Date.parse('2024-03-01T00:00:00Z'); ms < Date.parse('2024-11-30T00:00:00Z'); ms += 3_600_000 * 7 + 60_000 * 13) {
        const iso = new Date(ms).toISOString();
        expect(t.deadlineOf(iso), `${tz} ${iso}`).toBe(reportingDeadline(iso, tz).deadlineAt);
      }
    }
    expect(new TeamRegister(db, signer).deadlineOf('2024-09-13T16:30:00.000Z')).toBe('2024-09-20T16:59:59.999Z');
  });
});
