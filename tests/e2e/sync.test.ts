/**
 * Sync against the real reference backend on loopback, in a real Chromium: offline first, retries,
 * a worker killed mid-request, a refused token. The backend must hold every record exactly once.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import type { RunningServer } from '../../server/app';
import {
  configureBackend, flagAndSave, readStore, serviceWorker, startSyncRig, stopServiceWorker, stopSyncRig, until,
  type FixtureServer,
} from './support';

const TOKEN = 'e2e-token-rahmat-0123456789';
describe('sync to the reference backend (Chromium)', () => {
  let fixtures: FixtureServer;
  let backend: RunningServer;
  let context: BrowserContext;
  let page: Page;
  let extId: string;

  const stored = async () => (await backend.storage.list(1000)).map((r) => r.id);
  const local = async () => (await readStore(await serviceWorker(context), { blobs: false })).records;
  const badge = async () => (await serviceWorker(context)).evaluate('chrome.action.getBadgeText({})');


  before(async () => {
    ({ fixtures, backend, context, extId, page } = await startSyncRig('sync', TOKEN));
  });
  after(() => stopSyncRig({ fixtures, backend, context }));


  it('keeps 3 records flagged offline, then stores each exactly once when back online', async () => {
    await context.setOffline(true);
    const ids = [
      await flagAndSave(context, page, '#comment-budi'),
      await flagAndSave(context, page, '#comment-sinta'),
      await flagAndSave(context, page, '#comment-3'),
    ];
    await until(async () => (await badge()) === '3', 'badge 3');
    assert.deepEqual(await stored(), [], 'nothing reached the server while offline');
    assert.ok((await local()).every((r) => r.status === 'queued' || r.status === 'sending'));
    await context.setOffline(false);
    await until(async () => (await local()).filter((r) => r.status === 'synced').length === 3, '3 synced', 45_000);
    assert.deepEqual((await stored()).sort(), [...ids].sort());
    for (const r of await local()) {
      const row = await backend.storage.get(r.id);
      assert.equal(r.sync.receipt.sha256, r.record.screenshot.sha256);
      assert.equal(row!.sha256, r.record.screenshot.sha256);
      assert.equal(r.sync.receipt.receivedAt, row!.receivedAt);
      assert.ok(r.custody.some((c: { action: string }) => c.action === 'sync'));
    }
    await until(async () => (await badge()) === '', 'badge cleared');
  });

  it('retries after a 500 and stores the record once', async () => {
    backend.setFaults([{ type: 'status', status: 500, count: 1 }]);
    const id = await flagAndSave(context, page, '#comment-4');
    const rec = await until(async () => (await local()).find((r) => r.id === id && r.status === 'synced'), 'synced after 500', 45_000);
    assert.equal(rec.sync.attempts, 2);
    assert.equal((await stored()).filter((x) => x === id).length, 1);
  });

  it('survives a lost reply (stored, then 500): the retry gets 200 and nothing is duplicated', async () => {
    backend.setFaults([{ type: 'status', status: 500, count: 1, afterStore: true }]);
    const id = await flagAndSave(context, page, '#comment-5');
    const rec = await until(async () => (await local()).find((r) => r.id === id && r.status === 'synced'), 'synced after lost reply', 45_000);
    assert.equal(rec.sync.attempts, 2, 'first reply lost, second answered 200 with the original receipt');
    assert.equal((await stored()).filter((x) => x === id).length, 1);
    assert.equal(await backend.storage.count(), 5, '3 + 1 + 1 records, none twice');
  });

  it('a worker stopped while the request is in flight retries after restart; stored once', async () => {
    backend.setFaults([{ type: 'hang', count: 1, ms: 20_000 }]);
    const id = await flagAndSave(context, page, '#comment-6');
    await until(async () => (await local()).find((r) => r.id === id && r.status === 'sending'), 'request in flight');
    await stopServiceWorker(context, page);
    // Any extension event wakes the worker; opening the popup sends it a message.
    const popup = await context.newPage();
    await popup.goto(`chrome-extension://${extId}/popup.html`);
    await until(async () => (await local()).find((r) => r.id === id && r.status === 'synced'), 'synced after restart', 45_000);
    assert.equal((await stored()).filter((x) => x === id).length, 1);
    await popup.close();
  });

  it('a refused token pauses sync and tells the monitor; fixing it resumes', async () => {
    await configureBackend(context, extId, backend.url, 'wrong-token');
    const id = await flagAndSave(context, page, '#comment-7');
    const popup = await context.newPage();
    await popup.goto(`chrome-extension://${extId}/popup.html`);
    await popup.waitForSelector('#sync-status[data-state="paused"]', { timeout: 20_000 });
    assert.match(await popup.textContent('#sync-status') ?? '', /token/i);
    assert.ok(!(await popup.textContent('body'))!.includes('wrong-token'), 'the token is never shown');
    assert.ok(!(await stored()).includes(id));
    assert.equal((await local()).find((r) => r.id === id)!.status, 'queued');
    await configureBackend(context, extId, backend.url, TOKEN);
    await until(async () => (await local()).find((r) => r.id === id && r.status === 'synced'), 'synced after fixing the token', 45_000);
    assert.equal((await stored()).filter((x) => x === id).length, 1);
    await popup.close();
  });
});
