/**
 * Fault injection in a real Chromium with the built extension and the reference backend on
 * loopback: full storage mid-capture, the service worker killed during capture, sync and export,
 * a backend that answers garbage, a wrong receipt, or nothing at all, and a comment flagged twice.
 * Every case proves that no record is lost and none is duplicated (locally or on the backend).
 *
 * One browser context and one backend for the whole file (launch cost); every test flags its own
 * comment of tests/e2e/pages/facebook-permalink.html.
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContext, Page, Worker } from 'playwright-core';
import type { RunningServer } from '../../server/app';
import { verifyCustody } from '../../lib/integrity/custody';
import {
  clickInPageFlag, configureBackend, flagAndSave, flagToast, readStore, ROOT, serviceWorker, sleep, startSyncRig,
  stopServiceWorker, stopSyncRig, until, type FixtureServer, fillMonitorIfAsked,
} from './support';

const TOKEN = 'e2e-token-rahmat-0123456789';
type Store = Awaited<ReturnType<typeof readStore>>;

/** Progress on stderr (FAULTS_DEBUG=1): where a slow or stuck case is. */
const step = (what: string) => {
  if (process.env.FAULTS_DEBUG) process.stderr.write(`[faults ${new Date().toISOString().slice(11, 23)}] ${what}\n`);
};

