/**
 * The workbench in a real Chromium with the built extension: flag a comment, mark a hand gesture
 * on the screenshot in the review form by dragging the mouse (stored in screenshot pixels), then
 * in the evidence manager open the record, edit a field (logged with old and new values in the
 * hash-chained custody log), delete another record with confirmation (tombstone in the deletion
 * log), and look at the case file with its reporting deadline.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import {
  clickInPageFlag, extensionId, launchChromium, readStore, serviceWorker, sleep, startFixtureServer, tempProfile, until,
  waitForPage, type FixtureServer,
} from './support';
import { verifyCustody } from '../../lib/integrity/custody';

const POST_URL =
  'https://www.facebook.com/permalink.php?story_fbid=pfbid0E2eTestPostAbCdEfGhIjKlMnOpQrStUvWxYz123&id=100064405103773';

describe('workbench: gestures, record view, edit, delete, case files (Chromium)', () => {
  let server: FixtureServer;
  let context: BrowserContext;
  let extId: string;
  let marked = '';
  let other = '';

  before(async () => {
    server = await startFixtureServer();
    server.route('www.facebook.com', '/permalink.php', 'facebook-permalink.html');
    context = await launchChromium(tempProfile('workbench'), server.port);
    extId = extensionId(await serviceWorker(context));
  });
  after(async () => {
    await context?.close();
    await server?.close();
  });

  async function flag(page: Page, selector: string): Promise<Page> {
    const seen = new Set(context.pages());
    await clickInPageFlag(page, selector);
    const review = await waitForPage(context, /\/review\.html\?id=/);
    assert.ok(!seen.has(review), 'a review window opens');
    return review;
  }

  async function record(id: string): Promise<any> {
    const { records } = await readStore(await serviceWorker(context));
    return records.find((r) => r.id === id);
  }

  it('marks a two-finger gesture by dragging on the screenshot in the review form', async () => {
    const opts = await context.newPage();
    await opts.goto(`chrome-extension://${extId}/options.html`);
    await opts.fill('#m-name', 'Rahmat Hidayat');
    await opts.click('#save');
    await opts.waitForSelector('#options-msg');
    await opts.close();

    const page = await context.newPage();
    await page.goto(POST_URL);
    const review = await flag(page, '#comment-budi');
    marked = new URL(review.url()).searchParams.get('id')!;
    await review.bringToFront();
    // a narrow window, so the screenshot is displayed smaller than its natural size
    await review.setViewportSize({ width: 360, height: 800 });
    await review.waitForSelector('#screenshot');
    await review.waitForFunction(() => (document.getElementById('screenshot') as HTMLImageElement).naturalWidth > 0);
    const box = (await review.locator('#screenshot').boundingBox())!;
    assert.ok(box.width > 50 && box.height > 20, `screenshot shown (${box.width}x${box.height})`);
    const natural = await review.$eval('#screenshot', (img) => (img as HTMLImageElement).naturalWidth);
    assert.ok(box.width < natural * 0.9, `displayed (${box.width} CSS px) smaller than the PNG (${natural} px)`);
    // drag from 20%/20% to 60%/80% of the displayed image
    await review.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.2);
    await review.mouse.down();
    await review.mouse.move(box.x + box.width * 0.4, box.y + box.height * 0.5, { steps: 4 });
    await review.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.8, { steps: 4 });
    await review.mouse.up();
    await review.waitForSelector('.gesture-type[data-index="0"]');
    await review.selectOption('.gesture-type[data-index="0"]', 'two_fingers');
    assert.equal(await review.locator('.gesture-box').count(), 1);
    assert.equal(await review.getAttribute('.gesture-box[data-index="0"]', 'data-type'), 'two_fingers');
    assert.ok(await review.isChecked('input[name="violation"][value="gesture"]'), 'marking a gesture ticks "gesture"');
    assert.ok(await review.locator('[data-refs-for="gesture"] li').count() >= 1, 'regulation references shown under the ticked type');
    await review.click('#save');
    await review.waitForSelector('#save-ok', { timeout: 10_000 });
    await review.close();

    const ev = await record(marked);
    assert.equal(ev.status, 'queued');
    const { width: W, height: H } = ev.record.screenshot;
    const g = ev.record.violation.gestures;
    assert.equal(g.length, 1);
    assert.equal(g[0].type, 'two_fingers');
    const b = g[0].box;
    assert.ok(b.x >= 0 && b.y >= 0 && b.x + b.width <= W && b.y + b.height <= H, `box ${JSON.stringify(b)} inside ${W}x${H}`);
    // screenshot pixels, not CSS pixels of the displayed image: 20%..60% x 20%..80% of the PNG
    const near = (v: number, want: number, of: number) => Math.abs(v - want) <= of * 0.02 + 2;
    assert.ok(near(b.x, W * 0.2, W) && near(b.width, W * 0.4, W), `x/width in screenshot px: ${JSON.stringify(b)} of ${W}`);
    assert.ok(near(b.y, H * 0.2, H) && near(b.height, H * 0.6, H), `y/height in screenshot px: ${JSON.stringify(b)} of ${H}`);
    assert.ok(ev.record.violation.types.includes('gesture'));
    assert.equal(ev.record.fieldSources['violation.gestures'], 'user');
    const gestureEdit = ev.custody.find((c: any) => c.action === 'edit' && c.details?.changes?.some((x: any) => x.path === 'violation.gestures'));
    assert.ok(gestureEdit, 'the gesture mark is in the custody log');
    assert.deepEqual(verifyCustody(marked, ev.custody), { ok: true, length: ev.custody.length });
    await page.close();
  });

  it('opens the record in the manager, edits the agency (logged with old and new values), deletes another record with confirmation', async () => {
    const page = await context.newPage();
    await page.goto(POST_URL);
    await sleep(700); // one capture per 550 ms
    const review = await flag(page, '#comment-sinta');
    other = new URL(review.url()).searchParams.get('id')!;
    await review.close();
    await page.close();
    await until(async () => (await record(other)) !== undefined, 'the second record');

    const manager = await context.newPage();
    await manager.goto(`chrome-extension://${extId}/manager.html`);
    await manager.waitForFunction(() => document.querySelectorAll('#evidence-list tbody tr').length === 2);
    // the violation-type filter
    await manager.check('[data-filter-violation="gesture"]');
    await manager.waitForFunction(() => document.querySelectorAll('#evidence-list tbody tr').length === 1);
    assert.equal(await manager.getAttribute('#evidence-list tbody tr', 'data-id'), marked);
    await manager.click('#reset-filters');
    await manager.waitForFunction(() => document.querySelectorAll('#evidence-list tbody tr').length === 2);

    await manager.click(`.open-record[data-id="${marked}"]`);
    await manager.waitForSelector(`#record-view[data-id="${marked}"]`);
    await manager.waitForSelector('#record-screenshot');
    assert.equal(await manager.locator('#record-view .gesture-box').count(), 1);
    assert.equal(await manager.getAttribute('#record-view .gesture-box', 'data-type'), 'two_fingers');
    assert.equal(await manager.getAttribute('#custody-check', 'data-ok'), 'true');
    const oldAgency = (await record(marked)).record.subject.agency;
    const sha = (await record(marked)).record.screenshot.sha256;
    await manager.fill('#f-subject-agency', 'Dinas Kominfo Kab. Contoh');
    await manager.click('#record-save');
    await manager.waitForSelector('#record-save-ok', { timeout: 10_000 });
    await manager.waitForSelector('#custody-log [data-path="subject.agency"]');

    const ev = await record(marked);
    assert.equal(ev.record.subject.agency, 'Dinas Kominfo Kab. Contoh');
    assert.equal(ev.record.fieldSources['subject.agency'], 'user');
    assert.equal(ev.record.screenshot.sha256, sha, 'the screenshot hash never changes');
    const edit = ev.custody.at(-1);
    assert.equal(edit.action, 'edit');
    assert.equal(edit.actor, 'Rahmat Hidayat');
    assert.deepEqual(edit.details.changes, [{ path: 'subject.agency', from: oldAgency ?? null, to: 'Dinas Kominfo Kab. Contoh' }]);
    assert.deepEqual(verifyCustody(marked, ev.custody), { ok: true, length: ev.custody.length });
    assert.equal(await manager.getAttribute('#custody-check', 'data-ok'), 'true');

    // delete the other record: confirmation with a reason
    await manager.click('#record-close');
    await manager.click(`.open-record[data-id="${other}"]`);
    await manager.waitForSelector(`#record-view[data-id="${other}"]`);
    await manager.click('#delete-open');
    assert.ok(await manager.isDisabled('#delete-confirm'), 'no deletion without a reason');
    await manager.fill('#delete-reason', 'Salah tandai: bukan akun ASN');
    await manager.click('#delete-confirm');
    await manager.waitForSelector('#manager-notice');
    await manager.waitForFunction(() => document.querySelectorAll('#evidence-list tbody tr').length === 1);

    const { records, blobs } = await readStore(await serviceWorker(context));
    assert.deepEqual(records.map((r) => r.id), [marked]);
    assert.ok(!Object.keys(blobs).some((k) => k.startsWith(other)), 'its screenshots are gone too');
    const sw = await serviceWorker(context);
    const log = ((await sw.evaluate('chrome.storage.local.get("deletions")')) as { deletions: any[] }).deletions;
    assert.equal(log.length, 1);
    assert.equal(log[0].id, other);
    assert.equal(log[0].reason, 'Salah tandai: bukan akun ASN');
    assert.equal(log[0].actor, 'Rahmat Hidayat');
    assert.match(log[0].sha256, /^[0-9a-f]{64}$/);
    assert.deepEqual(verifyCustody('deletions', log), { ok: true, length: 1 });

    await manager.click('#tab-deletions');
    await manager.waitForSelector(`#deletions-log tr[data-id="${other}"]`);
    assert.equal(await manager.getAttribute('#deletions-check', 'data-ok'), 'true');

    // the case file shows the person, the counts and the deadline countdown
    await manager.click('#tab-cases');
    await manager.waitForSelector('#case-files .case');
    assert.match(await manager.textContent('#deadline-rule') ?? '', /7 hari/);
    assert.match(await manager.textContent('#case-files .countdown') ?? '', /^sisa (7 hari|6 hari \d+ jam)/);
    assert.ok(await manager.getAttribute('#case-files .deadline', 'data-deadline'));
    await manager.close();
  });
});
