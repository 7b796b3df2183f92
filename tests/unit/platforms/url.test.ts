import { describe, expect, it } from 'vitest';
import {
  canonicalUrl, fbCommentIds, fbDecodeCommentId, fbProfile, identify, igProfile, igShortcodeToPk, ttIdTime,
  ttProfile, type UrlInfo,
} from '../../../lib/platforms/url';

const PF = 'pfbid02AbCdEfGhIjKlMnOpQrStUvWxYz0123456789AbCdEfGhIjKlMnOpQrl';
const FB = 'https://www.facebook.com';
/** base64("comment:1234567890123456_8765432109876543"), URL-encoded as on the page. */
const B64 = 'Y29tbWVudDoxMjM0NTY3ODkwMTIzNDU2Xzg3NjU0MzIxMDk4NzY1NDM%3D';

type Row = [string, Partial<UrlInfo>];

const facebook: Row[] = [
  [`${FB}/permalink.php?story_fbid=${PF}&id=100064405103773&__cft__[0]=AZX&__tn__=%2CO%2CP-R`,
    { kind: 'post', postId: PF, actorId: '100064405103773', postUrl: `${FB}/permalink.php?story_fbid=${PF}&id=100064405103773` }],
  [`https://web.facebook.com/story.php?story_fbid=1234567890123456&id=100064405103773&mibextid=Nif5oz`,
    { kind: 'post', postId: '1234567890123456', postUrl: `${FB}/permalink.php?story_fbid=1234567890123456&id=100064405103773` }],
  [`${FB}/relawansukamaju/posts/${PF}?__cft__[0]=AZX&__tn__=%2CO%2CP-R`,
    { kind: 'post', postId: PF, handle: 'relawansukamaju', postUrl: `${FB}/relawansukamaju/posts/${PF}`, profileUrl: `${FB}/relawansukamaju` }],
  [`${FB}/100064405103773/posts/1234567890123456/`,
    { postId: '1234567890123456', postUrl: `${FB}/permalink.php?story_fbid=1234567890123456&id=100064405103773` }],
  [`https://m.facebook.com/relawansukamaju/posts/1234567890123456?ref=share&rdid=abc`,
    { postId: '1234567890123456', postUrl: `${FB}/relawansukamaju/posts/1234567890123456` }],
  [`${FB}/groups/infocpnsdaerah/posts/1234567890123457/?app=fbl`,
    { kind: 'post', postId: '1234567890123457', groupId: 'infocpnsdaerah', postUrl: `${FB}/groups/infocpnsdaerah/posts/1234567890123457/` }],
  [`${FB}/groups/987654321098765/permalink/1234567890123457/`,
    { postId: '1234567890123457', postUrl: `${FB}/groups/987654321098765/posts/1234567890123457/` }],
  [`${FB}/groups/infocpnsdaerah/posts/d41d8cd9/2013209885760000/?app=fbl`,
    { postId: '2013209885760000', postUrl: `${FB}/groups/infocpnsdaerah/posts/2013209885760000/` }],
  [`${FB}/photo/?fbid=1220007673489391&set=a.465364825620350&__cft__[0]=AZX`,
    { kind: 'post', postId: '1220007673489391', mediaType: 'photo', postUrl: `${FB}/photo/?fbid=1220007673489391` }],
  [`${FB}/photo.php?fbid=1220007673489391&set=pcb.1234567890123456&type=3`,
    { postId: '1234567890123456', mediaType: 'photo', postUrl: `${FB}/1234567890123456` }],
  [`${FB}/relawansukamaju/photos/a.465364825620350/1220007673489391/?type=3`,
    { postId: '1220007673489391', mediaType: 'photo', postUrl: `${FB}/photo/?fbid=1220007673489391` }],
  [`${FB}/relawansukamaju/videos/987654321098765/?ref=sharing`,
    { postId: '987654321098765', mediaType: 'video', postUrl: `${FB}/watch/?v=987654321098765` }],
  [`${FB}/relawansukamaju/videos/kampanye-akbar/987654321098765/`,
    { postId: '987654321098765', mediaType: 'video' }],
  [`${FB}/watch/?v=987654321098765&ref=sharing`,
    { kind: 'post', postId: '987654321098765', mediaType: 'video', postUrl: `${FB}/watch/?v=987654321098765` }],
  [`${FB}/watch/live/?v=987654321098766&ref=watch_permalink`,
    { kind: 'post', postId: '987654321098766', mediaType: 'video', postUrl: `${FB}/watch/?v=987654321098766` }],
  [`${FB}/reel/1234567890123458?mibextid=rS40aB7S9Ucbxw6v&s=yWDuG2&fs=e`,
    { kind: 'post', postId: '1234567890123458', mediaType: 'reel', postUrl: `${FB}/reel/1234567890123458` }],
  [`${FB}/${PF}`, { kind: 'post', postId: PF, postUrl: `${FB}/${PF}` }],
  [`${FB}/permalink.php?story_fbid=${PF}&id=100064405103773&comment_id=8765432109876543`,
    { kind: 'comment', commentId: '8765432109876543', parentId: null,
      commentUrl: `${FB}/permalink.php?story_fbid=${PF}&id=100064405103773&comment_id=8765432109876543` }],
  [`${FB}/permalink.php?story_fbid=${PF}&id=100064405103773&comment_id=8765432109876543&reply_comment_id=8765432109876599&__cft__[0]=x`,
    { kind: 'reply', commentId: '8765432109876599', parentId: '8765432109876543',
      commentUrl: `${FB}/permalink.php?story_fbid=${PF}&id=100064405103773&comment_id=8765432109876543&reply_comment_id=8765432109876599` }],
  [`${FB}/relawansukamaju/posts/${PF}?comment_id=${B64}`,
    { kind: 'comment', commentId: '8765432109876543', commentUrl: `${FB}/relawansukamaju/posts/${PF}?comment_id=8765432109876543` }],
  [`https://l.facebook.com/l.php?u=https%3A%2F%2Fwww.facebook.com%2Fwatch%2F%3Fv%3D987654321098765&h=AT0x`,
    { postId: '987654321098765', mediaType: 'video' }],
  [`${FB}/profile.php?id=100012345678901&sk=about`,
    { kind: 'profile', actorId: '100012345678901', profileUrl: `${FB}/profile.php?id=100012345678901`, handle: null }],
  [`${FB}/sinta.dewi.77?comment_id=${B64}`, { kind: 'profile', handle: 'sinta.dewi.77', profileUrl: `${FB}/sinta.dewi.77` }],
  [`${FB}/people/Andi-Wijaya/100034567890123/`, { kind: 'profile', profileUrl: `${FB}/profile.php?id=100034567890123` }],
  [`${FB}/groups/infocpnsdaerah/user/100023456789012/`, { kind: 'profile', actorId: '100023456789012' }],
  [`${FB}/share/p/1AbCdEfGh2/`, { kind: 'share', postId: null }],
  ['https://fb.watch/abCDef12/', { kind: 'share', postId: null }],
  [`${FB}/`, { kind: 'other', postId: null, profileUrl: null }],
  [`${FB}/checkpoint/828281030927956/`, { kind: 'other', postId: null }],
];

