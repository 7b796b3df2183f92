// @vitest-environment happy-dom
/** "Pilih di halaman": what a click on a real page's element gives for each kind of field. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { elementPath, pickKind, pickedValue, startPick } from '../../../lib/content/picker';

const doc = new DOMParser().parseFromString(
  readFileSync('tests/fixtures/real/instagram/ig-post-comments-2025-08-en.html', 'utf8'), 'text/html');
const base = 'https://www.instagram.com/p/DNYNXb4z8J0/';

describe('picked values', () => {
  it('field kinds', () => {
    expect(pickKind('comment.authorUrl')).toBe('url');
    expect(pickKind('subject.accountUrl')).toBe('url');
    expect(pickKind('post.authorName')).toBe('name');
    expect(pickKind('subject.name')).toBe('name');
    expect(pickKind('comment.text')).toBe('text');
  });

  it('a click on the username gives the canonical profile address for a URL field and the name for a name field', () => {
    const span = Array.from(doc.querySelectorAll('a[href="/kk60807/"] span[dir=auto]'))[0]!;
    expect(pickedValue(span, 'url', base)).toBe('https://www.instagram.com/kk60807/');
    expect(pickedValue(span, 'name', base)).toBe('kk60807');
  });

  it('a click on the comment gives its text; a click on nothing textual gives nothing', () => {
    const msg = Array.from(doc.querySelectorAll('span[dir=auto]')).find((s) => s.textContent === '好看😍')!;
    expect(pickedValue(msg, 'text', base)).toBe('好看😍');
    expect(pickedValue(msg, 'url', base)).toBeNull();
    expect(elementPath(msg)).toMatch(/^body > .*span:nth-child\(\d+\)$/);
    expect(doc.querySelector(elementPath(msg))).toBe(msg);
  });
});

describe('pick mode', () => {
  const trusted = <E extends Event>(ev: E): E => {
    Object.defineProperty(ev, 'isTrusted', { value: true });
    return ev;
  };
  it('outlines and picks only what the real pointer points at, and adds nothing to the page', () => {
    document.body.innerHTML = '<p id="a"><a href="https://www.instagram.com/budi_s/">budi_s</a></p><p id="b">Lain</p>';
    const before = document.documentElement.outerHTML;
    const outlines: unknown[] = [];
    const results: unknown[] = [];
    startPick(window, 'url', () => undefined, { hint: 'h', nothing: 'n', cancelled: 'c' },
      (r) => results.push(r), (box) => outlines.push(box));
    const b = document.getElementById('b')!;
    const link = document.querySelector('#a a')!;
    // a page script's events: no outline, no pick
    b.dispatchEvent(new MouseEvent('mouseover', { bubbles: true }));
    link.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    expect(outlines).toEqual([]);
    expect(results).toEqual([]);
    expect(document.documentElement.outerHTML).toBe(before);
    link.dispatchEvent(trusted(new MouseEvent('mouseover', { bubbles: true })));
    expect(outlines).toHaveLength(1);
    link.dispatchEvent(trusted(new MouseEvent('click', { bubbles: true, cancelable: true })));
    expect(results).toEqual([{ value: 'https://www.instagram.com/budi_s/', path: expect.stringMatching(/^body > /) }]);
    expect(outlines.at(-1)).toBeNull();
    expect(document.documentElement.outerHTML).toBe(before);
  });
});
