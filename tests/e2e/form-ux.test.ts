/**
 * The review form as a monitor uses it, in a real Chromium with the built extension (issue 14):
 * feedback where the eye is (at the sticky save button and in a toast, the invalid field marked,
 * described in Indonesian, focused and scrolled into view), nothing typed lost on close, a warning
 * before closing with unsaved input, the monitor identity asked on a fresh install, a synced record
 * read-only until "Koreksi", and axe-core finding nothing on the form.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import {
  axeViolations, E2E_POST_URL, extensionId, flagInPage, launchChromium, readStore, serviceWorker, startFixtureServer,
  tempProfile, until, type FixtureServer,
} from './support';

/** English a monitor must never read in the Indonesian form, and the record paths behind the fields. */
const ENGLISH = /\b(must|digits|invalid|required|error|failed|record)\b/i;
const PATHS = /\b(subject|post|comment|violation|monitor)\.[a-zA-Z]/;

describe('review form: feedback, drafts, read-only synced records (Chromium)', () => {
  let server: FixtureServer;
  let context: BrowserContext;
  let extId: string;
  let page: Page;
  let savedId = '';

  before(async () => {
    server = await startFixtureServer();
    server.route('www.facebook.com', '/permalink.php', 'facebook-permalink.html');
    context = await launchChromium(tempProfile('form-ux'), server.port);
    extId = extensionId(await serviceWorker(context));
    page = await context.newPage();
    await page.goto(E2E_POST_URL);
  });
  after(async () => {
    await context?.close();
    await server?.close();
  });

  async function record(id: string): Promise<any> {
    const { records } = await readStore(await serviceWorker(context), { blobs: false });
    return records.find((r) => r.id === id);
  }

  /** Is the element fully inside the window, not under the sticky save bar? */
  async function inView(p: Page, selector: string): Promise<boolean> {
    return p.$eval(selector, (el) => {
      const r = el.getBoundingClientRect();
      const bar = document.querySelector('.save-bar')!.getBoundingClientRect();
      return r.top >= 0 && r.bottom <= Math.min(innerHeight, bar.top) && r.height > 0;
    });
  }

  async function scrollToBottom(p: Page): Promise<void> {
    await p.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  }

  async function openReview(id: string): Promise<Page> {
    const p = await context.newPage();
    await p.goto(`chrome-extension://${extId}/review.html?id=${id}`);
    await p.waitForSelector('#record-fields');
    return p;
  }

  it('the empty form has no accessibility violations and asks for the monitor identity on a fresh install', async () => {
    const { id, review } = await flagInPage(context, page, '#comment-budi');
    savedId = id;
    await review.waitForSelector('#record-fields');
    await review.waitForFunction(() => (document.getElementById('screenshot') as HTMLImageElement | null)?.naturalWidth);
    assert.deepEqual(await axeViolations(review), []);
    assert.equal(await review.textContent('#capture h2'), 'Tangkapan layar', 'the capture section says what it is');
    assert.match(await review.textContent('#platform') ?? '', /^Facebook · Komentar$/);
    const help = await review.textContent('.gesture-editor') ?? '';
    assert.doesNotMatch(help, /piksel|pixel|x=\d/i, 'the gesture help is in plain words');
    assert.ok(await review.locator('#f-monitor-name').isVisible(), 'the form asks who the monitor is');

    // Saving with no monitor name: refused, the name field marked and focused.
    await scrollToBottom(review);
    await review.click('#save');
    await review.waitForSelector('#save-error');
    assert.match(await review.textContent('#save-error') ?? '', /Nama pengawas/);
    assert.equal(await review.getAttribute('#f-monitor-name', 'aria-invalid'), 'true');
    assert.equal(await review.evaluate(() => document.activeElement?.id), 'f-monitor-name');
    assert.equal((await record(id)).status, 'draft', 'nothing saved without a monitor');
  });

  it('an invalid NIP: the message is at the button and in a toast, in Indonesian, on the NIP field, which is focused and in view', async () => {
    const review = context.pages().find((p) => p.url().includes(savedId))!;
    await review.fill('#f-monitor-name', 'Rahmat Hidayat');
    await review.fill('#f-subject-nip', '1985 0312');
    // the monitor is at the bottom of the long form, next to the sticky button
    await scrollToBottom(review);
    assert.equal(await inView(review, '#f-subject-nip'), false, 'the NIP field starts out of view');
    await review.click('#save');
    await review.waitForSelector('#save-error');

    const atButton = await review.textContent('#save-error') ?? '';
    const toast = await review.textContent('#toast') ?? '';
    for (const text of [atButton, toast]) {
      assert.match(text, /NIP harus 18 angka/);
      assert.doesNotMatch(text, ENGLISH);
      assert.doesNotMatch(text, PATHS);
    }
    assert.equal(await review.getAttribute('#toast', 'role'), 'alert');
    assert.ok(await review.$eval('#save-error', (el) => {
      const r = el.getBoundingClientRect();
      return r.top >= 0 && r.bottom <= innerHeight;
    }), 'the message is in view, at the button');
    assert.equal(await review.getAttribute('#save', 'aria-describedby'), 'save-error');

    assert.equal(await review.getAttribute('#f-subject-nip', 'aria-invalid'), 'true');
    const describedBy = await review.getAttribute('#f-subject-nip', 'aria-describedby');
    assert.match(await review.textContent(`#${describedBy}`) ?? '', /^NIP harus 18 angka/);
    assert.equal(await review.evaluate(() => document.activeElement?.id), 'f-subject-nip', 'the NIP field has the focus');
    assert.ok(await inView(review, '#f-subject-nip'), 'the NIP field was scrolled into view');
    assert.equal(await review.getAttribute('#f-monitor-name', 'aria-invalid'), null, 'the fixed field is no longer marked');
    assert.deepEqual(await axeViolations(review), []);
    assert.equal((await record(savedId)).status, 'draft');

    // Fixed: saved, said at the button, the monitor identity kept in the settings.
    await review.fill('#f-subject-nip', '198503122010011002');
    await review.click('#save');
    await review.waitForSelector('#save-ok');
    assert.match(await review.textContent('#save-ok') ?? '', /Tersimpan/);
    assert.equal(await review.getAttribute('#toast', 'role'), 'status');
    assert.equal(await review.locator('[aria-invalid="true"]').count(), 0);
    const ev = await record(savedId);
    assert.equal(ev.status, 'queued');
    assert.equal(ev.record.subject.nip, '198503122010011002');
    // the save is logged under the monitor's name (record.monitor itself is signed as captured)
    assert.deepEqual(ev.custody.slice(-2).map((c: { action: string; actor: string }) => [c.action, c.actor]),
      [['edit', 'Rahmat Hidayat'], ['save', 'Rahmat Hidayat']]);
    const sw = await serviceWorker(context);
    const settings = (await sw.evaluate('chrome.storage.local.get("settings")')) as { settings: { monitor: { name: string } } };
    assert.equal(settings.settings.monitor.name, 'Rahmat Hidayat');
    assert.equal(await review.locator('#f-monitor-name').count(), 0, 'asked once');
    // nothing unsaved: "Tutup" closes at once
    const closed = review.waitForEvent('close');
    await review.click('#close');
    await closed;
  });

  it('typed text survives closing the form and comes back on reopen; "Tutup" warns first', async () => {
    const { id, review } = await flagInPage(context, page, '#comment-sinta');
    await review.waitForSelector('#record-fields');
    assert.equal(await review.locator('#f-monitor-name').count(), 0);
    await review.fill('#f-subject-agency', 'Dinas Kesehatan Kab. Contoh');
    await review.fill('#f-notes', 'Komentar dukungan pada postingan paslon 2');
    await review.check('input[name="violation"][value="comment"]');
    await review.waitForFunction(() => /disimpan otomatis/.test(document.getElementById('autosave')?.textContent ?? ''));

    // "Tutup": an in-page dialog says what happens; "Kembali" keeps the form open.
    await review.click('#close');
    await review.waitForSelector('#close-dialog[open]');
    assert.equal(await review.getAttribute('#close-dialog', 'aria-labelledby'), 'close-dialog-title');
    assert.match(await review.textContent('#close-dialog') ?? '', /belum disimpan/);
    assert.match(await review.textContent('#close-dialog') ?? '', /draf di perangkat ini/);
    assert.deepEqual(await axeViolations(review), []);
    await review.click('#close-back');
    await review.waitForSelector('#close-dialog', { state: 'detached' });
    assert.ok(!review.isClosed());

    // Closing the window itself: the browser asks too.
    const prompt = new Promise<string>((resolve) => review.once('dialog', (d) => { resolve(d.type()); void d.dismiss(); }));
    await review.close({ runBeforeUnload: true });
    assert.equal(await prompt, 'beforeunload');
    assert.ok(!review.isClosed(), 'the window stays when the monitor stays');

    // "Tutup, lanjutkan nanti": the window closes; the record is unchanged but the input is kept.
    await review.click('#close');
    await review.waitForSelector('#close-dialog[open]');
    const closed = review.waitForEvent('close');
    await review.click('#close-later');
    await closed;
    const ev = await record(id);
    assert.equal(ev.status, 'draft');
    assert.equal(ev.record.subject.agency, null, 'not saved into the record');
    assert.equal(ev.extras.formDraft.form.subject.agency, 'Dinas Kesehatan Kab. Contoh');

    const again = await openReview(id);
    assert.equal(await again.inputValue('#f-subject-agency'), 'Dinas Kesehatan Kab. Contoh');
    assert.equal(await again.inputValue('#f-notes'), 'Komentar dukungan pada postingan paslon 2');
    assert.ok(await again.isChecked('input[name="violation"][value="comment"]'));
    assert.match(await again.textContent('#draft-restored') ?? '', /dipulihkan/);
    await again.click('#save');
    await again.waitForSelector('#save-ok');
    const saved = await record(id);
    assert.equal(saved.status, 'queued');
    assert.equal(saved.record.subject.agency, 'Dinas Kesehatan Kab. Contoh');
    assert.equal(saved.extras.formDraft, undefined, 'the draft is gone once saved');
    assert.equal(saved.record.monitor.name, 'Rahmat Hidayat', 'flagged after the form asked once: the record carries its monitor');
    await again.close();
  });

  it('a synced record opens read-only; "Koreksi" explains, enables editing, and the correction is logged and queued again', async () => {
    const sw = await serviceWorker(context);
    await sw.evaluate(async (id) => {
      const db: IDBDatabase = await new Promise((res, rej) => {
        const r = indexedDB.open('asn-evidence');
        r.onsuccess = () => res(r.result);
        r.onerror = () => rej(r.error);
      });
      await new Promise<void>((res, rej) => {
        const tx = db.transaction('evidence', 'readwrite');
        const store = tx.objectStore('evidence');
        const get = store.get(id);
        get.onsuccess = () => store.put({ ...get.result, status: 'synced' });
        tx.oncomplete = () => res();
        tx.onerror = () => rej(tx.error);
      });
      db.close();
    }, savedId);
    const before = await record(savedId);
    assert.equal(before.status, 'synced');

    const review = await openReview(savedId);
    await review.waitForSelector('#read-only-note');
    assert.equal(await review.locator('#record-fields input, #record-fields textarea, #record-fields select').count(), 0, 'fields shown as text');
    assert.match(await review.textContent('#record-fields') ?? '', /198503122010011002/);
    assert.equal(await review.locator('#save').count(), 0);
    assert.deepEqual(await axeViolations(review), []);

    await review.click('#correct');
    await review.waitForSelector('#correct-dialog[open]');
    assert.match(await review.textContent('#correct-dialog') ?? '', /dicatat.*dikirim lagi.*amandemen/s);
    await review.click('#correct-confirm');
    await review.waitForSelector('#f-subject-position');
    await review.fill('#f-subject-position', 'Kepala Seksi Kurikulum');
    assert.match(await review.textContent('#save') ?? '', /Simpan koreksi/);
    await review.click('#save');
    await review.waitForSelector('#save-ok');
    assert.match(await review.textContent('#save-ok') ?? '', /Koreksi tersimpan/);

    const ev = await until(async () => {
      const r = await record(savedId);
      return r.status === 'queued' ? r : null;
    }, 'the corrected record back in the queue', 5000);
    assert.equal(ev.record.subject.position, 'Kepala Seksi Kurikulum');
    const added = ev.custody.slice(before.custody.length);
    assert.deepEqual(added.map((c: { action: string }) => c.action), ['edit']);
    assert.deepEqual(added[0].details.changes, [{ path: 'subject.position', from: null, to: 'Kepala Seksi Kurikulum' }]);
    assert.equal(added[0].actor, 'Rahmat Hidayat');
    // queued again: the form is editable as any queued record
    await review.waitForSelector('#read-only-note', { state: 'detached' });
    await review.close();
  });
});
