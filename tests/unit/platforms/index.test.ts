// @vitest-environment happy-dom
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { adapterFor, extractEvidence, flaggableElements } from '../../../lib/platforms';
import { facebook } from '../../../lib/platforms/facebook';
import { instagram } from '../../../lib/platforms/instagram';
import { tiktok } from '../../../lib/platforms/tiktok';
import { generic } from '../../../lib/platforms/generic';

const fixture = (p: string): Document =>
  new DOMParser().parseFromString(readFileSync(`tests/fixtures/platforms/${p}`, 'utf8'), 'text/html');
const now = new Date('2024-09-13T02:15:04.123Z');

afterEach(() => vi.restoreAllMocks());

describe('adapterFor', () => {
  it.each([
    ['https://www.facebook.com/', facebook], ['https://web.facebook.com/x', facebook], ['https://fb.watch/x', facebook],
    ['https://www.instagram.com/p/C_k3xYzTqLm/', instagram], ['https://www.tiktok.com/@a', tiktok],
    ['https://berita.example/', generic], ['https://facebook.com.evil.example/', generic],
    ['https://notfacebook.com/', generic],
  ])('%s', (u, a) => expect(adapterFor(new URL(u))).toBe(a));
});

describe('extractEvidence fallback', () => {
  it('a throwing adapter falls back to the generic adapter with an adapter_error warning', () => {
    vi.spyOn(facebook, 'extract').mockImplementation(() => {
      throw new TypeError('selector exploded');
    });
    const doc = fixture('facebook/fb-permalink-dialog-comment-id.html');
    const target = doc.querySelector('#c-budi-text');
    const x = extractEvidence({ doc, url: 'https://www.facebook.com/permalink.php?story_fbid=1&id=2', target, now });
    expect(x.platform).toBe('facebook');
    expect(x.warnings.map((w) => w.code)).toEqual(['adapter_error']);
    expect(x.warnings[0]!.message).toContain('selector exploded');
    expect(x.kind).toBe('post');
    expect(x.element).toBe(target);
    expect(x.post?.text).toContain('Siap dukung nomor 2');
    expect(x.subject.name).toBeNull();
    expect(x.missing).toContain('subject.name');
  });

  it('even a throwing generic adapter does not throw', () => {
    vi.spyOn(instagram, 'extract').mockImplementation(() => {
      throw new Error('boom');
    });
    vi.spyOn(generic, 'extract').mockImplementation(() => {
      throw new Error('boom too');
    });
    const doc = document.implementation.createHTMLDocument('x');
    const x = extractEvidence({ doc, url: 'https://www.instagram.com/p/C_k3xYzTqLm/', target: null });
    expect(x.platform).toBe('instagram');
    expect(x.warnings[0]!.code).toBe('adapter_error');
  });

  it('one failing adapter leaves the others working', () => {
    vi.spyOn(facebook, 'extract').mockImplementation(() => {
      throw new Error('boom');
    });
    const doc = fixture('tiktok/tt-video-detail-id.html');
    const x = extractEvidence({
      doc, url: 'https://www.tiktok.com/@relawan.sukamaju/video/7412913407421240967', target: null, now,
    });
    expect(x.warnings).toEqual([]);
    expect(x.post?.id).toBe('7412913407421240967');
  });

  it('survives an empty document and a bad URL', () => {
    const doc = document.implementation.createHTMLDocument('');
    for (const url of ['https://www.facebook.com/', 'https://www.instagram.com/', 'https://www.tiktok.com/', 'nonsense']) {
      const x = extractEvidence({ doc, url, target: null, now });
      expect(x.kind).toMatch(/page|post|profile/);
    }
    const t = doc.body.appendChild(doc.createElement('div'));
    for (const url of ['https://www.facebook.com/', 'https://www.instagram.com/', 'https://www.tiktok.com/foryou']) {
      const x = extractEvidence({ doc, url, target: t, now });
      expect(x.warnings.some((w) => w.code === 'adapter_error'), url).toBe(false);
    }
  });

  it('never reads markup as HTML: page text stays text', () => {
    const doc = document.implementation.createHTMLDocument('');
    doc.body.innerHTML = '<div role="article" id="p"><div data-ad-rendering-role="story_message"><div dir="auto">&lt;img src=x onerror=alert(1)&gt;</div></div></div>';
    const x = extractEvidence({ doc, url: 'https://www.facebook.com/', target: doc.querySelector('#p'), now });
    expect(x.post?.text).toBe('<img src=x onerror=alert(1)>');
  });
});

describe('flaggableElements', () => {
  it('facebook: posts, comments and reactor rows', () => {
    const doc = fixture('facebook/fb-reactions-dialog-suka-id.html');
    const els = flaggableElements(doc, 'https://www.facebook.com/permalink.php?story_fbid=x&id=1');
    expect(els).toContain(doc.querySelector('#dlg-post'));
    expect(els).toContain(doc.querySelector('#row-rina'));
    const c = fixture('facebook/fb-permalink-dialog-comment-id.html');
    expect(flaggableElements(c, new URL('https://www.facebook.com/'))).toContain(c.querySelector('#c-budi'));
  });
  it('instagram: comment rows', () => {
    const doc = fixture('instagram/ig-post-carousel-id.html');
    const els = flaggableElements(doc, 'https://www.instagram.com/p/C_k3xYzTqLm/');
    expect(els).toContain(doc.querySelector('#c-budi'));
    expect(els).toContain(doc.querySelector('#r-relawan'));
    expect(els).toContain(doc.querySelector('#c-sinta'));
  });
  it('tiktok: feed items, detail and comment rows', () => {
    const doc = fixture('tiktok/tt-video-detail-id.html');
    const els = flaggableElements(doc, 'https://www.tiktok.com/@a/video/7412913407421240967');
    expect(els).toContain(doc.querySelector('#c-budi'));
    expect(els).toContain(doc.querySelector('#main-content-video_detail'));
  });
  it('generic: none; a throwing adapter: none', () => {
    const doc = fixture('generic/gen-news-article.html');
    expect(flaggableElements(doc, 'https://berita.example/')).toEqual([]);
    vi.spyOn(tiktok, 'flaggableElements').mockImplementation(() => {
      throw new Error('x');
    });
    expect(flaggableElements(doc, 'https://www.tiktok.com/')).toEqual([]);
  });
});
