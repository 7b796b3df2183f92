/**
 * The team's knowledge reaches the monitor (issue 15), in a real Chromium with the built
 * extension and a fake team server implementing GET /v1/team/known as documented
 * (docs/openapi.yaml; the real route is built server-side):
 * - the watched commenter's in-page mark says "sudah 3 temuan tim", and the page's own script
 *   cannot read those words (not in its DOM, its text, window.find, a selection; the shadow root
 *   is closed);
 * - the review form of a flag on that ASN shows "Sudah 3 temuan tim untuk ASN ini (terakhir
 *   12 Nov 2026)." near the ASN fields, asked by the background with the token;
 * - with the server unreachable, a form whose ASN was never fetched shows nothing and stays
 *   usable; a form whose ASN was fetched once shows the cached count, with "per <tanggal>" once
 *   the cached answer is older than 12 h.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrowserContext, Page } from 'playwright-core';
import {
  axeViolations, clickInPageFlag, E2E_POST_URL, extensionId, inPageState, launchChromium, newReview, serviceWorker,
  sleep, startFixtureServer, tempProfile, until, type FixtureServer,
} from './support';

const TOKEN = 'e2e-team-token-5b1f';
const BUDI_NIP = '198503122010011002';
const BUDI_FB = 'https://www.facebook.com/profile.php?id=100012345678901';
const BUDI_KEY = 'https://facebook.com/profile.php?id=100012345678901';
const SINTA_KEY = 'https://facebook.com/sinta.dewi.77';

/** What the fake team server knows (per key) and every request it got. */
const KNOWN: Record<string, { findings: number; open: number; lastAt: string | null }> = {
  [BUDI_NIP]: { findings: 3, open: 1, lastAt: '2026-11-12T03:00:00Z' },
  [BUDI_KEY]: { findings: 3, open: 1, lastAt: '2026-11-12T03:00:00Z' },
  [SINTA_KEY]: { findings: 2, open: 2, lastAt: '2026-11-10T03:00:00Z' },
};
interface Seen { method: string; url: URL; auth: string | undefined; origin: string | undefined; referer: string | undefined }

function startTeamServer(): Promise<{ server: Server; url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const cors = { 'access-control-allow-origin': '*' };
  const server = createServer((req: IncomingMessage, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    seen.push({ method: req.method ?? '', url, auth: req.headers.authorization, origin: req.headers.origin, referer: req.headers.referer });
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...cors, 'access-control-allow-methods': 'GET, POST, OPTIONS', 'access-control-allow-headers': 'authorization, content-type, idempotency-key', 'access-control-max-age': '600' }).end();
      return;
    }
    const send = (status: number, body: unknown) => res.writeHead(status, { ...cors, 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (url.pathname === '/v1/health') return send(200, { ok: true, version: 'fake-team' });
    if (url.pathname !== '/v1/team/known' || req.method !== 'GET') return send(404, { error: 'not found' });
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return send(401, { error: 'token refused' });
    const keys = [...url.searchParams.getAll('nip'), ...url.searchParams.getAll('account')];
    if (keys.length > 100) return send(400, { error: 'too many keys' });
    send(200, { known: keys.filter((k) => KNOWN[k]).map((key) => ({ key, ...KNOWN[key]! })) });
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen })));
}