describe('fault tolerance (Chromium + reference backend)', () => {
  let fixtures: FixtureServer;
  let backend: RunningServer;
  let context: BrowserContext;
  let page: Page;
  let extId: string;

  /**
   * The running extension worker. After stopServiceWorker a stale Worker object can linger in
   * context.serviceWorkers() whose evaluate never settles: probe each with a short deadline and
   * wake the worker (an extension page that messages it) when none answers.
   */
  const sw = (): Promise<Worker> => serviceWorker(context);
  const store = async (): Promise<Store> => readStore(await sw());
  const local = async () => (await readStore(await sw(), { blobs: false })).records;
  const stored = async () => (await backend.storage.list(1000)).map((r) => r.id);
  const onBackend = async (id: string) => (await stored()).filter((x) => x === id).length;
  const synced = (id: string, what: string, timeout = 45_000) =>
    until(async () => (await local()).find((r) => r.id === id && r.status === 'synced'), what, timeout);



  /** The toast's final word on the last flag (ok or error), as shown in the page. */
  const toastResult = (timeout = 20_000) => flagToast(context, page, timeout);

  async function closeReviews(): Promise<void> {
    for (const p of context.pages()) if (/\/review\.html\?id=/.test(p.url())) await p.close();
  }

  /** Wait for the review form of `id` (or any new one) and save it; returns the record id. */
  async function saveReview(seen: Set<Page>, id?: string): Promise<string> {
    const review = await until(async () => context.pages().find((p) => !seen.has(p)
      && /\/review\.html\?id=/.test(p.url()) && (!id || p.url().includes(id))), 'the review form', 20_000);
    await review.waitForSelector('#save');
    await fillMonitorIfAsked(review);
    await review.click('#save');
    await review.waitForSelector('#save-ok', { timeout: 10_000 });
    const got = new URL(review.url()).searchParams.get('id')!;
    await review.close();
    return got;
  }

  /** Every record keeps its screenshot; no id and no target appears twice. */
  function assertConsistent(s: Store): void {
    for (const r of s.records) {
      const blob = s.blobs[`${r.id}/screenshot.png`];
      assert.ok(blob && blob.size > 0, `record ${r.id} has its screenshot blob`);
      assert.equal(createHash('sha256').update(Buffer.from(blob.base64, 'base64')).digest('hex'), r.record.screenshot.sha256,
        `record ${r.id}: the blob is the screenshot that was hashed`);
    }
    for (const key of Object.keys(s.blobs)) {
      assert.ok(s.records.some((r) => key.startsWith(`${r.id}/`)), `blob ${key} belongs to a record (no orphan)`);
    }
    const keys = s.records.map((r) => r.targetKey).filter(Boolean);
    assert.equal(new Set(keys).size, keys.length, `no target flagged twice: ${keys.join(', ')}`);
  }

  before(async () => {
    ({ fixtures, backend, context, extId, page } = await startSyncRig('faults', TOKEN));
  });
  after(() => stopSyncRig({ fixtures, backend, context }));


  it('storage full mid-capture: "Penyimpanan penuh", nothing half-written, earlier records intact, then it works again', async () => {
    const first = await flagAndSave(context, page, '#comment-budi');
    await synced(first, 'the earlier record synced');
    const beforeStore = await store();
    assert.equal(beforeStore.records.length, 1);

    const worker = await sw();
    const patch = `(() => {
      const g = globalThis;
      if (g.__asnQuota) return true;
      g.__asnQuota = { put: IDBObjectStore.prototype.put, add: IDBObjectStore.prototype.add };
      const full = (orig) => function (...args) {
        if (this.name === 'blobs') throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        return orig.apply(this, args);
      };
      IDBObjectStore.prototype.put = full(g.__asnQuota.put);
      IDBObjectStore.prototype.add = full(g.__asnQuota.add);
      return true;
    })()`;
    const restore = `(() => {
      const g = globalThis;
      if (!g.__asnQuota) return false;
      IDBObjectStore.prototype.put = g.__asnQuota.put;
      IDBObjectStore.prototype.add = g.__asnQuota.add;
      delete g.__asnQuota;
      return true;
    })()`;
    // Applied right before the flag: a restarted worker would have lost it.
    assert.equal(await worker.evaluate(patch), true);
    await sleep(700); // capture scheduler: one capture per 550 ms
    await clickInPageFlag(page, '#comment-3');
    const toast = await toastResult();
    assert.equal(await worker.evaluate('!!globalThis.__asnQuota'), true, 'the same (patched) worker handled the flag');
    assert.equal(toast.kind, 'error', toast.text);
    assert.equal(toast.code, 'storage_full', toast.text);
    assert.match(toast.text, /Penyimpanan penuh/);
    await sleep(500);
    const afterStore = await store();
    assert.deepEqual(afterStore, beforeStore, 'no new record, no new blob, the earlier record unchanged');
    assert.equal(await worker.evaluate(restore), true);

    await sleep(700);
    const id = await flagAndSave(context, page, '#comment-3');
    const s = await store();
    assert.equal(s.records.length, 2);
    assert.ok(s.records.some((r) => r.id === id));
    assertConsistent(s);
    await synced(id, 'the record flagged after the storage came back');
    assert.equal(await onBackend(id), 1);
  });

  it('service worker killed during capture: a retry leaves one complete record for the comment', async () => {
    const priorIds = new Set((await local()).map((r) => r.id));
    await sleep(700);
    await clickInPageFlag(page, '#comment-4');
    step('clicked; stopping the worker');
    await stopServiceWorker(context, page);
    step('stopped');
    // Whatever the kill interrupted: never half a record, never two.
    await sleep(1000);
    const mid = await store();
    step(`store read after the kill: ${mid.records.length} records`);
    const newMid = mid.records.filter((r) => !priorIds.has(r.id));
    assert.ok(newMid.length <= 1, `at most one record after the kill (${newMid.length})`);
    assertConsistent(mid);
    await closeReviews();

    // Retry the flag (the click wakes the worker).
    const seen2 = new Set(context.pages());
    await sleep(700);
    await clickInPageFlag(page, '#comment-4');
    step('retried the flag');
    const toast = await until(async () => {
      const t = await toastResult();
      return t.kind === 'ok' || t.code === 'duplicate' ? t : null;
    }, 'the retried flag finishes', 30_000);
    const s = await store();
    const fresh = s.records.filter((r) => !priorIds.has(r.id));
    assert.equal(fresh.length, 1, `exactly one record for #comment-4 (toast: ${toast.code ?? toast.kind})`);
    assertConsistent(s);
    if (newMid.length === 1) assert.equal(toast.code, 'duplicate', 'the first capture was stored: the retry says so');
    const id = await saveReview(seen2, fresh[0].id);
    await closeReviews();
    await synced(id, 'the record of the interrupted capture synced');
    assert.equal(await onBackend(id), 1);
  });

  it('service worker killed during sync after a stored-then-garbage reply: the backend holds it once', async () => {
    // 1st upload: stored, then a 201 whose body is not JSON; 2nd: hangs (the worker is killed
    // while it waits); 3rd, after the restart: 200 with the original receipt.
    backend.setFaults([{ type: 'garbageJson' }, { type: 'hang', ms: 20_000 }]);
    await sleep(700);
    const id = await flagAndSave(context, page, '#comment-5');
    // The retry comes from the short timer, or, when Chrome stopped the idle worker meanwhile, from
    // the alarm, which fires 30 s after it was armed at the earliest: wait past that.
    await until(async () => (await local()).find((r) => r.id === id && r.status === 'sending' && r.sync.attempts >= 1),
      'the retry in flight after the garbage reply', 45_000);
    assert.equal(await onBackend(id), 1, 'the first attempt was stored');
    await stopServiceWorker(context, page);
    const popup = await context.newPage(); // any extension event wakes the worker
    await popup.goto(`chrome-extension://${extId}/popup.html`);
    const rec = await synced(id, 'synced after the restart');
    await popup.close();
    const row = (await backend.storage.get(id))!;
    assert.equal(await onBackend(id), 1, 'stored once');
    assert.ok(rec.sync.attempts >= 2, `attempts ${rec.sync.attempts}`);
    assert.equal(rec.sync.receipt.sha256, rec.record.screenshot.sha256);
    assert.equal(rec.sync.receipt.receivedAt, row.receivedAt, 'the receipt is the original one');
    assert.equal(rec.custody.filter((c: { action: string }) => c.action === 'sync').length, 1, 'one sync entry in the custody log');
  });

  it('backend answers garbage JSON without storing: retried, then stored once', async () => {
    backend.setFaults([{ type: 'garbageJson', afterStore: false }]);
    await sleep(700);
    const id = await flagAndSave(context, page, '#comment-6');
    const rec = await synced(id, 'synced after garbage');
    assert.equal(rec.sync.attempts, 2);
    assert.equal(rec.sync.receipt.sha256, rec.record.screenshot.sha256);
    assert.equal(await onBackend(id), 1);
  });

  it('a 200 with a wrong sha256 is not trusted: retried, then the real receipt; stored once', async () => {
    backend.setFaults([{ type: 'wrongSha256' }]);
    await sleep(700);
    const id = await flagAndSave(context, page, '#comment-7');
    const rec = await synced(id, 'synced after the wrong receipt');
    const row = (await backend.storage.get(id))!;
    assert.equal(rec.sync.attempts, 2, 'the wrong receipt did not count as synced');
    assert.equal(rec.sync.receipt.sha256, rec.record.screenshot.sha256);
    assert.equal(rec.sync.receipt.receivedAt, row.receivedAt);
    const syncs = rec.custody.filter((c: { action: string }) => c.action === 'sync');
    assert.equal(syncs.length, 1);
    assert.equal(syncs[0].details.sha256, rec.record.screenshot.sha256, 'the custody log holds the real receipt only');
    assert.equal(await onBackend(id), 1);
  });

  it('the same comment flagged twice: "already exists", one record locally and on the backend', async () => {
    await sleep(700);
    const id = await flagAndSave(context, page, '#comment-9');
    await sleep(700);
    const seen = new Set(context.pages());
    await clickInPageFlag(page, '#comment-9');
    const toast = await toastResult();
    assert.equal(toast.code, 'duplicate', toast.text);
    assert.match(toast.text, /sudah ada/);
    // the form of the existing record is shown instead
    const review = await until(async () => context.pages().find((p) => !seen.has(p) && p.url().includes(`id=${id}`)), 'the existing record shown');
    await review.close();
    const s = await store();
    const key = s.records.find((r) => r.id === id)!.targetKey;
    assert.ok(key);
    assert.equal(s.records.filter((r) => r.targetKey === key).length, 1);
    assertConsistent(s);
    await synced(id, 'the flagged-twice record synced');
    assert.equal(await onBackend(id), 1);
  });

  it('service worker killed during export: the next export succeeds and its bundle verifies', async () => {
    const beforeStore = await store();
    const manager = await context.newPage();
    await manager.goto(`chrome-extension://${extId}/manager.html`);
    await manager.waitForSelector('#evidence-list tbody tr');
    const n = beforeStore.records.length;
    assert.equal(await manager.locator('#evidence-list tbody tr').count(), n);

    await manager.click('#export-filtered');
    await stopServiceWorker(context, manager);
    await manager.waitForSelector('#export-filtered:not([disabled])', { timeout: 30_000 });
    const firstOk = await manager.getAttribute('#export-result', 'data-ok');

    // Chain links written by an interrupted export must still hold.
    const mid = await store();
    assert.equal(mid.records.length, n);
    assertConsistent(mid);
    for (const r of mid.records) assert.deepEqual(verifyCustody(r.id, r.custody).ok, true, `custody chain of ${r.id}`);

    await manager.click('#export-filtered');
    await manager.waitForSelector('#export-progress', { timeout: 10_000 }).catch(() => undefined);
    await manager.waitForSelector('#export-filtered:not([disabled])', { timeout: 60_000 });
    await manager.waitForSelector('#export-result');
    assert.equal(await manager.getAttribute('#export-result', 'data-ok'), 'true', await manager.textContent('#export-result') ?? '');
    const sha = (await manager.textContent('#export-sha256'))!.trim();
    assert.match(sha, /^[0-9a-f]{64}$/);

    // Find the download of the second export by its SHA-256.
    const file = await until(async () => {
      const items = await (await sw()).evaluate('chrome.downloads.search({ state: "complete" })') as Array<{ filename: string }>;
      return items.map((i) => i.filename).find((f) => {
        try {
          return createHash('sha256').update(readFileSync(f)).digest('hex') === sha;
        } catch {
          return false;
        }
      });
    }, 'the second bundle downloaded');
    const cli = spawnSync(process.execPath, [join(ROOT, 'bin/asn-evidence.mjs'), 'verify', file], { encoding: 'utf8' });
    assert.equal(cli.status, 0, `first export: ${firstOk}; ${cli.stdout}${cli.stderr}`);
    const after = await store();
    assert.equal(after.records.length, n, 'exporting neither adds nor drops records');
    assertConsistent(after);
    for (const r of after.records) assert.equal(verifyCustody(r.id, r.custody).ok, true);
    await manager.close();
  });

  it('backend hangs past 30 s: the upload is aborted at 25 s and retried; stored once', { timeout: 120_000 }, async () => {
    backend.setFaults([{ type: 'hang', ms: 40_000 }]);
    await sleep(700);
    const t0 = Date.now();
    const id = await flagAndSave(context, page, '#comment-8');
    const rec = await synced(id, 'synced after the hang', 90_000);
    const took = Date.now() - t0;
    assert.ok(took >= 24_000, `the first upload waited for the timeout (${took} ms)`);
    assert.equal(rec.sync.attempts, 2, 'one timeout, then stored');
    assert.equal(await onBackend(id), 1);
  });

  it('in the end: every saved record is on the backend exactly once, nothing lost', async () => {
    const s = await store();
    assertConsistent(s);
    const ids = await stored();
    assert.equal(new Set(ids).size, ids.length, 'no id twice on the backend');
    for (const r of s.records) {
      assert.equal(r.status, 'synced', `record ${r.id} synced`);
      assert.equal(ids.filter((x) => x === r.id).length, 1, `record ${r.id} on the backend once`);
    }
    assert.equal(ids.length, s.records.length, 'the backend holds nothing the extension does not know');
  });
});
