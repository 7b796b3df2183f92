/**
 * Posko Timwas end to end (issue 15), in real Chromium: two monitors' extensions flag the same
 * comments and sync to one team server; the coordinator signs in to the workspace, sees both
 * monitors' records, merges the duplicate into one finding, moves it through the workflow, exports
 * the ASN's bundle, and the CLI verifies it against the server key; an auditor reads and cannot
 * change; a monitor cannot read the other monitor's records or the register.
 *
 * Run twice: against the embedded default (one process, PGlite) and against PostgreSQL with two
 * server processes (monitor A syncs to one, monitor B to the other; the coordinator works on both).
 * The PostgreSQL run needs TEST_DATABASE_URL (CI sets it); without it, it is skipped with a message.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../server/app';
import { spawnServer, type ChildServer } from '../../server/test/child';
import { pgSchema } from '../../server/test/pg-schema';
import {
  axeViolations, configureBackend, E2E_POST_URL, extensionId, flagAndSave, launchChromium, readStore, ROOT, serviceWorker,
  startFixtureServer, tempProfile, until, which, type FixtureServer,
} from './support';

const PG_URL = process.env.TEST_DATABASE_URL;
const NIP = '198503122010011002';
const TOKENS = {
  rahmat: 'e2e-ws-token-rahmat-0001',
  sinta: 'e2e-ws-token-sinta-0002',
  koordinator: 'e2e-ws-token-koord-0003',
  auditor: 'e2e-ws-token-audit-0004',
};
const TOKEN_CONFIG = [
  { monitor: 'rahmat', token: TOKENS.rahmat },
  { monitor: 'sinta', token: TOKENS.sinta },
  { monitor: 'koordinator', token: TOKENS.koordinator, role: 'coordinator' },
  { monitor: 'auditor', token: TOKENS.auditor, role: 'auditor' },
];
const PASSWORD = { koordinator: 'sandi-koordinator-2026', auditor: 'sandi-auditor-2026!' };

interface Backends {
  /** where monitor A syncs / monitor B syncs (the same server in the embedded run) */
  a: string;
  b: string;
  serverKid: string;
  close(): Promise<void>;
}

async function embedded(): Promise<Backends> {
  const server: RunningServer = await startServer({
    port: 0, host: '127.0.0.1', dataDir: mkdtempSync(join(tmpdir(), 'asn-e2e-ws-')), tokens: TOKEN_CONFIG as never,
    log: process.env.E2E_SERVER_LOG ? (l: string) => console.error(`[server] ${l}`) : false,
  });
  return { a: server.url, b: server.url, serverKid: server.serverKey.kid, close: () => server.close() };
}