const IG = 'https://www.instagram.com';
const instagram: Row[] = [
  [`${IG}/p/C_k3xYzTqLm/?igsh=MTc4MmM1YmI2Ng%3D%3D`, { kind: 'post', postId: 'C_k3xYzTqLm', postUrl: `${IG}/p/C_k3xYzTqLm/`, mediaType: null }],
  [`${IG}/p/C_k3xYzTqLm/?img_index=2&utm_source=ig_web_copy_link`, { postUrl: `${IG}/p/C_k3xYzTqLm/` }],
  [`${IG}/reel/C_rEeLc0de1/?utm_source=ig_web_copy_link&igshid=MzRlODBiNWFlZA==`,
    { postId: 'C_rEeLc0de1', mediaType: 'reel', postUrl: `${IG}/reel/C_rEeLc0de1/` }],
  [`${IG}/reels/C_rEeLc0de1/`, { postId: 'C_rEeLc0de1', mediaType: 'reel', postUrl: `${IG}/reel/C_rEeLc0de1/` }],
  [`${IG}/tv/C_tVc0de123/`, { postId: 'C_tVc0de123', mediaType: 'video', postUrl: `${IG}/p/C_tVc0de123/` }],
  [`${IG}/relawan.sukamaju/p/C_pH0t0c0de/?img_index=1`,
    { postId: 'C_pH0t0c0de', handle: 'relawan.sukamaju', profileUrl: `${IG}/relawan.sukamaju/`, postUrl: `${IG}/p/C_pH0t0c0de/` }],
  [`${IG}/relawan.sukamaju/reel/C_rEeLc0de1/`, { postId: 'C_rEeLc0de1', mediaType: 'reel' }],
  [`${IG}/p/C_k3xYzTqLm/c/18045612345678901/`,
    { kind: 'comment', commentId: '18045612345678901', commentUrl: `${IG}/p/C_k3xYzTqLm/c/18045612345678901/` }],
  [`${IG}/p/C_k3xYzTqLm/c/18045612345678901/r/18099988877766655/`,
    { kind: 'reply', commentId: '18099988877766655', parentId: '18045612345678901' }],
  [`${IG}/p/C_k3xYzTqLm/liked_by/`, { kind: 'post', postId: 'C_k3xYzTqLm' }],
  [`https://instagram.com/budi.santoso/?hl=en`, { kind: 'profile', handle: 'budi.santoso', profileUrl: `${IG}/budi.santoso/` }],
  [`${IG}/explore/tags/pilkada2024/`, { kind: 'other', handle: null }],
  [`${IG}/stories/budi.santoso/3450000000000000002/`, { kind: 'other', postId: null }],
  [`${IG}/share/p/BAcDeFgHiJ/`, { kind: 'share', postId: null }],
  [`${IG}/accounts/login/?next=%2Fp%2FC_k3xYzTqLm%2F`, { kind: 'other', postId: null }],
];