describe('team knowledge in the form and on the marks (Chromium)', () => {
  let fixtures: FixtureServer;
  let team: Awaited<ReturnType<typeof startTeamServer>>;
  let context: BrowserContext;
  let extId: string;
  let page: Page;
  let budiRecord = '';

  before(async () => {
    fixtures = await startFixtureServer();
    fixtures.route('www.facebook.com', '/permalink.php', 'facebook-permalink.html');
    team = await startTeamServer();
    context = await launchChromium(tempProfile('team-knowledge'), fixtures.port);
    const sw = await serviceWorker(context);
    extId = extensionId(sw);
    // Sync set up and one watched ASN, as the options and watchlist pages store them.
    await sw.evaluate(async ([url, token, fb, nip]) => {
      await chrome.storage.local.set({
        settings: { monitor: { name: 'Pengawas Uji', nip: '', unit: '' }, language: 'id', inpageButtons: true },
        backend: { baseUrl: url, token, retentionDays: 0 },
        watchlist: [{
          id: 'w-budi', name: 'Budi Santoso, S.Pd.', nip, agency: 'Dinas Pendidikan Kab. Contoh', position: null, rank: null,
          employmentType: 'PNS', accounts: [fb], addedAt: '2026-11-01T00:00:00Z', updatedAt: '2026-11-01T00:00:00Z',
        }],
        watchlistKeys: { enabled: true, keys: ['facebook.com/profile.php?id=100012345678901'] },
      });
    }, [team.url, TOKEN, BUDI_FB, BUDI_NIP] as const);
    page = await context.newPage();
  });
  after(async () => {
    await context?.close();
    await new Promise((r) => team?.server.close(r));
    await fixtures?.close();
  });

  it("the watched commenter's mark says the team's count, and the page cannot read it", async () => {
    // The background asked the server about the watchlist and left the words for the content script.
    const sw = await serviceWorker(context);
    await until(async () => {
      const v = (await sw.evaluate(() => chrome.storage.local.get('teamMarks'))) as { teamMarks?: { labels: Record<string, string> } };
      return v.teamMarks?.labels['facebook.com/profile.php?id=100012345678901'] === 'sudah 3 temuan tim';
    }, 'the words for the mark', 15_000);
    const asked = team.seen.filter((s) => s.url.pathname === '/v1/team/known' && s.method === 'GET');
    assert.ok(asked.length >= 1);
    for (const s of asked) {
      assert.equal(s.auth, `Bearer ${TOKEN}`);
      assert.ok(!s.origin || s.origin.startsWith('chrome-extension://'), `asked by the extension, not a page (origin ${s.origin})`);
      assert.ok(!s.referer?.includes('facebook'), 'no page referer');
    }
    // What a content script could read of it (the words and the cache) holds no token.
    const readable = await sw.evaluate(() => chrome.storage.local.get(['teamMarks', 'teamKnowledge']));
    assert.ok(JSON.stringify(readable).includes('temuan'));
    assert.ok(!JSON.stringify(readable).includes(TOKEN), 'no token in what the content script can read');
    assert.deepEqual(asked[0]!.url.searchParams.getAll('nip'), [BUDI_NIP]);
    assert.deepEqual(asked[0]!.url.searchParams.getAll('account'), [BUDI_KEY]);

    await page.goto(E2E_POST_URL);
    await page.bringToFront();
    const state = await until(async () => {
      const s = await inPageState(context, page);
      return s.marks.length === 1 && s.marks[0]!.label ? s : null;
    }, 'the mark with the team words', 15_000);
    assert.equal(state.marks[0]!.label, 'sudah 3 temuan tim');

    // The page's own script: none of it is readable.
    const seenByPage = await page.evaluate(() => {
      const host = Array.from(document.documentElement.children).find((e) => e.localName.startsWith('asn-evidence-overlay'));
      const sel = getSelection()!;
      sel.selectAllChildren(document.documentElement);
      const selected = sel.toString();
      sel.removeAllRanges();
      return {
        hostFound: !!host,
        shadow: host ? host.shadowRoot === null : null,
        html: document.documentElement.outerHTML,
        text: document.documentElement.innerText + (document.documentElement.textContent ?? ''),
        found: (window as unknown as { find(s: string): boolean }).find('temuan'),
        selected,
      };
    });
    assert.ok(seenByPage.hostFound);
    assert.equal(seenByPage.shadow, true, 'the shadow root is closed');
    for (const what of ['html', 'text', 'selected'] as const) assert.doesNotMatch(seenByPage[what], /temuan|finding/i, what);
    assert.equal(seenByPage.found, false, 'window.find does not find the words');

    // What the monitor sees: the badge beside the name is wider than the bare "ASN" badge (the words are drawn).
    const link = await page.$eval('#comment-budi a[href*="profile.php"]', (a) => a.getBoundingClientRect().toJSON() as DOMRect);
    const shot = await page.screenshot({ clip: { x: link.right, y: link.top, width: 200, height: link.height } });
    const red = await page.evaluate(async (b64) => {
      const bmp = await createImageBitmap(new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], { type: 'image/png' }));
      const c = new OffscreenCanvas(bmp.width, bmp.height);
      const ctx = c.getContext('2d')!;
      ctx.drawImage(bmp, 0, 0);
      const d = ctx.getImageData(0, 0, bmp.width, bmp.height).data;
      const y = Math.floor(bmp.height / 2);
      let last = -1;
      for (let x = 0; x < bmp.width; x++) {
        const i = (y * bmp.width + x) * 4;
        if (Math.abs(d[i]! - 190) < 40 && d[i + 1]! < 60 && Math.abs(d[i + 2]! - 60) < 40) last = x;
      }
      return { last, dpr: devicePixelRatio };
    }, shot.toString('base64'));
    assert.ok(red.last / red.dpr > 80, `the badge reaches ${red.last / red.dpr}px right of the name (words drawn)`);
  });

  it('the review form shows the notice near the ASN fields', async () => {
    const before = new Set(context.pages());
    await clickInPageFlag(page, '#comment-budi');
    const review = await newReview(context, before);
    budiRecord = new URL(review.url()).searchParams.get('id')!;
    await review.waitForSelector('#f-subject-nip');
    assert.equal(await review.inputValue('#f-subject-nip'), BUDI_NIP);
    await review.waitForSelector('#team-notice', { timeout: 10_000 });
    assert.equal(await review.textContent('#team-notice-main'), 'Sudah 3 temuan tim untuk ASN ini (terakhir 12 Nov 2026).');
    assert.match(await review.textContent('#team-notice') ?? '', /1 di antaranya masih diproses tim\./);
    assert.equal(await review.locator('#team-notice-asof').count(), 0, 'fresh: no "per <tanggal>"');
    assert.deepEqual(await axeViolations(review), []);
    // near the ASN fields: right under the ASN section's heading, above the name field
    const order = await review.evaluate(() => {
      const h = Array.from(document.querySelectorAll('#record-fields h2'))[0]!;
      const notice = document.getElementById('team-notice')!;
      const name = document.getElementById('f-subject-name')!;
      return [h.compareDocumentPosition(notice) & Node.DOCUMENT_POSITION_FOLLOWING, notice.compareDocumentPosition(name) & Node.DOCUMENT_POSITION_FOLLOWING, h.textContent];
    });
    const FOLLOWING = 4; // Node.DOCUMENT_POSITION_FOLLOWING
    assert.deepEqual(order, [FOLLOWING, FOLLOWING, 'ASN yang dilaporkan']);
    await review.close();
  });

  it('the watchlist page shows the count in its own column, and has no accessibility violations', async () => {
    const wl = await context.newPage();
    await wl.goto(`chrome-extension://${extId}/watchlist.html`);
    await wl.waitForSelector('#wl-table tbody tr');
    await until(async () => (await wl.textContent('#wl-table tbody tr [data-col=team]')) === 'sudah 3 temuan tim', 'the team column', 10_000);
    assert.equal(await wl.textContent('#wl-table thead th:nth-child(8)'), 'Temuan tim');
    assert.deepEqual(await axeViolations(wl), []);
    await wl.close();
  });

  it('server unreachable: nothing for an ASN never fetched (the form stays usable); the cached count for one fetched, with its date once old', async () => {
    await new Promise((r) => team.server.close(r));
    team.server.closeAllConnections();

    // Sinta is known to the server, but was never asked about: nothing to show offline.
    const before = new Set(context.pages());
    await clickInPageFlag(page, '#comment-sinta');
    const review = await newReview(context, before);
    await review.waitForSelector('#record-fields');
    assert.match(await review.inputValue('#f-subject-accountUrl'), /sinta\.dewi\.77/);
    await review.fill('#f-subject-name', 'Sinta Dewi');
    await sleep(3000);
    assert.equal(await review.locator('#team-notice').count(), 0, 'no notice offline without a cached answer');
    assert.equal(await review.locator('.msg.error').count(), 0, 'nothing alarming');
    assert.ok(await review.locator('#save').isEnabled(), 'the form is not blocked');
    await review.close();

    // Budi was fetched once: the cached count, without a date while fresh.
    const open = async () => {
      const p = await context.newPage();
      await p.goto(`chrome-extension://${extId}/review.html?id=${budiRecord}`);
      await p.waitForSelector('#record-fields');
      return p;
    };
    let again = await open();
    await again.waitForSelector('#team-notice', { timeout: 10_000 });
    assert.equal(await again.textContent('#team-notice-main'), 'Sudah 3 temuan tim untuk ASN ini (terakhir 12 Nov 2026).');
    await again.close();

    // Thirteen hours later (the cached answers aged): still shown, with the date of the data.
    const sw = await serviceWorker(context);
    const fetchedAt = await sw.evaluate(async () => {
      const { teamKnowledge } = await chrome.storage.local.get('teamKnowledge') as { teamKnowledge: { entries: Record<string, { at: number }> } };
      for (const e of Object.values(teamKnowledge.entries)) e.at -= 13 * 3600_000;
      await chrome.storage.local.set({ teamKnowledge });
      return Object.values(teamKnowledge.entries)[0]!.at;
    });
    again = await open();
    await again.waitForSelector('#team-notice-asof', { timeout: 10_000 });
    assert.equal(await again.textContent('#team-notice-main'), 'Sudah 3 temuan tim untuk ASN ini (terakhir 12 Nov 2026).');
    const d = new Date(fetchedAt);
    const bulan = ['Jan', 'Feb', 'Mar', 'Apr', 'Mei', 'Jun', 'Jul', 'Agu', 'Sep', 'Okt', 'Nov', 'Des'];
    const local = await again.evaluate((ms) => { const x = new Date(ms); return [x.getDate(), x.getMonth(), x.getFullYear()]; }, d.getTime());
    assert.equal(await again.textContent('#team-notice-asof'),
      `Data per ${local[0]} ${bulan[local[1]!]} ${local[2]}: belum bisa diperbarui karena tidak tersambung ke server.`);
    await again.close();

    // The mark says the same, with its date, and still only inside the closed root.
    const state = await until(async () => {
      const s = await inPageState(context, page);
      return s.marks[0]?.label?.includes('per') ? s : null;
    }, 'the dated words on the mark', 15_000);
    assert.match(state.marks[0]!.label!, /^sudah 3 temuan tim \(per \d{1,2} \w{3} \d{4}\)$/);
    assert.equal(await page.evaluate(() => document.documentElement.outerHTML.includes('temuan')), false);
  });
});
