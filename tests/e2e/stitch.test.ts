/**
 * A post taller than the viewport is captured by scrolling and stitching: the stored screenshot
 * covers the whole post (top band blue, bottom band red, in the right places), and a post taller
 * than the cap is cut and marked truncated. The page's scroll position is restored afterwards.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import {
  inPageFlagPoint, inspectPng, launchChromium, newReview, readStore, serviceWorker, startFixtureServer, tempProfile,
  type FixtureServer,
} from './support';

describe('scroll and stitch (Chromium)', () => {
  let server: FixtureServer;
  let context: BrowserContext;
  let page: Page;

  before(async () => {
    server = await startFixtureServer();
    server.route('www.facebook.com', '/dinascontoh', 'facebook-tall.html');
    context = await launchChromium(tempProfile('stitch'), server.port);
    await serviceWorker(context);
    page = await context.newPage();
    await page.goto('https://www.facebook.com/dinascontoh');
  });
  after(async () => {
    await context?.close();
    await server?.close();
  });

  async function flag(selector: string) {
    await page.bringToFront();
    await page.locator(selector).scrollIntoViewIfNeeded();
    await page.hover(`${selector} .top`, { position: { x: 200, y: 20 } });
    const scrollBefore = await page.evaluate(() => scrollY);
    const seen = new Set(context.pages());
    const { x, y } = await inPageFlagPoint(page, `${selector} .top`);
    await page.mouse.click(x, y);
    const review = await newReview(context, seen, 30_000);
    const id = new URL(review.url()).searchParams.get('id');
    await review.close();
    const { records, blobs } = await readStore(await serviceWorker(context));
    const ev = records.find((r) => r.id === id);
    const rect = await page.$eval(selector, (el) => el.getBoundingClientRect().toJSON());
    return { ev, blob: blobs[`${id}/screenshot.png`]!, rect, scrollBefore, scrollAfter: await page.evaluate(() => scrollY) };
  }

  it('stitches a post taller than the viewport into one screenshot', async () => {
    const { ev, blob, rect, scrollBefore, scrollAfter } = await flag('#tall-post');
    const shot = ev.record.screenshot;
    assert.equal(shot.truncated, false);
    assert.equal(shot.height, Math.round(rect.height));
    assert.equal(shot.width, Math.round(rect.width + 24));
    const cx = shot.width / 2;
    const img = await inspectPng(page, blob.base64, [[cx, 100], [cx, shot.height - 100], [cx, shot.height / 2]]);
    assert.equal(img.height, shot.height);
    assert.deepEqual(img.pixels[0], [0, 0, 255], 'the top band is at the top');
    assert.deepEqual(img.pixels[1], [255, 0, 0], 'the bottom band is at the bottom');
    assert.notDeepEqual(img.pixels[2], [255, 255, 255].map(() => 0));
    assert.equal(scrollAfter, scrollBefore, 'the page scroll is restored');
  });

  it('cuts a post taller than the cap and marks it truncated', async () => {
    const { ev } = await flag('#huge-post');
    assert.equal(ev.record.screenshot.truncated, true);
    assert.equal(ev.record.screenshot.height, 6000);
  });
});
