/**
 * The integrity path end to end in a real Chromium with the built extension: flag a comment, the
 * monitor corrects the NIP in the form and saves, the extension syncs to the reference backend
 * (which checks the signed capture, the signed custody log and the edit, binds the installation
 * key to the monitor and countersigns a receipt), the manager exports a signed bundle, and the CLI
 * and the Python reference verifier, given the server's key as /v1/health publishes it, name for
 * the record: the monitor, the installation key and the receipt time.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import type { RunningServer } from '../../server/app';
import {
  clickInPageFlag, configureBackend, exportAllFromManager, E2E_POST_URL, extensionId, flagAndSave, launchChromium, readStore, ROOT, serviceWorker,
  startSyncRig, stopSyncRig, tempProfile, until, waitForPage, type FixtureServer, fillMonitorIfAsked,
} from './support';

const TOKEN = 'e2e-token-rahmat-integrity-42';
const NIP = '198503122010011002';
const COORDINATOR = 'e2e-token-koordinator-integrity-7';

describe('integrity: flag -> edit -> sync -> export -> verify with the trusted server key (Chromium)', () => {
  let fixtures: FixtureServer;
  let backend: RunningServer;
  let context: BrowserContext;
  let page: Page;
  let extId: string;
  const work = mkdtempSync(join(tmpdir(), 'asn-e2e-integrity-'));
  let id = '';

  before(async () => {
    ({ fixtures, backend, context, extId, page } = await startSyncRig('integrity', TOKEN, [{ monitor: 'koordinator', token: COORDINATOR, role: 'coordinator' }]));
  });
  after(async () => {
    await stopSyncRig({ fixtures, backend, context });
    rmSync(work, { recursive: true, force: true });
  });

  it('the monitor corrects the NIP, saves, and the server countersigns the synced record', async () => {
    await clickInPageFlag(page, '#comment-budi');
    const review = await waitForPage(context, /\/review\.html\?id=/);
    id = new URL(review.url()).searchParams.get('id')!;
    await review.waitForSelector('#f-subject-nip');
    await review.fill('#f-subject-nip', NIP);
    await fillMonitorIfAsked(review);
    await review.click('#save');
    await review.waitForSelector('#save-ok', { timeout: 10_000 });
    await review.close();
    const rec = await until(async () => (await readStore(await serviceWorker(context), { blobs: false })).records.find((r) => r.id === id && r.status === 'synced'), 'synced', 45_000);
    const row = await backend.storage.get(id);
    assert.ok(row, 'the server stored it');
    const sync = rec.custody.find((c: { action: string }) => c.action === 'sync');
    assert.equal(sync.details.receipt.serverKey.kid, backend.serverKey.kid, 'the sync entry keeps the server-signed receipt');
    assert.ok(rec.custody.every((c: { keyId?: string; sig?: string }) => c.keyId && c.sig), 'every custody entry is signed');
    const keys = await backend.storage.listKeys();
    assert.deepEqual(keys.map((k) => [k.monitor, k.status]), [['rahmat', 'approved']], 'the first key is bound to the monitor');
  });

  it('exports a signed bundle that the CLI and the Python verifier accept, naming monitor, installation and receipt time', async () => {
    const zip = join(work, 'bundle.zip');
    const sw = await exportAllFromManager(context, extId, zip);

    // The auditor pins the key the server publishes (here: the health answer, saved to a file).
    const health = await (await fetch(`${backend.url}/v1/health`)).json() as { serverKey: { kid: string } };
    const keyFile = join(work, 'server-key.json');
    writeFileSync(keyFile, JSON.stringify(health));
    const local = (await readStore(sw, { blobs: false })).records.find((r) => r.id === id)!;
    const receivedAt = local.sync.receipt.receivedAt as string;
    const installation = (local.record.attestation.keyId as string).slice(0, 16);

    const cli = spawnSync(process.execPath, [join(ROOT, 'bin/asn-evidence.mjs'), 'verify', zip, '--server-key', keyFile, '--lang', 'en'], { encoding: 'utf8' });
    assert.equal(cli.status, 0, cli.stdout + cli.stderr);
    assert.match(cli.stdout, new RegExp(`received by server ${health.serverKey.kid.slice(0, 16)} at ${receivedAt.replace(/\./g, '\\.')} from monitor rahmat, installation ${installation} \\(trusted server key\\)`));
    assert.match(cli.stdout, new RegExp(`signed at capture by installation ${installation}`));
    assert.match(cli.stdout, new RegExp(`changed by the monitor after capture: subject.nip: null -> "${NIP}"`));
    assert.match(cli.stdout, /RESULT: bundle VALID/);
    assert.doesNotMatch(cli.stdout, /0\.1\.0/, 'a record captured by this version is held to the strict rule, not the 0.1.0 exception');
    assert.doesNotMatch(local.record.client.extensionVersion, /^0\.1\./);

    const py = spawnSync('python3', [join(ROOT, 'tools/verify_bundle.py'), zip, '--server-key', health.serverKey.kid], { encoding: 'utf8' });
    assert.equal(py.status, 0, py.stdout + py.stderr);
    assert.match(py.stdout, /RESULT: VALID/);
    assert.match(py.stdout, new RegExp(`monitor rahmat`));

    // A forger changes the NIP back in manifest.json and record.json and recomputes SHA256SUMS:
    // the manager's verify screen (the extension's own verifier) refuses it and names the record.
    const files = unzipSync(new Uint8Array(readFileSync(zip)));
    const manifestJson = JSON.parse(strFromU8(files['manifest.json']!)) as { records: { id: string; subject: { nip: string } }[] };
    const target = manifestJson.records.find((r) => r.id === id)!;
    target.subject.nip = '199912312020121001';
    files['manifest.json'] = strToU8(JSON.stringify(manifestJson, null, 2));
    files[`evidence/${id}/record.json`] = strToU8(JSON.stringify(target, null, 2));
    files.SHA256SUMS = strToU8(Object.keys(files).filter((n) => n !== 'SHA256SUMS' && n !== 'signature.json')
      .map((n) => `${createHash('sha256').update(files[n]!).digest('hex')}  ${n}\n`).join(''));
    const forged = join(work, 'forged.zip');
    writeFileSync(forged, zipSync(files));
    const screen = await context.newPage();
    await screen.goto(`chrome-extension://${extId}/manager.html`);
    await screen.setInputFiles('#verify-file', forged);
    await screen.waitForSelector('#verify-result', { timeout: 30_000 });
    assert.equal(await screen.getAttribute('#verify-result', 'data-ok'), 'false');
    const shown = await screen.textContent('#verify-problems') ?? '';
    assert.ok(shown.includes(id) && shown.includes('subject.nip'), `the screen names the record and the field: ${shown}`);
    assert.equal(await screen.locator('#import').count(), 0, 'no import for a forged bundle');
    await screen.close();
    const cliForged = spawnSync(process.execPath, [join(ROOT, 'bin/asn-evidence.mjs'), 'verify', forged], { encoding: 'utf8' });
    assert.equal(cliForged.status, 1, cliForged.stdout);
  });

  it('a second browser of the same monitor waits for the coordinator, is told so in Indonesian, and syncs once approved', async () => {
    const second = await launchChromium(tempProfile('integrity-second'), fixtures.port);
    try {
      const ext2 = extensionId(await serviceWorker(second));
      await configureBackend(second, ext2, backend.url, TOKEN);
      const page2 = await second.newPage();
      await page2.goto(E2E_POST_URL);
      const id2 = await flagAndSave(second, page2, '#comment-sinta');
      const popup = await second.newPage();
      await popup.goto(`chrome-extension://${ext2}/popup.html`);
      await popup.waitForSelector('#sync-status[data-state="paused"]', { timeout: 30_000 });
      const text = await popup.textContent('#sync-status') ?? '';
      assert.match(text, /belum disetujui koordinator/);
      const pending = await until(async () => (await backend.storage.listKeys()).find((k) => k.status === 'pending'), 'pending key');
      assert.equal(pending.monitor, 'rahmat');
      assert.ok(text.includes(pending.keyId.slice(0, 16)), `the message names the device key: ${text}`);
      assert.equal(await backend.storage.get(id2), null, 'nothing stored before approval');
      // The options page shows the same key, so the coordinator can compare it.
      const opts = await second.newPage();
      await opts.goto(`chrome-extension://${ext2}/options.html`);
      await opts.waitForSelector('#device-key');
      assert.ok((await opts.textContent('#device-key'))!.includes(pending.keyId.slice(0, 16)));
      await opts.close();

      const approve = await fetch(`${backend.url}/v1/keys/${pending.keyId}/approve`, { method: 'POST', headers: { Authorization: `Bearer ${COORDINATOR}` } });
      assert.equal(approve.status, 200);
      await popup.click('#sync-now');
      await until(async () => (await readStore(await serviceWorker(second), { blobs: false })).records.find((r) => r.id === id2 && r.status === 'synced'), 'synced after approval', 45_000);
      const row = await backend.storage.get(id2);
      assert.equal(JSON.parse(row!.receiptJson).payload.includes(pending.keyId), true, 'the receipt names the approved device key');
    } finally {
      await second.close();
    }
  });
});
