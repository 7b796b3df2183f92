/**
 * lib/team/account-key.ts: the one spelling of an account (and a NIP) the extension asks the team
 * server about and the server stores. Real-looking addresses as monitors copy them from the
 * address bar or a share sheet (tracking parameters, mobile hosts, trailing slashes, case).
 */
import { describe, expect, it } from 'vitest';
import { knownKeys, MAX_ACCOUNT_KEY_LENGTH, normaliseAccountUrl, normaliseNip, parseKnownQuery } from '../../../lib/team/account-key';
import { batchKeys, knownQuery } from '../../../lib/team/knowledge';
import { accountRef, hrefKey } from '../../../lib/watchlist/model';

const FB_ID = 'https://facebook.com/profile.php?id=100012345678901';

describe('normaliseAccountUrl', () => {
  it.each([
    ['https://www.facebook.com/Budi.Santoso.77/?ref=bookmarks#posts', 'https://facebook.com/budi.santoso.77'],
    ['https://web.facebook.com/budi.santoso.77?mibextid=ZbWKwL', 'https://facebook.com/budi.santoso.77'],
    ['http://m.facebook.com/budi.santoso.77//', 'https://facebook.com/budi.santoso.77'],
    ['facebook.com/budi.santoso.77', 'https://facebook.com/budi.santoso.77'],
    ['  https://FACEBOOK.COM/budi.santoso.77  ', 'https://facebook.com/budi.santoso.77'],
    ['https://m.facebook.com/profile.php?id=100012345678901&refid=17&__tn__=R', FB_ID],
    ['https://web.facebook.com/profile.php?sk=about&id=100012345678901&_rdc=1&_rdr', FB_ID],
    ['https://www.facebook.com/profile.php?id=100012345678901#photos', FB_ID],
    ['https://www.facebook.com/people/Budi-Santoso/100012345678901/', FB_ID],
    ['https://www.facebook.com/100012345678901', FB_ID],
  ])('facebook: %s', (input, key) => {
    expect(normaliseAccountUrl(input)).toBe(key);
  });

  it.each([
    ['https://www.instagram.com/budi_s/?igsh=MWx0Z2Z0eGZ6dWJ5Ng%3D%3D', 'https://instagram.com/budi_s'],
    ['https://instagram.com/Budi_S', 'https://instagram.com/budi_s'],
    ['https://m.instagram.com/budi_s/?hl=id', 'https://instagram.com/budi_s'],
    ['instagram.com/budi_s/', 'https://instagram.com/budi_s'],
  ])('instagram: %s', (input, key) => {
    expect(normaliseAccountUrl(input)).toBe(key);
  });

  it.each([
    ['https://www.tiktok.com/@budi.s?_t=8kXyzAbCdEf&_r=1', 'https://tiktok.com/@budi.s'],
    ['https://m.tiktok.com/@Budi.S/', 'https://tiktok.com/@budi.s'],
    ['https://www.tiktok.com/@budi.s?lang=id-ID#', 'https://tiktok.com/@budi.s'],
  ])('tiktok: %s', (input, key) => {
    expect(normaliseAccountUrl(input)).toBe(key);
  });

  it('keeps the path case of other sites (only the host is lower-cased) and their port', () => {
    expect(normaliseAccountUrl('https://WWW.Example.go.id:8443/Profil/Budi/?a=1')).toBe('https://example.go.id:8443/Profil/Budi');
    expect(normaliseAccountUrl('https://vm.tiktok.com/ZMhAbCdEf/')).toBe('https://vm.tiktok.com/ZMhAbCdEf');
  });

  it('keeps a two-label host whole (www.com is not cut to com)', () => {
    expect(normaliseAccountUrl('https://m.co/budi')).toBe('https://m.co/budi');
  });

  it('refuses what is not an account address', () => {
    for (const bad of [
      '', '   ', 'budi', '@budi', 'javascript:alert(1)', 'mailto:budi@example.go.id', 'ftp://facebook.com/budi',
      'https://user:pw@facebook.com/budi', 'https://www.facebook.com/profile.php', 'https://www.facebook.com/profile.php?id=abc',
      `https://facebook.com/${'a'.repeat(MAX_ACCOUNT_KEY_LENGTH)}`,
    ]) expect(normaliseAccountUrl(bad), bad).toBeNull();
    expect(normaliseAccountUrl(null)).toBeNull();
    expect(normaliseAccountUrl(undefined)).toBeNull();
  });

  it('is idempotent: a key normalises to itself', () => {
    for (const u of ['https://www.facebook.com/people/Budi-Santoso/100012345678901/', 'https://m.tiktok.com/@Budi.S/', 'https://www.instagram.com/budi_s/?igsh=x']) {
      const k = normaliseAccountUrl(u)!;
      expect(normaliseAccountUrl(k)).toBe(k);
    }
  });

  it('agrees with the watchlist: every canonical watched account is "https://" + its watch key', () => {
    for (const typed of ['fb:budi.santoso', 'https://m.facebook.com/profile.php?id=100012345678901&refid=17', 'ig:@Budi_S', 'tiktok:@budi.s', 'www.facebook.com/Rina.Kusuma']) {
      const ref = accountRef(typed)!;
      expect(ref, typed).not.toBeNull();
      expect(normaliseAccountUrl(ref.url), typed).toBe(`https://${hrefKey(ref.url)}`);
    }
  });
});

