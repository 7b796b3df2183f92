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
  clickInPageFlag, extensionId, inPageState, inspectPng, launchChromium, newReview, readStore, serviceWorker,
  startFixtureServer, tempProfile, until, type FixtureServer, fillMonitorIfAsked,
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
    await page.bringToFront();
    const pageHtml = async () => page.evaluate(() => {
      const own = Array.from(document.documentElement.children).filter((e) => !e.localName.startsWith('asn-evidence-overlay'));
      return own.map((e) => e.outerHTML).join('');
    });
    const html = await pageHtml();
    // The content script found Budi's name link (and nobody else) and draws its mark over it, in
    // its own closed shadow root.
    const state = await until(async () => {
      const s = await inPageState(context, page);
      return s.marks.length > 0 ? s : null;
    }, 'the mark on the watched commenter', 10_000);
    assert.equal(state.watched, 1, 'nobody else is marked');
    assert.equal(state.marks.length, 1);
    const link = await page.$eval('#comment-budi a[href*="profile.php"]', (a) => {
      const r = a.getBoundingClientRect();
      return { left: r.left, top: r.top, width: r.width, height: r.height, text: a.textContent, dpr: devicePixelRatio };
    });
    for (const k of ['left', 'top', 'width', 'height'] as const) {
      assert.ok(Math.abs(state.marks[0]![k] - link[k]) < 0.5, `the mark sits on the name link (${k})`);
    }
    assert.equal(link.text, 'Budi Santoso', 'page text untouched');
    // The page sees none of it: its own DOM is as served (no attribute, class or style added).
    assert.equal(await pageHtml(), html);
    assert.equal(await page.evaluate(() => document.querySelectorAll('[data-asn-watch], style[data-asn-watch-style]').length), 0);

    // What the monitor sees: a dashed red box around the name and the red "ASN" badge beside it;
    // nothing around an unwatched name.
    const RED: [number, number, number] = [190, 18, 60];
    const isRed = (p: [number, number, number]) => p.every((c, i) => Math.abs(c - RED[i]!) < 40);
    const around = (r: { left: number; top: number; width: number; height: number }) => {
      const pts: Array<[number, number]> = [];
      for (let y = r.top - 2; y <= r.top + r.height + 2; y += 1) pts.push([(r.left - 2) * link.dpr, y * link.dpr]);
      for (let x = r.left + r.width + 4; x < r.left + r.width + 24; x += 1) pts.push([x * link.dpr, (r.top + r.height / 2) * link.dpr]);
      return pts;
    };
    const sinta = await page.$eval('#comment-sinta a[href*="sinta"]', (a) => a.getBoundingClientRect().toJSON());
    const shot = (await page.screenshot()).toString('base64');
    const seen = await inspectPng(page, shot, [...around(link), ...around(sinta)]);
    const n = around(link).length;
    assert.ok(seen.pixels.slice(0, n).filter(isRed).length >= 5, 'the watched name is marked on screen');
    assert.equal(seen.pixels.slice(n).filter(isRed).length, 0, 'the unwatched name is not');

    const before = new Set(context.pages());
    await clickInPageFlag(page, '#comment-budi');
    const review = await newReview(context, before);
    await review.waitForSelector('#f-subject-nip');
    assert.equal(await review.inputValue('#f-subject-nip'), BUDI_NIP);
    assert.equal(await review.inputValue('#f-subject-agency'), 'Dinas Pendidikan Kab. Contoh');
    assert.equal(await review.inputValue('#f-subject-name'), 'Budi Santoso, S.Pd.');
    assert.equal(await review.inputValue('#f-subject-employmentType'), 'PNS');
    assert.equal(await review.inputValue('#f-candidate'), 'Nomor urut 2 - Dedi Wahyudi - Eka Putri');
    assert.equal(await review.inputValue('#f-election'), 'Pilkada Kab. Contoh 2024');
    await fillMonitorIfAsked(review);
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
    // The marks were hidden for the capture (the screenshots show the page as it was) and are back
    // afterwards.
    const { blobs } = await readStore(await serviceWorker(context));
    const full = await inspectPng(page, blobs[`${id}/full.png`]!.base64, around(link));
    assert.equal(full.pixels.filter(isRed).length, 0, 'no mark in the captured screenshot');
    const after = await until(async () => {
      const s = await inPageState(context, page);
      return !s.capturing && s.marks.length === 1 ? s : null;
    }, 'the mark back after the capture');
    assert.equal(after.toast?.kind, 'ok');
    await review.close();
    await page.close();
  });
});
