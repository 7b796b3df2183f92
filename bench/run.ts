/**
 * `npm run bench`: every benchmark of the project, each a ratio to a baseline measured in the
 * same run (never an absolute time asserted in a test), printed as one table.
 *   - content-script bytes (gzip) against the 30 KB budget
 *   - extraction on the real-markup corpus: fields right / wrong person against the targets
 *   - capture latency: flag -> durable record vs a bare captureVisibleTab (Chromium), p50/p95,
 *     also with the local store encrypted, and the unlock against a bare PBKDF2 derivation
 *   - sync: 500 records x 300 KB through the extension vs a plain fetch loop (Chromium + backend)
 *   - export: 1,000 records x 300 KB through writeBundle vs a bare fflate zip (Node)
 *   - backend load: N clients x M signed uploads of 300 KB (+ retries) vs a bare upload loop:
 *     throughput ratio, records lost and duplicated, peak server memory (child process)
 *   - verifier: 120,000 signed custody entries vs 1,000 x 120 (linear), and the peak memory while a
 *     0.5 MB ZIP declaring a 500 MiB SHA256SUMS is refused
 *   - watchlist marking: a 5,000-post feed with 1,000 watched accounts, page main-thread time with
 *     marking vs the same page with marking off (Chromium)
 *   - team workspace: 100,000 records from 50 monitors filed by the register, the inbox filter and
 *     the register page vs the bare SQL query of the same result, with the indexes EXPLAIN shows
 *     (PGlite, and PostgreSQL when TEST_DATABASE_URL is set)
 * Needs `npm run build` and `npm run build:e2e` first (the npm script does both).
 */