describe('normaliseNip and knownKeys', () => {
  it('accepts the 18 digits however they were typed, nothing else', () => {
    expect(normaliseNip('19850312 201001 1 002')).toBe('198503122010011002');
    expect(normaliseNip('19850312.201001.1.002')).toBe('198503122010011002');
    expect(normaliseNip('1985031220100110')).toBeNull();
    expect(normaliseNip('19850312201001100X')).toBeNull();
    expect(normaliseNip(null)).toBeNull();
  });

  it('normalises and de-duplicates both lists, dropping what is not a key', () => {
    expect(knownKeys({
      nips: ['19850312 201001 1 002', '198503122010011002', 'abc', null],
      accounts: ['https://www.instagram.com/budi_s/', 'instagram.com/Budi_S', 'not a url', undefined],
    })).toEqual({ nips: ['198503122010011002'], accounts: ['https://instagram.com/budi_s'] });
  });
});

describe('parseKnownQuery (the server side of the same contract)', () => {
  it('reads back exactly what the extension sends, key for key', () => {
    const sent = knownKeys({ nips: ['19850312 201001 1 002'], accounts: ['https://www.facebook.com/people/Budi-Santoso/100012345678901/', 'https://m.tiktok.com/@Budi.S/'] });
    const [batch] = batchKeys(sent);
    const read = parseKnownQuery(new URLSearchParams(knownQuery(batch!)));
    expect(read).toEqual({
      ok: true,
      keys: [
        { kind: 'nip', asked: '198503122010011002', key: '198503122010011002' },
        { kind: 'account', asked: FB_ID, key: FB_ID },
        { kind: 'account', asked: 'https://tiktok.com/@budi.s', key: 'https://tiktok.com/@budi.s' },
      ],
    });
  });
  it('refuses more than 100 keys and unusable ones', () => {
    const many = new URLSearchParams(Array.from({ length: 101 }, (_, i) => ['nip', `19850312201001${String(i).padStart(4, '0')}`]));
    expect(parseKnownQuery(many)).toMatchObject({ ok: false });
    expect(parseKnownQuery(new URLSearchParams('nip=123'))).toMatchObject({ ok: false });
    expect(parseKnownQuery(new URLSearchParams('account=javascript:alert(1)'))).toMatchObject({ ok: false });
    expect(parseKnownQuery(new URLSearchParams(''))).toEqual({ ok: true, keys: [] });
  });
});
