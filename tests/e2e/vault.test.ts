/**
 * The optional encryption of the local store in a real Chromium: turned on from Settings with a
 * record already stored, a new flag while unlocked, then a browser restart (storage.session is
 * gone: locked), what the monitor sees while locked, a wrong and a right passphrase.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContext, Worker } from 'playwright-core';
import {
  clickInPageFlag, E2E_POST_URL, flagToast, extensionId, flagAndSave, launchChromium, readStore, ROOT, serviceWorker, shimNames, startFixtureServer,
  tempProfile, until, type FixtureServer,
} from './support';

const POST_URL = E2E_POST_URL;
const PASS = 'nasi goreng pakai telur ceplok';

/** What the extension's IndexedDB holds for screenshots, raw: sealed objects or plain Blobs. */
async function rawBlobs(sw: Worker): Promise<Array<{ key: string; kind: 'blob' | 'sealed' | 'other'; png: boolean }>> {
  await shimNames(sw);
  return sw.evaluate(async () => {
    const db: IDBDatabase = await new Promise((res, rej) => {
      const r = indexedDB.open('asn-evidence');
      r.onsuccess = () => res(r.result);
      r.onerror = () => rej(r.error);
    });
    const [keys, vals] = await new Promise<[IDBValidKey[], unknown[]]>((res, rej) => {
      const tx = db.transaction('blobs', 'readonly');
      const k = tx.objectStore('blobs').getAllKeys();
      const v = tx.objectStore('blobs').getAll();
      tx.oncomplete = () => res([k.result, v.result]);
      tx.onerror = () => rej(tx.error);
    });
    db.close();
    const out = [];
    for (let i = 0; i < keys.length; i++) {
      const v = vals[i] as Blob | { sealed?: { ct: ArrayBuffer } };
      const bytes = v instanceof Blob ? new Uint8Array(await v.slice(0, 8).arrayBuffer()) : v.sealed ? new Uint8Array(v.sealed.ct.slice(0, 8)) : new Uint8Array();
      out.push({
        key: String(keys[i]),
        kind: (v instanceof Blob ? 'blob' : v.sealed ? 'sealed' : 'other') as 'blob' | 'sealed' | 'other',
        png: bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47,
      });
    }
    return out;
  });
}

