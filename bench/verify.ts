/**
 * Verifier benchmarks (issue 13):
 *  - custody logs: one record with N signed custody entries, verified end to end (verifyBundle);
 *    the baseline is the same run's time for 1,000 entries scaled to N (linear = ratio 1.0);
 *  - a hostile ZIP: ~0.5 MB declaring a 500 MiB SHA256SUMS; peak RSS while the verifier refuses it,
 *    against the peak while it verifies a normal small bundle.
 */
import { strToU8, Zip, ZipDeflate } from 'fflate';
import { bundleToBytes } from '../lib/export/bundle';
import { verifyBundle } from '../lib/export/verify';
import { attest } from '../lib/integrity/attestation';
import { appendSignedCustody, type CustodyLink } from '../lib/integrity/custody';
import { generateSigningKey, signerOf } from '../lib/integrity/keys';
import { makeItem } from '../tests/unit/export/make-record';

async function bundleWithCustody(n: number): Promise<Uint8Array> {
  const key = await generateSigningKey();
  const item = makeItem({}, 7);
  const record = { ...item.record, attestation: await attest(item.record, key, new Date(item.record.capturedAt)) };
  const entries: CustodyLink[] = [{ at: record.capturedAt, action: 'capture', actor: 'Siti', details: { sha256: record.screenshot.sha256 } }];
  for (let i = 1; i < n; i++) entries.push({ at: record.capturedAt, action: 'save', actor: 'Siti' });
  const custody = await appendSignedCustody(record.id, [], entries, key);
  const { bytes } = await bundleToBytes({
    items: [{ record, screenshot: item.screenshot, custody: custody as never }], createdBy: { name: 'Siti', nip: null, unit: null },
    extensionVersion: 'bench', signer: signerOf(key), embedScreenshotsInReport: false,
  });
  return bytes;
}

async function timeVerify(zip: Uint8Array): Promise<number> {
  const t0 = performance.now();
  const r = await verifyBundle(zip);
  const ms = performance.now() - t0;
  if (!r.ok) throw new Error(`bench bundle did not verify: ${r.problems[0]?.message}`);
  return ms;
}

function hugeSums(bytes: number): Uint8Array {
  const parts: Uint8Array[] = [];
  const z = new Zip((err, chunk) => { if (err) throw err; parts.push(chunk); });
  const sums = new ZipDeflate('SHA256SUMS', { level: 1 });
  z.add(sums);
  const line = strToU8(`${'0'.repeat(64)}  evidence/x/screenshot.png\n`.repeat(16384));
  for (let sent = 0; sent < bytes; sent += line.length) sums.push(line, false);
  sums.push(new Uint8Array(0), true);
  z.end();
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

async function peakRss(fn: () => Promise<unknown>): Promise<number> {
  (globalThis as { gc?: () => void }).gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const t = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 5);
  try {
    await fn();
  } finally {
    clearInterval(t);
  }
  peak = Math.max(peak, process.memoryUsage().rss);
  return (peak - base) / 2 ** 20;
}

export async function runVerifyBench(opts: { entries: number; log: (s: string) => void }) {
  const small = await bundleWithCustody(1000);
  await timeVerify(small); // warm-up
  const smallMs = await timeVerify(small);
  opts.log(`1,000 custody entries: ${smallMs.toFixed(0)} ms`);
  const big = await bundleWithCustody(opts.entries);
  const bigMs = await timeVerify(big);
  opts.log(`${opts.entries} custody entries: ${bigMs.toFixed(0)} ms`);
  const hostile = hugeSums(500 * 2 ** 20);
  let refused = '';
  const hostileMB = await peakRss(async () => {
    const r = await verifyBundle(hostile);
    refused = r.ok ? 'ACCEPTED' : (r.problems.find((p) => p.file === 'SHA256SUMS')?.message ?? r.problems[0]?.message ?? '');
  });
  const normalMB = await peakRss(() => verifyBundle(small));
  opts.log(`hostile ZIP ${(hostile.length / 1024).toFixed(0)} KB: ${refused}`);
  return {
    entries: opts.entries, smallMs, bigMs, ratio: bigMs / (smallMs * (opts.entries / 1000)),
    hostileKB: hostile.length / 1024, hostileMB, normalMB, refused,
  };
}
