/**
 * Capture latency: a flag from start to durable record (content script asked, visible tab
 * captured, cropped, outlined, hashed, stored with strict durability) against a bare
 * captureVisibleTab call, in the same Chromium, interleaved, calls spaced >= 600 ms apart so
 * Chrome's rate limit never shapes either. Target: p95 ratio <= 1.5.
 */
import { pathToFileURL } from 'node:url';
import { launchChromium, serviceWorker, startFixtureServer, tempProfile } from '../tests/e2e/support';

export interface CaptureBenchResult {
  samples: number; bareP50: number; bareP95: number; flagP50: number; flagP95: number; ratioP50: number; ratioP95: number;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

export async function runCaptureBench({ samples = 20, log = (_: string) => {} } = {}): Promise<CaptureBenchResult> {
  const fixtures = await startFixtureServer();
  fixtures.route('www.facebook.com', '/permalink.php', 'facebook-many-comments.html');
  const context = await launchChromium(tempProfile('bench-capture'), fixtures.port);
  try {
    const sw = await serviceWorker(context);
    const page = await context.newPage();
    await page.goto('https://www.facebook.com/permalink.php?story_fbid=pfbid0E2eTestPostAbCdEfGhIjKlMnOpQrStUvWxYz123&id=100064405103773');
    await page.bringToFront();
    await sw.evaluate('globalThis.__name ??= (f) => f');
    const bare: number[] = [];
    const flag: number[] = [];
    for (let i = 0; i < samples; i++) {
      // A different comment each time (a second flag of the same one is a duplicate); the keyboard
      // command flags the hovered comment.
      await page.hover(`#c${i % 30}`, { position: { x: 40, y: 30 } });
      const [b, f] = await sw.evaluate(async () => {
        const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
        const [tab] = await chrome.tabs.query({ active: true, lastFocusedWindow: true });
        await sleep(650);
        let t0 = performance.now();
        await chrome.tabs.captureVisibleTab(tab!.windowId, { format: 'png' });
        const bareMs = performance.now() - t0;
        await sleep(650);
        t0 = performance.now();
        const res = await (globalThis as any).__asnFlagTab(tab, { mode: 'hovered', openForm: false });
        const flagMs = performance.now() - t0;
        if (!res.ok) throw new Error(`flag failed: ${res.message}`);
        return [bareMs, flagMs];
      });
      bare.push(b);
      flag.push(f);
      log(`sample ${i + 1}: bare ${b.toFixed(0)} ms, flag ${f.toFixed(0)} ms`);
    }
    const r = {
      samples, bareP50: pct(bare, 50), bareP95: pct(bare, 95), flagP50: pct(flag, 50), flagP95: pct(flag, 95),
      ratioP50: 0, ratioP95: 0,
    };
    r.ratioP50 = r.flagP50 / r.bareP50;
    r.ratioP95 = r.flagP95 / r.bareP95;
    return r;
  } finally {
    await context.close();
    await fixtures.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await runCaptureBench({ log: console.log }), null, 2));
}