const TT = 'https://www.tiktok.com';
const ID = '7412913407421240967';
const tiktok: Row[] = [
  [`${TT}/@relawan.sukamaju/video/${ID}?is_from_webapp=1&sender_device=pc&web_id=741`,
    { kind: 'post', postId: ID, handle: 'relawan.sukamaju', mediaType: 'video', postUrl: `${TT}/@relawan.sukamaju/video/${ID}` }],
  [`${TT}/@dimas.pratama/photo/7413354071072230321?lang=en`,
    { postId: '7413354071072230321', mediaType: 'photo', postUrl: `${TT}/@dimas.pratama/photo/7413354071072230321` }],
  [`https://m.tiktok.com/@relawan.sukamaju/video/${ID}`, { postId: ID }],
  [`${TT}/embed/v2/${ID}`, { postId: ID, handle: null, postUrl: `${TT}/@/video/${ID}` }],
  [`${TT}/share/video/${ID}`, { postId: ID }],
  [`https://www.tiktokv.com/share/video/${ID}/`, { postId: ID }],
  [`${TT}/@/video/${ID}`, { postId: ID, handle: null }],
  [`${TT}/@relawan.sukamaju/video/${ID}?_r=1&_t=8pQr&share_comment_id=7413699515288435704&share_item_id=${ID}`,
    { kind: 'comment', commentId: '7413699515288435704', commentUrl: `${TT}/@relawan.sukamaju/video/${ID}?share_comment_id=7413699515288435704` }],
  [`${TT}/@budi.santoso?is_from_webapp=1&sender_device=pc`, { kind: 'profile', handle: 'budi.santoso', profileUrl: `${TT}/@budi.santoso` }],
  ['https://vm.tiktok.com/ZMabc123/', { kind: 'share', postId: null }],
  ['https://vt.tiktok.com/ZSabc123/', { kind: 'share' }],
  [`${TT}/t/ZTabc123/`, { kind: 'share' }],
  [`${TT}/foryou?lang=en`, { kind: 'other', postId: null }],
];

const others: Row[] = [
  ['https://berita.example/a?utm_source=fb', { platform: 'other', kind: 'other', postId: null }],
  ['not a url', { platform: 'other', postId: null }],
  ['javascript:alert(1)', { platform: 'other', postId: null }],
];

