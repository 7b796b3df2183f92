// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { startAgent } from '../../../lib/content/agent';
import { registerTarget } from '../../../lib/content/targets';
import type { PrepareResult } from '../../../lib/messages';

const PAGE = `
<div role="main"><div role="article" aria-posinset="1" id="post">
  <div data-ad-rendering-role="profile_name"><h2><a role="link" href="https://www.facebook.com/dinascontoh">Dinas Contoh</a></h2></div>
  <a role="link" aria-label="3 hari" href="https://www.facebook.com/permalink.php?story_fbid=pfbid0AbC&amp;id=100064405103773">3 hari</a>
  <div data-ad-rendering-role="story_message"><span dir="auto">Ayo dukung &lt;img src=x onerror=alert(1)&gt;</span></div>
  <div data-commentid="7000000000000001">
    <div role="article" aria-label="Komentar oleh Budi Santoso 2 jam" id="c1">
      <a role="link" href="https://www.facebook.com/profile.php?id=100012345678901&amp;comment_id=7000000000000001"><span dir="auto">Budi Santoso</span></a>
      <div><span dir="auto" lang="id-ID"><div dir="auto">Siap menangkan nomor 2!</div></span></div>
      <ul><li><a role="link" href="https://www.facebook.com/permalink.php?story_fbid=pfbid0AbC&amp;id=100064405103773&amp;comment_id=7000000000000001">2 j</a></li></ul>
    </div>
  </div>
</div></div>`;

const RECORD_ID = '4f0c2f7e-9a1b-4c3d-8e5f-0123456789ab';
const SHA = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** An event as the browser makes it for a real user action (happy-dom leaves isTrusted unset). */
const trusted = <E extends Event>(ev: E): E => {
  Object.defineProperty(ev, 'isTrusted', { value: true });
  return ev;
};

