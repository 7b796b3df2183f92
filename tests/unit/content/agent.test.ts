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

describe('content-script agent', () => {
  let ctrl: AbortController;
  let invalidate: () => void;
  beforeEach(() => {
    fakeBrowser.reset();
    document.body.innerHTML = PAGE;
    (window as unknown as { happyDOM: { setURL(u: string): void } }).happyDOM.setURL(
      'https://www.facebook.com/permalink.php?story_fbid=pfbid0AbC&id=100064405103773',
    );
    ctrl = new AbortController();
    const cbs: Array<() => void> = [];
    invalidate = () => { ctrl.abort(); cbs.forEach((c) => c()); };
    startAgent({ win: window, lang: 'id', inpageButtons: true, onInvalidated: (cb) => cbs.push(cb), signal: ctrl.signal });
  });
  afterEach(() => invalidate());

  const hover = async (el: Element) => {
    el.dispatchEvent(new MouseEvent('mouseover', { bubbles: true }));
    await new Promise((r) => setTimeout(r, 40));
  };
  /** fake-browser's sendMessage only knows sendResponse-style listeners; call ours directly. */
  const deliver = async (msg: unknown) =>
    (await fakeBrowser.runtime.onMessage.trigger(msg, {}, () => undefined)).find((r) => r !== undefined);
  const overlay = () => document.querySelector<HTMLElement>('asn-evidence-overlay');

  it('shows one flag button for the hovered comment and ignores clicks made by page scripts', async () => {
    await hover(document.querySelector('#c1 span[lang]')!);
    const host = overlay();
    expect(host).not.toBeNull();
    const btn = host!.shadowRoot!.querySelector('button')!;
    expect(btn.style.display).toBe('inline-flex');
    expect(btn.textContent).toContain('Tandai');
    const send = vi.spyOn(fakeBrowser.runtime, 'sendMessage');
    btn.click(); // untrusted: a page script cannot flag on the monitor's behalf
    expect(send).not.toHaveBeenCalled();
  });

  it('answers ping and prepares a capture of the flagged element, hiding its own UI', async () => {
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
    expect(overlay()!.style.display).toBe('none');
    await deliver({ type: 'capture-finished', result: { ok: true, id: 'x', sha256: 'y', width: 1, height: 1, truncated: false } });
    expect(overlay()!.style.display).toBe('');
    expect(overlay()!.shadowRoot!.querySelector('.toast')!.textContent).toMatch(/tersimpan/);
  });

  it('answers at once when none of its UI is on screen, with nothing to wait for', async () => {
    // Nothing hovered, no toast: the overlay was never shown, so no frame needs to pass.
    const raf = vi.spyOn(window, 'requestAnimationFrame');
    const res = await deliver({ type: 'prepare-capture', targetId: null, mode: 'page' }) as PrepareResult;
    expect(res.ok).toBe(true);
    expect(raf).not.toHaveBeenCalled();
    raf.mockRestore();
  });

  it('hides its button first and answers only after two frames have painted that', async () => {
    await hover(document.querySelector('#c1')!);
    const btn = overlay()!.shadowRoot!.querySelector('button')!;
    expect(btn.style.display).toBe('inline-flex');
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
      expect(overlay()!.style.display).toBe('none'); // hidden before anything else
      expect(answered).toBe(false);
      await frame();
      expect(answered).toBe(false); // one frame is not enough: the hide may not be on screen yet
      await frame();
      expect(answered).toBe(true);
      expect((await reply).ok).toBe(true);

      // Finished, the button and the toast are back; the next flag waits for their removal again.
      await deliver({ type: 'capture-finished', result: { ok: true, id: 'x', sha256: 'y', width: 1, height: 1, truncated: false } });
      expect(overlay()!.style.display).toBe('');
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
    await hover(document.querySelector('#c1')!);
    expect(overlay()).not.toBeNull();
    invalidate();
    expect(overlay()).toBeNull();
    await hover(document.querySelector('#c1')!);
    expect(overlay()).toBeNull();
  });
});