import { readFileSync, existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { runCaptureBench } from './capture';
import { runLoadBench } from './load';
import { runSyncBench } from './sync';
import { runVerifyBench } from './verify';
import { runWatchlistBench } from './watchlist';
import { runWorkspaceBench, workspaceRows } from './workspace';
// @ts-expect-error plain ESM module without types
import { runExportBench } from './export.mjs';

const quick = process.argv.includes('--quick');
const rows: Array<[string, string, string, string]> = [];
const log = (s: string) => console.error(`  ${s}`);

for (const file of ['.output/chrome-mv3/content-scripts/content.js', '.output/firefox-mv2/content-scripts/content.js']) {
  if (!existsSync(file)) continue;
  const gz = gzipSync(readFileSync(file), { level: 9 }).length;
  rows.push([`content script ${file.split('/')[1]}`, `${(gz / 1024).toFixed(1)} KB gzip`, '30 KB budget', `${(gz / 30720).toFixed(2)}x of budget ${gz <= 30720 ? 'ok' : 'OVER'}`]);
}

console.error('extraction on the real-markup corpus (Node, happy-dom)…');
{
  const { Window } = await import('happy-dom');
  const w = new Window();
  (globalThis as { DOMParser?: unknown }).DOMParser = w.DOMParser;
  const { scoreCorpus, pct } = await import('../tests/support/corpus');
  const t0 = performance.now();
  const scored = scoreCorpus('tests/fixtures/real');
  const ms = performance.now() - t0;
  for (const [p, t] of scored.byPlatform) {
    rows.push([`extraction, real ${p} pages`, `${t.cases} cases: ${pct(t).toFixed(1)}% of ${t.fields} fields right, ${t.missing} missing, ${t.wrong} wrong`, 'target >= 95% right, 0 wrong person', `${t.wrongPerson} wrong person ${pct(t) >= 95 && t.wrongPerson === 0 ? 'ok' : 'MISS'}`]);
  }
  const t = scored.total;
  rows.push(['extraction, whole real corpus', `${t.cases} cases in ${ms.toFixed(0)} ms: ${pct(t).toFixed(1)}% right, ${t.wrongPerson} wrong person`, 'target >= 95% right, 0 wrong person', `${(pct(t) / 95).toFixed(3)}x of target ${pct(t) >= 95 && t.wrongPerson === 0 ? 'ok' : 'MISS'}`]);
  await w.happyDOM.close();
}

console.error('capture latency (Chromium)…');
const cap = await runCaptureBench({ samples: quick ? 8 : 20, log });
rows.push(['capture: flag -> durable record', `p50 ${cap.flagP50.toFixed(0)} ms, p95 ${cap.flagP95.toFixed(0)} ms`, `bare captureVisibleTab p50 ${cap.bareP50.toFixed(0)} / p95 ${cap.bareP95.toFixed(0)} ms`, `p95 ratio ${cap.ratioP95.toFixed(2)} (target <= 1.5) ${cap.ratioP95 <= 1.5 ? 'ok' : 'MISS'}`]);

console.error('capture latency with the local store encrypted (Chromium)…');
const capEnc = await runCaptureBench({ samples: quick ? 8 : 20, encrypted: true, log });
rows.push(['capture, store encrypted', `p50 ${capEnc.flagP50.toFixed(0)} ms, p95 ${capEnc.flagP95.toFixed(0)} ms`, `bare captureVisibleTab p50 ${capEnc.bareP50.toFixed(0)} / p95 ${capEnc.bareP95.toFixed(0)} ms`, `p95 ratio ${capEnc.ratioP95.toFixed(2)}; vs unencrypted flag p95 ${(capEnc.flagP95 / cap.flagP95).toFixed(2)}x`]);
if (capEnc.unlock) {
  rows.push(['unlock (PBKDF2-SHA-256 600k + unwrap)', `${capEnc.unlock.unlockMs.toFixed(0)} ms`, `bare PBKDF2 600k ${capEnc.unlock.kdfMs.toFixed(0)} ms`, `ratio ${capEnc.unlock.ratio.toFixed(2)}`]);
}

console.error('sync (Chromium + reference backend)…');
const sync = await runSyncBench({ records: quick ? 100 : 500, kb: 300, log });
rows.push([`sync ${sync.records} x ${sync.kb} KB`, `${(sync.extensionMs / 1000).toFixed(1)} s (${sync.overheadPerRecordMs.toFixed(1)} ms/record overhead)`, `plain fetch loop ${(sync.baselineMs / 1000).toFixed(1)} s`, `throughput ratio ${sync.ratio.toFixed(2)} (target >= 0.8) ${sync.ratio >= 0.8 ? 'ok' : 'MISS'}`]);

console.error('export (Node)…');
const exp = await runExportBench({ records: quick ? 200 : 1000, kb: 300, runs: quick ? 1 : 3, log });
// The extension embeds screenshots in report.html only up to 100 records (REPORT_EMBED_MAX_RECORDS):
// for 1,000 records the product's setting is the "report without embedded images" run.
const productRatio = exp.records > 100 ? exp.ratioWithoutEmbeddedReportImages : exp.ratio;
rows.push([`export ${exp.records} x ${exp.screenshotKB} KB`, `${(exp.exportMs / 1000).toFixed(1)} s, peak +${exp.memory.export.deltaHeapPlusBuffersMB.toFixed(0)} MiB heap`, `bare fflate zip ${(exp.bareZipMs / 1000).toFixed(1)} s, +${exp.memory.bare.deltaHeapPlusBuffersMB.toFixed(0)} MiB`, `time ratio ${productRatio.toFixed(2)} as exported (target <= 1.5) ${productRatio <= 1.5 ? 'ok' : 'MISS'}; ${exp.ratio.toFixed(2)} with every screenshot also embedded in report.html`]);

console.error('backend load (Node, server in a child process)…');
const load = await runLoadBench({ clients: quick ? 4 : 8, uploads: quick ? 10 : 25, kb: 300, log });
rows.push([`backend load ${load.clients} clients x ${load.uploads} x ${load.kb} KB (+ retries)`, `${(load.ms / 1000).toFixed(1)} s; ${load.lost} lost, ${load.duplicated} duplicated, ${load.failed} refused; peak ${load.peakMB.toFixed(0)} MiB RSS (idle ${load.idleMB.toFixed(0)})`, `bare upload loop ${(load.baselineMs / 1000).toFixed(1)} s`, `throughput ratio ${load.ratio.toFixed(2)} ${load.lost === 0 && load.duplicated === 0 ? 'ok' : 'MISS'}`]);

console.error('verifier (Node)…');
const ver = await runVerifyBench({ entries: quick ? 20_000 : 120_000, log });
rows.push([`verify: 1 record, ${ver.entries} signed custody entries`, `${(ver.bigMs / 1000).toFixed(1)} s`, `1,000 entries ${ver.smallMs.toFixed(0)} ms x ${ver.entries / 1000}`, `ratio ${ver.ratio.toFixed(2)} (linear = 1.0) ${ver.ratio <= 1.5 ? 'ok' : 'MISS'}`]);
rows.push([`verify: ${ver.hostileKB.toFixed(0)} KB ZIP declaring a 500 MiB SHA256SUMS`, `${/limit/.test(ver.refused) ? 'refused by its cap' : ver.refused}, peak +${ver.hostileMB.toFixed(0)} MiB RSS`, `normal small bundle peak +${ver.normalMB.toFixed(0)} MiB`, `${ver.hostileMB < 64 ? 'bounded ok' : 'MISS'}`]);

console.error('watchlist marking (Chromium)…');
const wl = await runWatchlistBench({ posts: quick ? 1000 : 5000, watched: quick ? 200 : 1000, runs: quick ? 1 : 3, log });
rows.push([`watchlist: ${wl.posts} posts, ${wl.watched} watched`, `busy ${(wl.onBusyMs / 1000).toFixed(1)} s, ${wl.marked} names marked`, `page without the extension ${(wl.bareBusyMs / 1000).toFixed(1)} s`, `busy-time ratio ${wl.busyRatio.toFixed(2)} (wall ${wl.ratio.toFixed(2)}; vs marking off ${wl.busyRatioMarkerOff.toFixed(2)})`]);

console.error('team workspace (Node, PGlite and PostgreSQL when TEST_DATABASE_URL is set)…');
rows.push(...workspaceRows(await runWorkspaceBench({ records: quick ? 20_000 : 100_000, monitors: 50, log })));

const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i].length), ['what', 'measured', 'baseline (same run)', 'ratio'][i]!.length));
const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
console.log(line(['what', 'measured', 'baseline (same run)', 'ratio']));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const r of rows) console.log(line(r));
