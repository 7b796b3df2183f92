/**
 * The watchlist (daftar pantau) in a real Chromium with the built extension: a CSV with bad rows
 * imports nothing and names every bad row; a good CSV (semicolons, BOM, Indonesian headers) is
 * imported through the page; an election with a campaign account is added in the editor; on a
 * page served as www.facebook.com the watched commenter's name is marked; flagging the comment
 * pre-fills the form from the watchlist and the stored record names the candidate.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContext } from 'playwright-core';
import {
  extensionId, launchChromium, readStore, serviceWorker, startFixtureServer, tempProfile, waitForPage,
  type FixtureServer,
} from './support';

const POST_URL =
  'https://www.facebook.com/permalink.php?story_fbid=pfbid0E2eTestPostAbCdEfGhIjKlMnOpQrStUvWxYz123&id=100064405103773';
const BUDI_NIP = '198503122010011002';

const BAD_CSV = [
  'nama;nip;instansi;status;akun',
  'Budi Santoso;198503122010011002;Dinas A;PNS;https://www.facebook.com/profile.php?id=100012345678901',
  'Citra;19850230201001100;Dinas C;PNS;fb:citra',
  'Dodi;198503122010013002;Dinas D;PNS;@dodi',
].join('\r\n');

const GOOD_CSV = '\ufeff' + [
  'Nama;NIP;Instansi;Jabatan;Pangkat;Status;Akun',
  `"Budi Santoso, S.Pd.";"19850312 201001 1 002";"Dinas Pendidikan Kab. Contoh";Guru Ahli Muda;"Penata (III/c)";PNS;"https://www.facebook.com/profile.php?id=100012345678901 | ig:budi_s"`,
  'Rina Kusuma;199001012015032001;BKPSDM Kab. Contoh;Analis SDM;Penata Muda (III/a);PPPK;https://www.facebook.com/rina.kusuma.watched',
].join('\r\n') + '\r\n';

describe('watchlist (Chromium)', () => {
  let server: FixtureServer;
  let context: BrowserContext;
  let extId: string;

  before(async () => {
    server = await startFixtureServer();
    server.route('www.facebook.com', '/permalink.php', 'facebook-permalink.html');
    context = await launchChromium(tempProfile('watchlist'), server.port);
    extId = extensionId(await serviceWorker(context));
  });
  after(async () => {
    await context?.close();
    await server?.close();
  });

  it('imports nothing from a CSV with bad rows and lists each one', async () => {
    const page = await context.newPage();
    await page.goto(`chrome-extension://${extId}/watchlist.html`);
    await page.setInputFiles('#csv-file', { name: 'pantau.csv', mimeType: 'text/csv', buffer: Buffer.from(BAD_CSV) });
    await page.waitForSelector('#csv-errors');
    const items = await page.$$eval('#csv-errors li', (lis) => lis.map((li) => [li.getAttribute('data-line'), li.textContent]));
    assert.deepEqual(items.map((i) => i[0]), ['3', '4', '4']);
    assert.match(items[0]![1]!, /^Baris 3: NIP "19850230201001100" harus 18 angka\.$/);
    assert.match(items[1]![1]!, /^Baris 4: .*jenis kelamin/);
    assert.match(items[2]![1]!, /^Baris 4: Akun "@dodi"/);
    assert.equal(await page.locator('#csv-import').count(), 0, 'no import button');
    assert.ok(await page.locator('#wl-empty').isVisible(), 'the watchlist is still empty');
    await page.close();
  });

  it('imports a good CSV and adds an election with a campaign account', async () => {
    const page = await context.newPage();
    await page.goto(`chrome-extension://${extId}/watchlist.html`);
    await page.setInputFiles('#csv-file', { name: 'pantau.csv', mimeType: 'text/csv', buffer: Buffer.from(GOOD_CSV) });
    await page.waitForSelector('#csv-ready');
    assert.match(await page.textContent('#csv-ready') ?? '', /2 baris valid: 2 ASN baru/);
    await page.click('#csv-import');
    await page.waitForSelector('#csv-done');
    await page.waitForSelector('#wl-table tbody tr');
    assert.equal(await page.locator('#wl-table tbody tr').count(), 2);
    assert.equal(await page.textContent('#wl-table tbody tr:first-child [data-col=nip]'), BUDI_NIP);

    await page.click('#e-add');
    const el = page.locator('[data-election-id]').first();
    await el.locator('.e-name').fill('Pilkada Kab. Contoh 2024');
    await el.locator('.e-date').fill('2024-11-27');
    await el.locator('.c-add').click();
    await el.locator('.c-ballot').fill('2');
    await el.locator('.c-name').fill('Dedi Wahyudi - Eka Putri');
    await el.locator('.c-accounts').fill('https://www.facebook.com/dinascontoh');
    await page.click('#e-save');
    await page.waitForSelector('#e-saved');
    const sw = await serviceWorker(context);
    const stored = await sw.evaluate(() => chrome.storage.local.get(['watchlistKeys', 'elections'])) as Record<string, any>;
    assert.deepEqual(stored.watchlistKeys.keys, [
      'facebook.com/profile.php?id=100012345678901', 'facebook.com/rina.kusuma.watched', 'instagram.com/budi_s',
    ]);
    assert.equal(stored.elections[0].candidates[0].ballotNumber, 2);
    await page.close();
  });

  it('marks the watched commenter and pre-fills the form when the comment is flagged', async () => {
    const page = await context.newPage();
    await page.goto(POST_URL);
    const mark = page.locator('#comment-budi a[data-asn-watch]');
    await mark.waitFor({ state: 'attached', timeout: 10_000 });
    assert.equal(await mark.textContent(), 'Budi Santoso', 'page text untouched');
    assert.equal(await page.locator('[data-asn-watch]').count(), 1, 'nobody else is marked');
    const badge = await mark.evaluate((a) => getComputedStyle(a, '::after').content);
    assert.equal(badge, '"ASN"');
    assert.equal(await page.locator('style[data-asn-watch-style]').count(), 1);

    await page.bringToFront();
    await page.hover('#comment-budi', { position: { x: 40, y: 30 } });
    const button = page.locator('asn-evidence-overlay button');
    await button.waitFor({ state: 'visible', timeout: 5000 });
    await button.click();
    const review = await waitForPage(context, /\/review\.html\?id=/);
    await review.waitForSelector('#f-subject-nip');
    assert.equal(await review.inputValue('#f-subject-nip'), BUDI_NIP);
    assert.equal(await review.inputValue('#f-subject-agency'), 'Dinas Pendidikan Kab. Contoh');
    assert.equal(await review.inputValue('#f-subject-name'), 'Budi Santoso, S.Pd.');
    assert.equal(await review.inputValue('#f-subject-employmentType'), 'PNS');
    assert.equal(await review.inputValue('#f-candidate'), 'Nomor urut 2 - Dedi Wahyudi - Eka Putri');
    assert.equal(await review.inputValue('#f-election'), 'Pilkada Kab. Contoh 2024');
    await review.click('#save');
    await review.waitForSelector('#save-ok', { timeout: 10_000 });
    const id = new URL(review.url()).searchParams.get('id');

    const { records } = await readStore(await serviceWorker(context));
    const rec = records.find((r) => r.id === id)!.record;
    assert.deepEqual(rec.subject, {
      name: 'Budi Santoso, S.Pd.', accountUrl: 'https://www.facebook.com/profile.php?id=100012345678901',
      handle: null, nip: BUDI_NIP, agency: 'Dinas Pendidikan Kab. Contoh', position: 'Guru Ahli Muda',
      rank: 'Penata (III/c)', employmentType: 'PNS',
    });
    assert.equal(rec.violation.candidate, 'Nomor urut 2 - Dedi Wahyudi - Eka Putri');
    assert.equal(rec.violation.election, 'Pilkada Kab. Contoh 2024');
    for (const f of ['subject.nip', 'subject.agency', 'subject.name', 'violation.candidate']) {
      assert.equal(rec.fieldSources[f], 'user', f);
    }
    // The marks were hidden for the capture and are back afterwards.
    await page.locator('asn-evidence-overlay .toast').waitFor({ state: 'visible' });
    assert.equal(await page.locator('style[data-asn-watch-style]').getAttribute('media'), null);
    await review.close();
    await page.close();
  });
});