async function twoProcesses(): Promise<Backends> {
  const schema = await pgSchema(PG_URL!, 'asn_e2e_ws');
  const dir = mkdtempSync(join(tmpdir(), 'asn-e2e-ws-pg-'));
  const config = join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({ tokens: TOKEN_CONFIG }));
  // Two processes, each with its own data folder (no shared disk), one database, one server key file.
  const env = (n: number) => ({
    DATABASE_URL: schema.url, ASN_SERVER_CONFIG: config, ASN_SERVER_KEY_FILE: join(dir, 'server-key.json'),
    ASN_SERVER_DATA: join(dir, `data-${n}`), HOST: '127.0.0.1',
  });
  const one: ChildServer = await spawnServer(env(1));
  const two: ChildServer = await spawnServer(env(2));
  const health = (await (await fetch(`${one.url}/v1/health`)).json()) as { serverKey: { kid: string } };
  const health2 = (await (await fetch(`${two.url}/v1/health`)).json()) as { serverKey: { kid: string } };
  assert.equal(health.serverKey.kid, health2.serverKey.kid, 'both processes sign with the one server key');
  return {
    a: one.url, b: two.url, serverKid: health.serverKey.kid,
    async close() {
      await one.stop();
      await two.stop();
      await schema.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One monitor's browser: the extension, its server settings, the post open. */
async function monitorBrowser(name: string, fixturePort: number, server: string, token: string, postUrl: string): Promise<{ context: BrowserContext; page: Page; extId: string }> {
  const context = await launchChromium(tempProfile(`ws-${name}`), fixturePort);
  const extId = extensionId(await serviceWorker(context));
  assert.equal(await configureBackend(context, extId, server, token), 'connected');
  const page = await context.newPage();
  await page.goto(postUrl);
  return { context, page, extId };
}

/** Flag, optionally type the NIP, save; returns the record id. */
const flag = (context: BrowserContext, page: Page, selector: string, nip?: string): Promise<string> =>
  flagAndSave(context, page, selector, nip ? (review) => review.fill('#f-subject-nip', nip) : undefined);

const synced = async (context: BrowserContext, ids: string[]) => until(async () => {
  const store = await readStore(await serviceWorker(context), { blobs: false });
  return ids.every((id) => store.records.find((r) => r.id === id)?.status === 'synced');
}, `records ${ids.join(', ')} synced`, 60_000);

function suite(label: string, start: () => Promise<Backends>) {
  describe(`Posko Timwas, ${label}`, () => {
    let backends: Backends;
    let fixtures: FixtureServer;
    let monA: Awaited<ReturnType<typeof monitorBrowser>>;
    let monB: Awaited<ReturnType<typeof monitorBrowser>>;
    let browser: Browser;
    const work = mkdtempSync(join(tmpdir(), 'asn-e2e-ws-work-'));
    const ids = { aBudi: '', aSinta: '', bBudi: '', bSinta: '' };

    before(async () => {
      backends = await start();
      fixtures = await startFixtureServer();
      fixtures.route('www.facebook.com', '/permalink.php', 'facebook-permalink.html');
      // Monitor B's Facebook showed the same post with Budi's comment under another (legacy) comment id.
      fixtures.route('www.facebook.com', '/story.php', 'facebook-permalink-legacy-id.html');
      monA = await monitorBrowser('a', fixtures.port, backends.a, TOKENS.rahmat, E2E_POST_URL);
      monB = await monitorBrowser('b', fixtures.port, backends.b, TOKENS.sinta, E2E_POST_URL.replace('/permalink.php', '/story.php'));
      browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? which('chromium', 'chromium-browser', 'google-chrome'), args: ['--no-sandbox', '--headless=new'] });
    });
    after(async () => {
      await monA?.context.close();
      await monB?.context.close();
      await browser?.close();
      await fixtures?.close();
      await backends?.close();
      rmSync(work, { recursive: true, force: true });
    });

    it('two monitors flag the same two comments and both sync to the team server', async () => {
      ids.aBudi = await flag(monA.context, monA.page, '#comment-budi', NIP);
      ids.aSinta = await flag(monA.context, monA.page, '#comment-sinta');
      ids.bBudi = await flag(monB.context, monB.page, '#comment-budi');
      ids.bSinta = await flag(monB.context, monB.page, '#comment-sinta');
      await synced(monA.context, [ids.aBudi, ids.aSinta]);
      await synced(monB.context, [ids.bBudi, ids.bSinta]);
    });

    it('a monitor cannot read the other monitor\'s records or the register', async () => {
      const asA = { Authorization: `Bearer ${TOKENS.rahmat}` };
      for (const server of [backends.a, backends.b]) {
        assert.equal((await fetch(`${server}/v1/evidence/${ids.aBudi}`, { headers: asA })).status, 200);
        // another monitor's record is answered as one that does not exist (no existence leak)
        assert.equal((await fetch(`${server}/v1/evidence/${ids.bBudi}`, { headers: asA })).status, 404);
        assert.equal((await fetch(`${server}/v1/subjects`, { headers: asA })).status, 403);
        const list = (await (await fetch(`${server}/v1/evidence`, { headers: asA })).json()) as { records: { id: string }[] };
        assert.deepEqual(list.records.map((r) => r.id).sort(), [ids.aBudi, ids.aSinta].sort());
      }
    });


    /** A signed-in browser page on the workspace (cookies are per host, so one session serves both ports). */
    let coord: Page;
    let coordContext: BrowserContext;
    let budiFinding = 0;
    let budiSubject = 0;
    const text = async (p: Page) => (await p.locator('main').innerText()).replace(/\s+/g, ' ');
    const findingIds = async (p: Page) => [...new Set((await p.$$eval('main a[href^="/posko/temuan/"]', (as) => as.map((a) => a.getAttribute('href')!)))
      .map((h) => Number(/\/posko\/temuan\/(\d+)/.exec(h)![1])))];
    const step = async (p: Page, to: string) => p.locator(`form[action$="/status"]:has(input[name="ke"][value="${to}"])`);

    it('the coordinator creates the first account with the coordinator token, signs in, and sees both monitors\' records', async () => {
      coordContext = await browser.newContext({ acceptDownloads: true });
      coord = await coordContext.newPage();
      await coord.goto(`${backends.b}/posko`);
      assert.match(coord.url(), /\/posko\/masuk/);
      assert.deepEqual(await axeViolations(coord), []);
      await coord.getByLabel(/Token koordinator/i).fill(TOKENS.koordinator);
      await coord.fill('#f-user', 'dina');
      await coord.fill('#f-name', 'Dina Lestari');
      await coord.fill('#f-pass', PASSWORD.koordinator);
      await coord.fill('#f-pass2', PASSWORD.koordinator);
      await coord.locator('form button[type="submit"]').click();
      await coord.waitForURL(/\/posko(\?|$)/);
      const inbox = await text(coord);
      for (const who of ['rahmat', 'sinta']) assert.ok(inbox.includes(who), `the inbox names monitor ${who}`);
      assert.ok(inbox.includes('Budi Santoso') && inbox.includes('Sinta Dewi'), inbox.slice(0, 500));
      assert.equal(await coord.locator(`main a[href="/posko/bukti/${ids.bBudi}"]`).count(), 1, "monitor B's record is in the coordinator's inbox");
      assert.equal(await coord.locator(`main a[href="/posko/bukti/${ids.aBudi}"]`).count(), 1, "monitor A's record is in the coordinator's inbox");
      assert.deepEqual(await axeViolations(coord), []);
    });

    it('the register has one entry per ASN; the same comment seen by both monitors is one finding with two witnesses', async () => {
      await coord.goto(`${backends.b}/posko/asn`);
      assert.deepEqual(await axeViolations(coord), []);
      const budiRow = coord.locator('main tr', { hasText: 'Budi Santoso' });
      assert.equal(await budiRow.count(), 1, 'one register entry for Budi (NIP from monitor A, account from both)');
      assert.equal(await coord.locator('main tr', { hasText: 'Sinta Dewi' }).count(), 1);
      await budiRow.locator('a[href^="/posko/asn/"]').first().click();
      budiSubject = Number(/\/posko\/asn\/(\d+)/.exec(coord.url())![1]);
      assert.ok((await text(coord)).includes(NIP));
      // Monitor B's page named Budi's comment by another id: two findings until the coordinator merges them.
      const findings = await findingIds(coord);
      assert.equal(findings.length, 2, `Budi has two findings before the merge: ${findings}`);
      // Sinta's comment was matched by its comment id: one finding, both monitors as witnesses.
      await coord.goto(`${backends.b}/posko/asn`);
      await coord.locator('main tr', { hasText: 'Sinta Dewi' }).locator('a[href^="/posko/asn/"]').first().click();
      const sinta = await findingIds(coord);
      assert.equal(sinta.length, 1);
      await coord.goto(`${backends.b}/posko/temuan/${sinta[0]}`);
      const page = await text(coord);
      assert.ok(page.includes('rahmat') && page.includes('sinta'), 'both monitors are witnesses');
    });

    it('the coordinator merges the duplicate into one finding, on the other server process', async () => {
      await coord.goto(`${backends.a}/posko/asn/${budiSubject}`);
      const [first, second] = await findingIds(coord);
      await coord.goto(`${backends.a}/posko/temuan/${second}`);
      await coord.selectOption('#f-ke', String(first));
      await coord.locator(`form[action="/posko/temuan/${second}/gabung"] button[type="submit"]`).click();
      await coord.waitForLoadState();
      await coord.goto(`${backends.b}/posko/asn/${budiSubject}`);
      const after = await findingIds(coord);
      assert.deepEqual(after, [first], 'one finding left for Budi');
      budiFinding = first!;
      await coord.goto(`${backends.b}/posko/temuan/${budiFinding}`);
      const page = await text(coord);
      assert.ok(page.includes('rahmat') && page.includes('sinta'), 'the merged finding has both monitors as witnesses');
      assert.deepEqual(await axeViolations(coord), []);
    });

    it('moves the finding through the workflow: diverifikasi, diteruskan (Bawaslu, date, letter), ditindaklanjuti (sanction)', async () => {
      await coord.goto(`${backends.b}/posko/temuan/${budiFinding}`);
      await (await step(coord, 'diverifikasi')).locator('button').click();
      await coord.waitForLoadState();
      await coord.goto(`${backends.a}/posko/temuan/${budiFinding}`);
      const forward = await step(coord, 'diteruskan');
      await forward.locator('select[name="penerima"]').selectOption('bawaslu');
      await forward.locator('input[name="tanggal"]').fill('2026-11-30');
      await forward.locator('input[name="nomor_surat"]').fill('017/PM.00.02/K.JT-10/11/2026');
      await forward.locator('button').click();
      await coord.waitForLoadState();
      await coord.goto(`${backends.b}/posko/temuan/${budiFinding}`);
      const act = await step(coord, 'ditindaklanjuti');
      await act.locator('textarea[name="sanksi"]').fill('Teguran tertulis dari PPK');
      await act.locator('button').click();
      await coord.waitForLoadState();
      await coord.goto(`${backends.a}/posko/temuan/${budiFinding}`);
      const page = await text(coord);
      assert.ok(page.includes('Teguran tertulis dari PPK'), 'the sanction is recorded');
      assert.ok(page.includes('017/PM.00.02/K.JT-10/11/2026'), 'the letter number is recorded');
      assert.equal(await coord.locator('form[action$="/status"]').count(), 0, 'no further step after ditindaklanjuti');
      // Every change is in the signed, hash-chained audit log, and the chain checks out.
      const audit = await (await fetch(`${backends.a}/v1/audit?pageSize=500`, { headers: { Authorization: `Bearer ${TOKENS.auditor}` } })).json() as {
        entries: { action: string; target: string }[]; check: { ok: boolean };
      };
      assert.equal(audit.check.ok, true);
      const mine = audit.entries.filter((e) => e.target === `finding:${budiFinding}`).map((e) => e.action);
      assert.ok(mine.length >= 4, `merge and three status changes logged: ${mine.join(', ')}`);
      assert.ok(audit.entries.some((e) => e.action === 'person.bootstrap' && e.target === 'person:dina'), 'the first coordinator account is in the audit log');
    });

    it("exports the ASN's bundle; the CLI verifies it against the server key and its report lists the history", async () => {
      await coord.goto(`${backends.b}/posko/asn/${budiSubject}`);
      const download = coord.waitForEvent('download');
      await coord.locator(`a[href="/posko/asn/${budiSubject}/ekspor"]`).click();
      const zip = join(work, 'budi.zip');
      await (await download).saveAs(zip);
      const cli = spawnSync(process.execPath, [join(ROOT, 'bin/asn-evidence.mjs'), 'verify', zip, '--server-key', backends.serverKid, '--lang', 'en'], { encoding: 'utf8' });
      assert.equal(cli.status, 0, cli.stdout + cli.stderr);
      assert.match(cli.stdout, /RESULT: bundle VALID/);
      assert.match(cli.stdout, /from monitor rahmat/);
      assert.match(cli.stdout, /from monitor sinta/);
      const files = unzipSync(new Uint8Array(readFileSync(zip)));
      const report = strFromU8(files['report.html']!);
      assert.match(report, /Riwayat temuan tim/);
      assert.match(report, /Teguran tertulis dari PPK/);
      assert.match(report, /Saksi \(pengawas\)<\/th><td>2: rahmat, sinta/);
      const manifest = JSON.parse(strFromU8(files['manifest.json']!)) as { records: { id: string }[] };
      assert.deepEqual(manifest.records.map((r) => r.id).sort(), [ids.aBudi, ids.bBudi].sort(), "the ASN's bundle holds Budi's records only");
    });

    it("the team's knowledge reaches the monitor: monitor B's form says the ASN already has a team finding", async () => {
      const review = await monB.context.newPage();
      await review.goto(`chrome-extension://${monB.extId}/review.html?id=${ids.bBudi}`);
      // Budi has one finding (merged, two witnesses), asked by account: monitor B never typed the NIP.
      await review.waitForSelector('#team-notice-main', { timeout: 20_000 });
      assert.match(await review.locator('#team-notice-main').innerText(), /Sudah 1 temuan tim untuk ASN ini/);
      await review.close();
    });

    it("a record opens to its screenshot, signature and receipt; the pages fit a phone's width", async () => {
      await coord.goto(`${backends.a}/posko/bukti/${ids.bBudi}`);
      const img = coord.locator(`main img[src="/posko/bukti/${ids.bBudi}/gambar"]`);
      await img.waitFor();
      assert.ok(await img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0), 'the screenshot is shown');
      const page = await text(coord);
      assert.ok(page.includes('sinta'), 'names the monitor who sent it');
      assert.ok(page.includes(backends.serverKid.slice(0, 8)), "names the server key that signed the receipt");
      assert.doesNotMatch(page, /Tidak sah/, 'the signature and receipt check out');
      assert.deepEqual(await axeViolations(coord), []);
      const phone = await coordContext.newPage();
      await phone.setViewportSize({ width: 390, height: 844 });
      for (const path of ['/posko', '/posko/asn', `/posko/asn/${budiSubject}`, `/posko/temuan/${budiFinding}`, `/posko/bukti/${ids.aBudi}`, '/posko/tim']) {
        await phone.goto(`${backends.b}${path}`);
        const width = await phone.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(width <= 391, `${path} fits 390 px (scrollWidth ${width})`);
      }
      await phone.close();
    });

    it('a token issued in the workspace lets a new monitor in; revoked, it is refused', async () => {
      await coord.goto(`${backends.b}/posko/tim`);
      await coord.fill('#t-mon', 'wati');
      await coord.fill('#t-label', 'Laptop Wati');
      await coord.locator('form[action="/posko/tim/token"] button[type="submit"]').click();
      await coord.waitForLoadState();
      const token = (await coord.locator('#token').innerText()).trim();
      assert.ok(token.length >= 40, 'the plain token is shown once');
      // it works on the other process too: tokens are in the database
      const who = await fetch(`${backends.a}/v1/whoami`, { headers: { Authorization: `Bearer ${token}` } });
      assert.equal(who.status, 200);
      assert.deepEqual(await who.json(), { monitor: 'wati', role: 'monitor', scopes: ['upload', 'list'] });
      await coord.goto(`${backends.b}/posko/tim`);
      assert.ok(!(await coord.content()).includes(token), 'the team page never shows the token again');
      await coord.locator('main tr', { hasText: 'Laptop Wati' }).locator('form[action="/posko/tim/token/cabut"] button').click();
      await coord.waitForLoadState();
      assert.equal((await fetch(`${backends.a}/v1/whoami`, { headers: { Authorization: `Bearer ${token}` } })).status, 403);
    });

    it("monitor A's second browser waits for approval; the coordinator approves its device key in the workspace; it syncs", async () => {
      const second = await monitorBrowser('a2', fixtures.port, backends.b, TOKENS.rahmat, E2E_POST_URL);
      try {
        const id = await flag(second.context, second.page, '#comment-3');
        const popup = await second.context.newPage();
        await popup.goto(`chrome-extension://${second.extId}/popup.html`);
        await until(async () => {
          await popup.reload();
          return /belum disetujui koordinator/.test(await popup.locator('body').innerText());
        }, 'the popup says the device waits for the coordinator', 45_000);
        const store = await readStore(await serviceWorker(second.context), { blobs: false });
        assert.notEqual(store.records.find((r) => r.id === id)?.status, 'synced');
        // The coordinator sees the pending key under monitor rahmat and approves it.
        await coord.goto(`${backends.a}/posko/tim`);
        const pending = coord.locator('main tr', { hasText: 'rahmat' }).filter({ has: coord.locator('input[name="keputusan"][value="approved"]') });
        assert.equal(await pending.count(), 1, 'one key waits for approval');
        await pending.locator('form:has(input[name="keputusan"][value="approved"]) button').click();
        await coord.waitForLoadState();
        // The monitor resumes from the popup.
        await popup.reload();
        await popup.click('#sync-now');
        await synced(second.context, [id]);
        await popup.close();
      } finally {
        await second.context.close();
      }
    });

    it('an auditor reads everything and cannot change anything; a monitor signed in sees only their own records', async () => {
      // The coordinator adds an auditor and a monitor account in the team page.
      await coord.goto(`${backends.b}/posko/tim`);
      assert.deepEqual(await axeViolations(coord), []);
      for (const [user, role, pass, monitor] of [['sri', 'auditor', PASSWORD.auditor, ''], ['rahmat', 'monitor', 'sandi-rahmat-2026', 'rahmat']] as const) {
        await coord.fill('#p-user', user);
        await coord.fill('#p-name', user);
        await coord.selectOption('#p-role', role);
        if (monitor) await coord.fill('#p-mon', monitor);
        await coord.fill('#p-pass', pass);
        await coord.locator('form[action="/posko/tim/orang"] button[type="submit"]').click();
        await coord.waitForLoadState();
        await coord.goto(`${backends.b}/posko/tim`);
      }
      const signIn = async (user: string, pass: string, server: string) => {
        const ctx = await browser.newContext();
        const p = await ctx.newPage();
        await p.goto(`${server}/posko/masuk`);
        await p.fill('#f-user', user);
        await p.fill('#f-pass', pass);
        await p.locator('form button[type="submit"]').click();
        await p.waitForURL(/\/posko(\?|$)/);
        return { ctx, p };
      };
      const auditor = await signIn('sri', PASSWORD.auditor, backends.a);
      const inbox = await text(auditor.p);
      assert.ok(inbox.includes('rahmat') && inbox.includes('sinta'));
      await auditor.p.goto(`${backends.a}/posko/temuan/${budiFinding}`);
      assert.equal(await auditor.p.locator('form[action$="/status"], form[action$="/gabung"]').count(), 0, 'no change form for an auditor');
      // A change posted anyway (with the auditor's own valid session and CSRF token) is refused.
      // (a form built in the page: the workspace's CSP forbids fetch from its pages)
      const [refused] = await Promise.all([
        auditor.p.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith(`/posko/temuan/${budiFinding}/status`)),
        auditor.p.evaluate((id) => {
          const csrf = (document.querySelector('input[name="_csrf"]') as HTMLInputElement).value;
          const form = document.createElement('form');
          form.method = 'post';
          form.action = `/posko/temuan/${id}/status`;
          for (const [name, value] of Object.entries({ _csrf: csrf, ke: 'ditolak', alasan: 'coba' })) {
            const input = document.createElement('input');
            input.type = 'hidden';
            input.name = name;
            input.value = value;
            form.append(input);
          }
          document.body.append(form);
          form.submit();
        }, budiFinding),
      ]);
      const status = refused.status();
      await auditor.p.waitForLoadState();
      assert.match(await auditor.p.locator('main').innerText(), /Auditor hanya dapat membaca/);
      assert.equal(status, 403);
      await auditor.ctx.close();

      const monitor = await signIn('rahmat', 'sandi-rahmat-2026', backends.b);
      assert.equal(await monitor.p.locator(`main a[href="/posko/bukti/${ids.aBudi}"]`).count(), 1);
      assert.equal(await monitor.p.locator(`main a[href="/posko/bukti/${ids.bBudi}"]`).count(), 0, "another monitor's record is not in a monitor's inbox");
      for (const path of ['/posko/asn', `/posko/bukti/${ids.bBudi}`, `/posko/temuan/${budiFinding}`]) {
        const res = await monitor.p.goto(`${backends.b}${path}`);
        assert.equal(res?.status(), 403, path);
      }
      await monitor.ctx.close();
      // Still ditindaklanjuti: the refused change changed nothing.
      await coord.goto(`${backends.b}/posko/temuan/${budiFinding}`);
      assert.ok((await text(coord)).includes('Teguran tertulis dari PPK'));
      await coordContext.close();
    });
  });
}

suite('embedded server (PGlite, one process)', embedded);
if (PG_URL) suite('PostgreSQL, two server processes', twoProcesses);
else {
  console.warn('[workspace e2e] SKIPPING the PostgreSQL run: set TEST_DATABASE_URL=postgres://user:pass@host/db (CI does).');
  describe('Posko Timwas, PostgreSQL, two server processes', () => {
    it.skip('skipped: set TEST_DATABASE_URL to run it', () => {});
  });
}