describe('content-script agent', () => {
  let ctrl: AbortController;
  let invalidate: () => void;
  /** The overlay's shadow roots, caught as they are attached: closed, the page never gets them. */
  let roots: ShadowRoot[];
  const attachShadow = Element.prototype.attachShadow;
  const start = () => {
    ctrl = new AbortController();
    const cbs: Array<() => void> = [];
    invalidate = () => { ctrl.abort(); cbs.forEach((c) => c()); };
    startAgent({ win: window, lang: 'id', inpageButtons: true, onInvalidated: (cb) => cbs.push(cb), signal: ctrl.signal });
  };
  beforeEach(() => {
    fakeBrowser.reset();
    document.body.innerHTML = PAGE;
    (window as unknown as { happyDOM: { setURL(u: string): void } }).happyDOM.setURL(
      'https://www.facebook.com/permalink.php?story_fbid=pfbid0AbC&id=100064405103773',
    );
    roots = [];
    Element.prototype.attachShadow = function (init: ShadowRootInit) {
      const root = attachShadow.call(this, init);
      roots.push(root);
      return root;
    };
  });
  afterEach(() => {
    invalidate?.();
    Element.prototype.attachShadow = attachShadow;
    vi.restoreAllMocks();
  });

  /** A real pointer moving onto `el`, or (trusted: false) the same event dispatched by a page script. */
  const hover = async (el: Element, isTrusted = true) => {
    const ev = new MouseEvent('mouseover', { bubbles: true });
    el.dispatchEvent(isTrusted ? trusted(ev) : ev);
    await new Promise((r) => setTimeout(r, 40));
  };
  /** fake-browser's sendMessage only knows sendResponse-style listeners; call ours directly. */
  const deliver = async (msg: unknown) =>
    (await fakeBrowser.runtime.onMessage.trigger(msg, {}, () => undefined)).find((r) => r !== undefined);
  /** The host the page sees: its tag is random per load, so found by its prefix. */
  const overlay = () => Array.from(document.documentElement.children)
    .find((e) => e.localName.startsWith('asn-evidence-overlay')) as HTMLElement | undefined ?? null;
  const shadow = () => roots[0]!;
  const btn = () => shadow().querySelector<HTMLButtonElement>('button')!;
  const capturing = () => shadow().querySelector('.root')!.classList.contains('capturing');
  const toastText = () => shadow().querySelector('.toast')!.textContent;

  it('shows one flag button for the comment the monitor points at, in a closed shadow root; page clicks do nothing', async () => {
    start();
    await hover(document.querySelector('#c1 span[lang]')!);
    const host = overlay();
    expect(host).not.toBeNull();
    expect(host!.shadowRoot).toBeNull(); // closed: a page script cannot look inside
    expect(roots).toHaveLength(1);
    expect(btn().style.display).toBe('inline-flex');
    expect(btn().textContent).toContain('Tandai');
    const send = vi.spyOn(fakeBrowser.runtime, 'sendMessage');
    btn().click(); // untrusted: a page script cannot flag on the monitor's behalf
    expect(send).not.toHaveBeenCalled();
  });

  it('ignores mouseover and contextmenu a page script dispatches: the flag goes to what the monitor pointed at', async () => {
    vi.spyOn(Element.prototype, 'getBoundingClientRect').mockImplementation(
      () => ({ left: 20, top: 40, right: 600, bottom: 140, width: 580, height: 100, x: 20, y: 40 }) as DOMRect);
    start();
    const comment = document.querySelector('#c1 span[lang]')!;
    const header = document.querySelector('#post h2 a')!;
    // Only a page script "hovers": no button appears at all.
    await hover(header, false);
    expect(btn().style.display).not.toBe('inline-flex');
    await hover(comment);
    const shown = { left: btn().style.left, top: btn().style.top };
    await hover(header, false);
    expect({ left: btn().style.left, top: btn().style.top }).toEqual(shown);
    comment.dispatchEvent(trusted(new MouseEvent('contextmenu', { bubbles: true })));
    header.dispatchEvent(new MouseEvent('contextmenu', { bubbles: true }));

    // The keyboard shortcut / popup flag ("hovered") and the context menu still mean the comment.
    for (const mode of ['hovered', 'contextmenu']) {
      const res = await deliver({ type: 'prepare-capture', targetId: null, mode }) as PrepareResult;
      expect(res.ok).toBe(true);
      if (!res.ok) return;
      expect(res.extraction.kind, mode).toBe('comment');
      expect(res.extraction.comment?.authorName, mode).toBe('Budi Santoso');
      await deliver({ type: 'capture-finished', result: { ok: false, code: 'error', message: 'x' } });
    }
  });

  it('answers ping and prepares a capture of the flagged element, hiding its own UI', async () => {
    start();
    await hover(document.querySelector('#c1')!);
    expect(await deliver({ type: 'ping' })).toBe('pong');
    const res = await deliver({
      type: 'prepare-capture', targetId: registerTarget(document.querySelector('#c1 span[lang]')!), mode: 'inpage',
    }) as PrepareResult;
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    expect(res.extraction.platform).toBe('facebook');
    expect(res.extraction.kind).toBe('comment');
    expect(res.extraction.comment?.authorName).toBe('Budi Santoso');
    expect(res.page.url).toContain('story_fbid=pfbid0AbC');
    // Markup-looking page text is kept as plain text (and rendered as text by the form).
    expect(res.extraction.post?.text ?? '').toContain('<img src=x onerror=alert(1)>');
    expect(capturing()).toBe(true);
    const before = overlay()!.outerHTML;
    await deliver({ type: 'capture-finished', result: { ok: true, id: RECORD_ID, sha256: SHA, width: 1, height: 1, truncated: false } });
    expect(capturing()).toBe(false);
    expect(toastText()).toMatch(/tersimpan/);
    // Hiding and showing happened inside the closed root: the host the page sees did not change.
    expect(overlay()!.outerHTML).toBe(before);
  });

  it('never puts the record id or the hash in the page or in its own toast', async () => {
    start();
    await hover(document.querySelector('#c1')!);
    await deliver({ type: 'capture-finished', result: { ok: true, id: RECORD_ID, sha256: SHA, width: 1, height: 1, truncated: false } });
    expect(toastText()).toMatch(/tersimpan/);
    const everything = document.documentElement.outerHTML + shadow().innerHTML;
    expect(everything).not.toContain(RECORD_ID);
    expect(everything).not.toContain(SHA);
    await deliver({ type: 'capture-finished', result: { ok: false, code: 'duplicate', message: 'Sudah ada', existingId: RECORD_ID } });
    expect(toastText()).toBe('Sudah ada');
    expect(document.documentElement.outerHTML + shadow().innerHTML).not.toContain(RECORD_ID);
  });

  it('keeps its host a zero-size, click-through box the page cannot restyle, and puts it back when removed', async () => {
    start();
    await hover(document.querySelector('#c1')!);
    const host = overlay()!;
    const style = host.getAttribute('style');
    expect(style).toMatch(/pointer-events: none !important/);
    expect(style).toMatch(/position: fixed !important/);
    expect(style).toMatch(/width: 0px !important/);
    expect(host.getAttributeNames()).toEqual(['style']);
    // A page script makes it a full-screen, invisible click target and marks it up.
    host.style.cssText = 'position:fixed;inset:0;width:100vw;height:100vh;opacity:0;pointer-events:auto;z-index:2147483647';
    host.setAttribute('popover', 'manual');
    host.className = 'x';
    await new Promise((r) => setTimeout(r, 0));
    expect(host.getAttribute('style')).toBe(style);
    expect(host.getAttributeNames()).toEqual(['style']);
    // ... or moves it under an invisible element, or removes it.
    const veil = document.createElement('div');
    veil.style.opacity = '0';
    document.body.append(veil);
    veil.append(host);
    await new Promise((r) => setTimeout(r, 0));
    expect(host.parentElement).toBe(document.documentElement);
    host.remove();
    await new Promise((r) => setTimeout(r, 0));
    expect(host.isConnected).toBe(true);
    expect(btn().style.display).toBe('inline-flex');
  });

  it('draws the watchlist marks only in its closed root, and hides them while a capture is prepared', async () => {
    await fakeBrowser.storage.local.set({ watchlistKeys: { enabled: true, keys: ['facebook.com/profile.php?id=100012345678901'] } });
    vi.spyOn(Element.prototype, 'getBoundingClientRect').mockImplementation(
      () => ({ left: 20, top: 40, right: 140, bottom: 56, width: 120, height: 16, x: 20, y: 40 }) as DOMRect);
    const before = document.body.outerHTML;
    start();
    await new Promise((r) => setTimeout(r, 120));
    expect(shadow().querySelectorAll('.mark')).toHaveLength(1);
    expect(document.body.outerHTML).toBe(before); // no attribute, class or style in the page
    expect(document.head.querySelector('style')).toBeNull();
    const res = await deliver({ type: 'prepare-capture', targetId: null, mode: 'page' }) as PrepareResult;
    expect(res.ok).toBe(true);
    expect(capturing()).toBe(true); // the marks go with the rest of the overlay
    await deliver({ type: 'capture-finished', result: { ok: false, code: 'error', message: 'x' } });
    expect(capturing()).toBe(false);
    expect(shadow().querySelectorAll('.mark')).toHaveLength(1);
  });

  it('answers at once when none of its UI is on screen, with nothing to wait for', async () => {
    start();
    // Nothing hovered, no toast: the overlay was never shown, so no frame needs to pass.
    const raf = vi.spyOn(window, 'requestAnimationFrame');
    const res = await deliver({ type: 'prepare-capture', targetId: null, mode: 'page' }) as PrepareResult;
    expect(res.ok).toBe(true);
    expect(raf).not.toHaveBeenCalled();
    raf.mockRestore();
  });

  it('hides its button first and answers only after two frames have painted that', async () => {
    start();
    await hover(document.querySelector('#c1')!);
    expect(btn().style.display).toBe('inline-flex');
    await new Promise((r) => setTimeout(r, 60)); // the frames of showing it have passed
    const frames: FrameRequestCallback[] = [];
    const raf = vi.spyOn(window, 'requestAnimationFrame').mockImplementation((cb) => frames.push(cb));
    const frame = async () => {
      const due = frames.splice(0);
      due.forEach((cb) => cb(performance.now()));
      await new Promise((r) => setTimeout(r, 5));
    };
    try {
      let answered = false;
      const reply = deliver({ type: 'prepare-capture', targetId: null, mode: 'hovered' }).then((r) => {
        answered = true;
        return r as PrepareResult;
      });
      await new Promise((r) => setTimeout(r, 5));
      expect(capturing()).toBe(true); // hidden before anything else
      expect(answered).toBe(false);
      await frame();
      expect(answered).toBe(false); // one frame is not enough: the hide may not be on screen yet
      await frame();
      expect(answered).toBe(true);
      expect((await reply).ok).toBe(true);

      // Finished, the button and the toast are back; the next flag waits for their removal again.
      await deliver({ type: 'capture-finished', result: { ok: true, id: RECORD_ID, sha256: SHA, width: 1, height: 1, truncated: false } });
      expect(capturing()).toBe(false);
      await frame();
      await frame();
      answered = false;
      const again = deliver({ type: 'prepare-capture', targetId: null, mode: 'hovered' }).then(() => { answered = true; });
      await new Promise((r) => setTimeout(r, 5));
      expect(answered).toBe(false);
      await frame();
      await frame();
      await again;
      expect(answered).toBe(true);
    } finally {
      raf.mockRestore();
    }
  });

  it('removes its UI cleanly when the extension is updated or disabled', async () => {
    start();
    await hover(document.querySelector('#c1')!);
    expect(overlay()).not.toBeNull();
    invalidate();
    expect(overlay()).toBeNull();
    await hover(document.querySelector('#c1')!);
    await new Promise((r) => setTimeout(r, 0));
    expect(overlay()).toBeNull();
  });
});
