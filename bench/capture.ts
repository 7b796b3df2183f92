/**
 * Capture latency: a flag from start to durable record (content script asked, visible tab
 * captured, cropped, outlined, hashed, stored with strict durability) against a bare
 * captureVisibleTab call, in the same Chromium, interleaved, calls spaced >= 600 ms apart so
 * Chrome's rate limit never shapes either. Target: p95 ratio <= 1.5.
 *
 * One warm-up pair (a bare call and a flag) runs first and is reported apart, not in the
 * percentiles: the first flag after the browser starts also opens the evidence and key databases
 * and compiles the pipeline, once per service-worker life, which says nothing about the per-flag
 * cost being compared; with 20 samples it would otherwise stand in for the p95 (the 19th of 20)
 * by itself or push it one rank up. The ratio with the warm-up pair included is reported too.
 */
import { pathToFileURL } from 'node:url';
import type { BrowserContext } from 'playwright-core';
import { extensionId, launchChromium, shimNames, serviceWorker, startFixtureServer, tempProfile } from '../tests/e2e/support';

export interface CaptureBenchResult {
  samples: number; bareP50: number; bareP95: number; flagP50: number; flagP95: number; ratioP50: number; ratioP95: number;
  /** The discarded first pair, and the p95 ratio had it been counted. */
  warmup: { bareMs: number; flagMs: number; ratioP95WithWarmup: number };
  /** With the local store encrypted: unlocking (PBKDF2 600k + unwrap) against the bare key derivation. */
  unlock?: { unlockMs: number; kdfMs: number; ratio: number };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

export async function runCaptureBench({ samples = 20, encrypted = false, log = (_: string) => {} } = {}): Promise<CaptureBenchResult> {
  const fixtures = await startFixtureServer();
  fixtures.route('www.facebook.com', '/permalink.php', 'facebook-many-comments.html');
  const context = await launchChromium(tempProfile('bench-capture'), fixtures.port);
  try {
    const sw = await serviceWorker(context);
    const unlock = encrypted ? await encryptStore(context, extensionId(sw)) : undefined;
    if (unlock) log(`unlock ${unlock.unlockMs.toFixed(0)} ms, bare PBKDF2 ${unlock.kdfMs.toFixed(0)} ms`);
    const page = await context.newPage();
    await page.goto('https://www.facebook.com/permalink.php?story_fbid=pfbid0E2eTestPostAbCdEfGhIjKlMnOpQrStUvWxYz123&id=100064405103773');
    await page.bringToFront();
    await sw.evaluate('globalThis.__name ??= (f) => f');
    // 30 comments on the page: the warm-up flags the last one, the samples the others in turn.
    const pair = async (selector: string): Promise<[number, number]> => {
      // A different comment each time (a second flag of the same one is a duplicate); the keyboard
      // command flags the hovered comment.
      await page.hover(selector, { position: { x: 40, y: 30 } });
      return sw.evaluate(async () => {
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
        return [bareMs, flagMs] as [number, number];
      });
    };
    const [warmBare, warmFlag] = await pair('#c29');
    log(`warm-up (not counted): bare ${warmBare.toFixed(0)} ms, flag ${warmFlag.toFixed(0)} ms`);
    const bare: number[] = [];
    const flag: number[] = [];
    for (let i = 0; i < samples; i++) {
      const [b, f] = await pair(`#c${i % 29}`);
      bare.push(b);
      flag.push(f);
      log(`sample ${i + 1}: bare ${b.toFixed(0)} ms, flag ${f.toFixed(0)} ms`);
    }
    const r: CaptureBenchResult = {
      samples, bareP50: pct(bare, 50), bareP95: pct(bare, 95), flagP50: pct(flag, 50), flagP95: pct(flag, 95),
      ratioP50: 0, ratioP95: 0,
      warmup: {
        bareMs: warmBare, flagMs: warmFlag,
        ratioP95WithWarmup: pct([warmFlag, ...flag], 95) / pct([warmBare, ...bare], 95),
      },
    };
    r.ratioP50 = r.flagP50 / r.bareP50;
    r.ratioP95 = r.flagP95 / r.bareP95;
    if (unlock) r.unlock = unlock;
    return r;
  } finally {
    await context.close();
    await fixtures.close();
  }
}

/**
 * Turn on the encryption of the local store from an extension page (as Settings does), lock, and
 * time the unlock against a bare PBKDF2-SHA-256 600k derivation in the same page.
 */
async function encryptStore(context: BrowserContext, extId: string): Promise<{ unlockMs: number; kdfMs: number; ratio: number }> {
  const ext = await context.newPage();
  await ext.goto(`chrome-extension://${extId}/popup.html`);
  await shimNames(ext);
  const r = await ext.evaluate(async (pass) => {
    const send = (m: unknown) => chrome.runtime.sendMessage(m) as Promise<{ ok: boolean; message?: string }>;
    const on = await send({ type: 'vault-enable', passphrase: pass });
    if (!on.ok) throw new Error(`vault-enable: ${on.message}`);
    await send({ type: 'vault-lock' });
    let t0 = performance.now();
    const un = await send({ type: 'vault-unlock', passphrase: pass });
    const unlockMs = performance.now() - t0;
    if (!un.ok) throw new Error(`vault-unlock: ${un.message}`);
    t0 = performance.now();
    const base = await crypto.subtle.importKey('raw', new TextEncoder().encode(pass), 'PBKDF2', false, ['deriveBits']);
    await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: crypto.getRandomValues(new Uint8Array(16)), iterations: 600_000 }, base, 256);
    return { unlockMs, kdfMs: performance.now() - t0 };
  }, 'bench passphrase, long enough');
  await ext.close();
  return { ...r, ratio: r.unlockMs / r.kdfMs };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await runCaptureBench({ log: console.log, encrypted: process.argv.includes('--encrypted') }), null, 2));
}