describe('encrypted local store (Chromium)', () => {
  let server: FixtureServer;
  let context: BrowserContext;
  let profile: string;
  let extId: string;
  const ids: string[] = [];

  before(async () => {
    server = await startFixtureServer();
    server.route('www.facebook.com', '/permalink.php', 'facebook-permalink.html');
    profile = tempProfile('vault');
    context = await launchChromium(profile, server.port);
    extId = extensionId(await serviceWorker(context));
  });
  after(async () => {
    await context?.close();
    await server?.close();
  });

  it('turning encryption on in Settings seals the record already stored', async () => {
    const page = await context.newPage();
    await page.goto(POST_URL);
    ids.push(await flagAndSave(context, page, '#comment-budi'));
    const plain = await readStore(await serviceWorker(context), { blobs: false });
    assert.match(JSON.stringify(plain.records), /Budi Santoso/, 'stored in the clear before');

    const opts = await context.newPage();
    await opts.goto(`chrome-extension://${extId}/options.html`);
    await opts.waitForSelector('#vault-state[data-enabled="false"]');
    await opts.fill('#vault-new', 'pendek');
    await opts.fill('#vault-confirm', 'pendek');
    await opts.click('#vault-enable');
    assert.match(await opts.textContent('#vault-section-msg') ?? '', /terlalu pendek/);
    await opts.fill('#vault-new', PASS);
    await opts.fill('#vault-confirm', PASS);
    await opts.click('#vault-enable');
    await opts.waitForSelector('#vault-state[data-enabled="true"][data-unlocked="true"]', { timeout: 30_000 });
    assert.match(await opts.textContent('#vault-section-msg') ?? '', /1 bukti dan 2 tangkapan layar/);
    assert.match(await opts.textContent('#vault-state') ?? '', /600\.000 iterasi/);
    await opts.close();

    const sw = await serviceWorker(context);
    const { records } = await readStore(sw, { blobs: false });
    assert.equal(records.length, 1);
    assert.ok(records[0].sealed, 'the record is sealed');
    const raw = JSON.stringify(records);
    for (const secret of ['Budi Santoso', 'facebook.com', 'pfbid0E2e']) {
      assert.ok(!raw.includes(secret), `"${secret}" is not readable at rest`);
    }
    const blobs = await rawBlobs(sw);
    assert.equal(blobs.length, 3, 'the crop, the full tab and the item\'s source HTML');
    assert.ok(blobs.every((b) => b.kind === 'sealed' && !b.png), 'screenshots and the page source are sealed, no PNG at rest');
    await page.close();
  });

  it('a flag while unlocked is stored sealed; the form shows it and its hash is that of the decrypted bytes', async () => {
    const page = await context.newPage();
    await page.goto(POST_URL);
    ids.push(await flagAndSave(context, page, '#comment-sinta'));
    const { records } = await readStore(await serviceWorker(context), { blobs: false });
    assert.equal(records.length, 2);
    assert.ok(records.every((r: { sealed?: unknown }) => r.sealed));
    assert.ok(!JSON.stringify(records).includes('Sinta'));

    const review = await context.newPage();
    await review.goto(`chrome-extension://${extId}/review.html?id=${ids[1]}`);
    await review.waitForSelector('#sha256');
    const sha = (await review.textContent('#sha256'))!.trim();
    const src = (await review.getAttribute('#screenshot', 'src'))!;
    const bytes = Buffer.from(src.slice(src.indexOf(',') + 1), 'base64');
    assert.equal(bytes.subarray(1, 4).toString(), 'PNG');
    assert.equal(createHash('sha256').update(bytes).digest('hex'), sha);
    await review.close();
    await page.close();
  });

  it('after a browser restart the store is locked: counts only, flags refused with a clear message, pages ask for the passphrase', async () => {
    await context.close();
    context = await launchChromium(profile, server.port);
    await serviceWorker(context);

    const popup = await context.newPage();
    await popup.goto(`chrome-extension://${extId}/popup.html`);
    await popup.waitForSelector('#vault-locked');
    assert.equal(await popup.textContent('[data-count="queued"]'), '2');
    assert.equal(await popup.$$eval('li[data-id], li button', (els) => els.length), 0, 'no record shown while locked');

    // Flagging from the page is refused, and says why and what to do.
    const page = await context.newPage();
    await page.goto(POST_URL);
    await clickInPageFlag(page, '#comment-3');
    const toast = await flagToast(context, page);
    assert.equal(toast.kind, 'error');
    assert.equal(toast.code, 'locked');
    assert.match(toast.text, /terkunci/i);
    assert.equal((await readStore(await serviceWorker(context), { blobs: false })).records.length, 2, 'nothing stored');

    const review = await context.newPage();
    await review.goto(`chrome-extension://${extId}/review.html?id=${ids[0]}`);
    await review.waitForSelector('#vault-locked');
    assert.equal(await review.$('#sha256'), null);

    // A wrong passphrase is said; the right one opens every page.
    await review.fill('#vault-pass', 'bukan ini kata sandinya');
    await review.click('#vault-unlock');
    await review.waitForSelector('#vault-msg');
    assert.match(await review.textContent('#vault-msg') ?? '', /Kata sandi salah/);
    await review.fill('#vault-pass', PASS);
    await review.click('#vault-unlock');
    await review.waitForSelector('#sha256', { timeout: 15_000 });
    assert.ok(await review.evaluate(() => [...document.querySelectorAll<HTMLInputElement>('input')].some((e) => e.value === 'Budi Santoso')),
      'the decrypted record fills the form');

    await popup.reload();
    await popup.waitForSelector('#vault-lock');
    assert.equal(await popup.$('#vault-locked'), null);
    assert.match(await popup.textContent('body') ?? '', /Sinta/);
    // Locking from the popup locks the open review page too.
    await popup.click('#vault-lock');
    await review.waitForSelector('#vault-locked', { timeout: 10_000 });
    await popup.close();
    await review.close();
    await page.close();
  });

  it('unlocked, the evidence manager exports the encrypted records as a bundle the verifier accepts', async () => {
    const manager = await context.newPage();
    await manager.goto(`chrome-extension://${extId}/manager.html`);
    await manager.waitForSelector('#vault-locked'); // locked from the popup above
    await manager.fill('#vault-pass', PASS);
    await manager.click('#vault-unlock');
    await manager.waitForSelector('#evidence-list tbody tr', { timeout: 15_000 });
    assert.equal(await manager.locator('#evidence-list tbody tr').count(), 2);
    await manager.check('#select-all');
    await manager.click('#export-selected');
    await manager.waitForSelector('#export-result', { timeout: 30_000 });
    assert.equal(await manager.getAttribute('#export-result', 'data-ok'), 'true', await manager.textContent('#export-result') ?? '');
    const sw = await serviceWorker(context);
    const item = await until(async () => {
      const [d] = await sw.evaluate('chrome.downloads.search({})') as Array<{ state: string; filename: string }>;
      return d?.state === 'complete' ? d : null;
    }, 'the bundle download');
    const bundle = join(profile, 'encrypted-export.zip');
    copyFileSync(item.filename, bundle);
    const cli = spawnSync(process.execPath, [join(ROOT, 'bin/asn-evidence.mjs'), 'verify', bundle], { encoding: 'utf8' });
    assert.equal(cli.status, 0, cli.stdout + cli.stderr);
    await manager.close();
  });

  it('passphrase lost: after typing HAPUS everything local is deleted (logged) and flagging works again', async () => {
    const popup = await context.newPage();
    await popup.goto(`chrome-extension://${extId}/popup.html`);
    await popup.click('#vault-lock');
    await popup.waitForSelector('#vault-locked');
    await popup.click('#vault-forgot summary');
    assert.equal(await popup.isDisabled('#vault-reset'), true, 'nothing is deleted without the typed word');
    await popup.fill('#vault-reset-confirm', 'HAPUS');
    await popup.click('#vault-reset');
    await popup.waitForSelector('#vault-notice');
    assert.match(await popup.textContent('#vault-notice') ?? '', /^2 bukti dihapus/);
    await popup.waitForSelector('[data-count="queued"]');
    assert.equal(await popup.textContent('[data-count="queued"]'), '0');
    assert.equal(await popup.$('#vault-locked'), null);
    await popup.close();

    const page = await context.newPage();
    await page.goto(POST_URL);
    await flagAndSave(context, page, '#comment-4');
    const { records } = await readStore(await serviceWorker(context), { blobs: false });
    assert.equal(records.length, 1);
    assert.ok(!records[0].sealed, 'stored without encryption again');
    await page.close();
  });
});
