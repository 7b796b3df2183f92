/**
 * A correction after sync, end to end in real Chromium with the built extension and the reference
 * backend (issue 14: "a synced record opens read-only; a correction after sync is a logged edit that
 * syncs again as an amendment"). The correction is sent the way the review form sends it: the
 * background message `save-evidence` with `amend: true`, from an extension page.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import type { RunningServer } from '../../server/app';
import {
  exportAllFromManager, extensionId, flagAndSave, readStore, ROOT, serviceWorker, startSyncRig, stopSyncRig, until, type FixtureServer,
} from './support';

const TOKEN = 'e2e-token-rahmat-amend-31';
const AGENCY = 'Dinas Pendidikan Kota Contoh';

type Custody = { action: string; hash: string; keyId?: string; sig?: string; details?: { receipt?: { payload: string; serverKey: { kid: string } }; receivedAt?: string } };
const receiptBody = (c: Custody) => JSON.parse(c.details!.receipt!.payload) as { custodyHead: string; custodyLength: number; receivedAt: string; monitor: string };

describe('amend: a synced record corrected, queued again, synced as an amendment (Chromium)', () => {
  let fixtures: FixtureServer;
  let backend: RunningServer;
  let context: BrowserContext;
  let page: Page;
  let extId: string;
  let id = '';
  const work = mkdtempSync(join(tmpdir(), 'asn-e2e-amend-'));

  before(async () => {
    ({ fixtures, backend, context, extId, page } = await startSyncRig('amend', TOKEN));
  });
  after(async () => {
    await stopSyncRig({ fixtures, backend, context });
    rmSync(work, { recursive: true, force: true });
  });

  const record = async () => (await readStore(await serviceWorker(context), { blobs: false })).records.find((r) => r.id === id);
  /** An extension page sends a background message, as the review form does. */
  const sendFromPage = async (msg: unknown): Promise<unknown> => {
    const p = await context.newPage();
    try {
      await p.goto(`chrome-extension://${extId}/popup.html`);
      return await p.evaluate((m) => chrome.runtime.sendMessage(m), msg);
    } finally {
      await p.close();
    }
  };

  it('flags and saves a record; it syncs', async () => {
    assert.equal(extensionId(await serviceWorker(context)), extId);
    id = await flagAndSave(context, page, '#comment-budi');
    await until(async () => (await record())?.status === 'synced', 'first sync', 45_000);
    const row = await backend.storage.get(id);
    assert.ok(row, 'the server stored it');
    assert.equal(row.version, 1);
  });

  it('a synced record is not changed without amend: the answer says, in Indonesian, how to correct it', async () => {
    const res = await sendFromPage({ type: 'save-evidence', id, patch: { subject: { agency: AGENCY } }, finalize: false }) as { ok: boolean; message: string };
    assert.equal(res.ok, false);
    assert.match(res.message, /sudah terkirim ke server.*Koreksi/);
    assert.doesNotMatch(res.message, /synced|sending/);
    const rec = await record();
    assert.equal(rec.status, 'synced');
    assert.notEqual(rec.record.subject.agency, AGENCY);
  });

  it('the correction (amend: true) is a signed edit; the record goes queued, then synced again with a second receipt', async () => {
    // Hold the first attempt (503), so the record is seen waiting in the queue before the amendment is stored.
    await fetch(`${backend.url}/__test/faults`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ faults: [{ type: 'status', status: 503, count: 1, retryAfter: '2' }] }) });
    const before = await record();
    const res = await sendFromPage({ type: 'save-evidence', id, patch: { subject: { agency: AGENCY } }, finalize: false, amend: true });
    assert.deepEqual(res, { ok: true, status: 'queued', changed: true, amended: true });
    const queued = await until(async () => {
      const r = await record();
      return r?.status === 'queued' && r.sync.lastError?.status === 503 ? r : null;
    }, 'queued again (held by the 503)', 20_000);
    assert.equal(queued.record.subject.agency, AGENCY);
    const rec = await until(async () => {
      const r = await record();
      return r?.status === 'synced' ? r : null;
    }, 'synced again', 45_000);

    const custody = rec.custody as Custody[];
    const n = (before.custody as Custody[]).length;
    assert.deepEqual(custody.slice(n).map((c) => c.action), ['edit', 'sync'], 'the correction, then its sync');
    assert.ok(custody.every((c) => c.keyId && c.sig), 'every custody entry is signed');
    const syncs = custody.filter((c) => c.action === 'sync');
    assert.equal(syncs.length, 2, 'two sync entries');
    assert.ok(syncs.every((c) => c.details?.receipt?.serverKey.kid === backend.serverKey.kid), 'each keeps a server-signed receipt');
    const [r1, r2] = syncs.map(receiptBody) as [ReturnType<typeof receiptBody>, ReturnType<typeof receiptBody>];
    assert.equal(r2.custodyLength, n + 1, 'the second receipt covers the log up to the correction');
    assert.equal(r2.custodyHead, custody[n]!.hash);
    assert.ok(r1.custodyLength < r2.custodyLength);
    assert.equal(rec.sync.receipt.receivedAt, r2.receivedAt, 'the record keeps the amendment\'s receipt');

    // The server holds the corrected content, the new receipt, and the version it replaced.
    const row = await backend.storage.get(id);
    assert.ok(row);
    assert.equal(row.version, 2);
    assert.equal(JSON.parse(row.recordJson).subject.agency, AGENCY);
    assert.equal(JSON.parse(row.receiptJson).payload, syncs[1]!.details!.receipt!.payload, 'the server row carries the receipt the extension kept');
    assert.equal(JSON.parse(JSON.parse(row.receiptJson).payload).custodyLength, n + 1);
    const versions = await backend.storage.versions(id);
    assert.equal(versions.length, 1);
    assert.equal(versions[0]!.version, 1);
    assert.notEqual(JSON.parse(versions[0]!.recordJson).subject.agency, AGENCY);
    assert.equal(JSON.parse(JSON.parse(versions[0]!.receiptJson).payload).custodyLength, r1.custodyLength);
    assert.equal(JSON.parse(versions[0]!.receiptJson).payload, syncs[0]!.details!.receipt!.payload, 'the first receipt is kept with the first version');
  });

  it('an exported bundle of the corrected record verifies with the CLI, both receipts trusted', async () => {
    const zip = join(work, 'bundle.zip');
    await exportAllFromManager(context, extId, zip);

    const health = await (await fetch(`${backend.url}/v1/health`)).json() as { serverKey: { kid: string } };
    const keyFile = join(work, 'server-key.json');
    writeFileSync(keyFile, JSON.stringify(health));
    const rec = await record();
    const times = (rec.custody as Custody[]).filter((c) => c.action === 'sync').map((c) => receiptBody(c).receivedAt);
    const cli = spawnSync(process.execPath, [join(ROOT, 'bin/asn-evidence.mjs'), 'verify', zip, '--server-key', keyFile, '--lang', 'en'], { encoding: 'utf8' });
    assert.equal(cli.status, 0, cli.stdout + cli.stderr);
    assert.match(cli.stdout, /RESULT: bundle VALID/);
    for (const at of times) {
      assert.match(cli.stdout, new RegExp(`received by server ${health.serverKey.kid.slice(0, 16)} at ${at.replace(/\./g, '\\.')} from monitor rahmat, installation [0-9a-f]{16} \\(trusted server key\\)`));
    }
    assert.match(cli.stdout, new RegExp(`changed by the monitor after capture: subject.agency: [^\\n]* -> "${AGENCY}"`));
    const py = spawnSync('python3', [join(ROOT, 'tools/verify_bundle.py'), zip, '--server-key', health.serverKey.kid], { encoding: 'utf8' });
    assert.equal(py.status, 0, py.stdout + py.stderr);
  });
});
