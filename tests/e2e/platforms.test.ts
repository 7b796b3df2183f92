/**
 * One comment flagged on each spoofed platform through the in-page button, in a real Chromium:
 * the stored record carries the comment's author, text and permalink and the post id, exactly as
 * the fixture case (tests/fixtures/platforms) expects from the adapter.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContext } from 'playwright-core';
import {
  flagInPage, launchChromium, readStore, ROOT, serviceWorker, startFixtureServer, tempProfile,
  type FixtureServer,
} from './support';

const CASES = [
  'facebook/fb-permalink-dialog-comment-id',
  'instagram/ig-comment-truncated-id',
  'tiktok/tt-comment-id',
];
const CHECKED = ['platform', 'kind', 'comment.authorName', 'comment.authorUrl', 'comment.text', 'comment.url', 'comment.id', 'post.id', 'post.url'];

const get = (o: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((v, k) => (v == null ? undefined : (v as Record<string, unknown>)[k]), o);

describe('flag a comment on each platform (Chromium)', () => {
  let server: FixtureServer;
  let context: BrowserContext;

  before(async () => {
    server = await startFixtureServer();
    context = await launchChromium(tempProfile('platforms'), server.port);
    await serviceWorker(context);
  });
  after(async () => {
    await context?.close();
    await server?.close();
  });

  for (const name of CASES) {
    it(name, async () => {
      const c = JSON.parse(readFileSync(join(ROOT, 'tests/fixtures/platforms', `${name}.case.json`), 'utf8'));
      const url = new URL(c.url);
      server.route(url.host, url.pathname, `${name}.html`);
      const page = await context.newPage();
      await page.goto(c.url);
      const { id, review } = await flagInPage(context, page, c.target);
      await review.close();

      const { records } = await readStore(await serviceWorker(context));
      const rec = records.find((r) => r.id === id)!.record;
      let checked = 0;
      for (const key of CHECKED) {
        if (!(key in c.expect)) continue;
        assert.deepEqual(get(rec, key), c.expect[key], `${key} of the stored record`);
        checked++;
      }
      assert.ok(checked >= 6, `the case pins author, text, permalink and post id (${checked} fields)`);
      assert.equal(rec.comment.authorName, c.expect['comment.authorName']);
      assert.ok(rec.post.id, 'post id stored');
      assert.equal(rec.subject.name, c.expect['subject.name'] ?? rec.subject.name);
      await page.close();
    });
  }
});