describe('identify(): real-shaped URLs', () => {
  it.each([...facebook, ...instagram, ...tiktok, ...others])('%s', (url, want) => {
    expect(identify(url)).toMatchObject(want);
  });
  it('has at least 40 rows', () => {
    expect(facebook.length + instagram.length + tiktok.length + others.length).toBeGreaterThanOrEqual(40);
  });
});

describe('canonicalUrl()', () => {
  it.each([
    ['https://berita.example/a?utm_source=fb&utm_medium=x&fbclid=IwAR&id=5#top', 'https://berita.example/a?id=5'],
    ['http://berita.example/a?ref=home', 'https://berita.example/a?ref=home'],
    [`${FB}/relawansukamaju?__cft__[0]=AZX&__tn__=-UC%2CP-R&ref=notif`, `${FB}/relawansukamaju`],
    ['https://l.facebook.com/l.php?u=https%3A%2F%2Fberita.example%2Fx%3Futm_campaign%3Da&h=AT', 'https://berita.example/x'],
    [`${TT}/@a/video/${ID}?is_from_webapp=1&sender_device=pc`, `${TT}/@a/video/${ID}`],
  ])('%s', (u, want) => expect(canonicalUrl(u)).toBe(want));
});

describe('comment ids', () => {
  it.each([
    ['?comment_id=111', { commentId: '111', parentId: null }],
    ['?comment_id=111&reply_comment_id=222', { commentId: '222', parentId: '111' }],
    [`?comment_id=${decodeURIComponent(B64)}`, { commentId: '8765432109876543', postId: '1234567890123456' }],
    ['?comment_id=%21%21', null],
  ])('%s', (q, want) => {
    const r = fbCommentIds(new URLSearchParams(q));
    if (want === null) expect(r).toBeNull();
    else expect(r).toMatchObject(want);
  });
  it('rejects non-comment base64', () => expect(fbDecodeCommentId(btoa('hello'))).toBeNull());
});

describe('profiles', () => {
  it.each([
    [`${FB}/profile.php?id=100012345678901&comment_id=x`, { url: `${FB}/profile.php?id=100012345678901`, handle: null }],
    [`${FB}/rina.kusuma.5?__cft__[0]=AZX`, { url: `${FB}/rina.kusuma.5`, handle: 'rina.kusuma.5' }],
    [`${FB}/watch/?v=1`, null],
    [`${FB}/groups/g/user/100023456789012/`, { url: `${FB}/profile.php?id=100023456789012` }],
  ])('fb %s', (u, want) => (want ? expect(fbProfile(u)).toMatchObject(want) : expect(fbProfile(u)).toBeNull()));
  it('ig', () => {
    expect(igProfile('/budi.santoso/')).toEqual({ url: `${IG}/budi.santoso/`, handle: 'budi.santoso' });
    expect(igProfile('/p/C_k3xYzTqLm/')).toBeNull();
    expect(igProfile('/explore/')).toBeNull();
  });
  it('tiktok', () => {
    expect(ttProfile('/@sinta_dw')).toEqual({ url: `${TT}/@sinta_dw`, handle: 'sinta_dw' });
    expect(ttProfile('/@sinta_dw/video/1')).toBeNull();
  });
});

describe('ids that encode time or numbers', () => {
  it('TikTok id >> 32 is the creation time', () => {
    expect(ttIdTime(ID)).toBe('2024-09-10T07:30:00.000Z');
    expect(ttIdTime('7469689439538330701')).toBe('2025-02-10T07:30:00.000Z');
    expect(ttIdTime('123')).toBeNull();
    expect(ttIdTime('1234567890123456789')).toBeNull();
  });
  it('IG shortcode -> media pk', () => {
    expect(igShortcodeToPk('AAAAB')).toBe('1');
    expect(igShortcodeToPk('AAABA')).toBe('64');
    expect(igShortcodeToPk('CQG8gWTB8cd')).toBe('2596028340981188381');
    expect(igShortcodeToPk('bad code!')).toBeNull();
  });
});
