#!/usr/bin/env node
/**
 * Export benchmark: 1,000 records with 300 KB incompressible PNG-like screenshots through
 * writeBundle() to a discarding sink, against a bare fflate Zip (ZipPassThrough) of the same
 * screenshot bytes in the same run. Prints the time ratio (target <= 1.5) and peak memory.
 *
 *   node --expose-gc bench/export.mjs [--records 1000] [--kb 300] [--runs 3]
 *
 * Screenshots come from a pool of 16 distinct random buffers (records cycle through them), so the
 * input itself does not occupy 300 MB and the memory figures show what the exporter holds.
 * Both contenders push exactly the same bytes. Memory is sampled in the sink (on every chunk),
 * because the export never yields to the event loop when the sink is synchronous.
 * Export a function so a bench runner can call it: `runExportBench(opts) -> numbers`.
 */
import { randomBytes, createHash, randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { Zip, ZipPassThrough } from 'fflate';
import { tsImport } from 'tsx/esm/api';

const POOL = 16;

function makeScreenshot(bytes) {
  const b = new Uint8Array(randomBytes(bytes));
  b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 0); // PNG signature, random body
  return b;
}

function record(i, shot, sha) {
  const id = randomUUID();
  return {
    id, schemaVersion: 1, capturedAt: new Date(Date.UTC(2024, 8, 1) + i * 3600_000).toISOString(),
    timezone: ['Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura'][i % 3], platform: 'facebook', kind: 'comment',
    page: { url: `https://www.facebook.com/permalink.php?story_fbid=pfbid0${i}&id=1000`, title: 'Facebook' },
    post: { id: `pfbid0${i}`, url: `https://www.facebook.com/permalink.php?story_fbid=pfbid0${i}&id=1000`, authorName: 'Paslon 2', authorUrl: 'https://www.facebook.com/paslon2', text: 'Ayo dukung paslon nomor 2 di Pilkada 2024!', postedAt: null, postedAtLabel: '2 j', mediaType: 'photo' },
    comment: { id: String(1e6 + i), url: `https://www.facebook.com/permalink.php?story_fbid=pfbid0${i}&id=1000&comment_id=${1e6 + i}`, parentId: null, authorName: `ASN ${i % 150}`, authorUrl: `https://www.facebook.com/asn${i % 150}`, text: 'Mantap, lanjutkan! 👍 "dua periode", <b>siap</b>', postedAt: null, postedAtLabel: '1 j' },
    reaction: null,
    subject: { name: `ASN ${i % 150}`, accountUrl: `https://www.facebook.com/asn${i % 150}`, handle: null, nip: String(198501012010011000n + BigInt(i % 150)), agency: 'Dinas Pendidikan', position: 'Guru', rank: 'III/c', employmentType: 'PNS' },
    violation: { types: ['comment'], gestures: [{ type: 'two_fingers', box: { x: 10, y: 10, width: 50, height: 50 } }], candidate: 'Paslon 2', election: 'Pilkada 2024', notes: null },
    screenshot: { file: `evidence/${id}/screenshot.png`, sha256: sha, mime: 'image/png', width: 1280, height: 900, devicePixelRatio: 1, region: null },
    monitor: { name: 'Siti Aminah', nip: '199001012015022002', unit: 'Timwas Medsos' },
    fieldSources: { 'comment.text': 'dom' }, client: { extensionVersion: '0.1.0', browser: 'Chrome 130' },
  };
}

function memSampler() {
  const base = process.memoryUsage();
  let peakRss = base.rss, peakHeapExt = base.heapUsed + base.arrayBuffers;
  let next = 0;
  return {
    sample(force = false) {
      const now = performance.now();
      if (!force && now < next) return; // process.memoryUsage() is not free: at most every 5 ms
      next = now + 5;
      const m = process.memoryUsage();
      if (m.rss > peakRss) peakRss = m.rss;
      const he = m.heapUsed + m.arrayBuffers;
      if (he > peakHeapExt) peakHeapExt = he;
    },
    result() {
      return { baseRssMB: base.rss / 2 ** 20, peakRssMB: peakRss / 2 ** 20, peakHeapPlusBuffersMB: peakHeapExt / 2 ** 20, deltaHeapPlusBuffersMB: (peakHeapExt - base.heapUsed - base.arrayBuffers) / 2 ** 20 };
    },
  };
}

const gc = () => { if (typeof globalThis.gc === 'function') { globalThis.gc(); globalThis.gc(); } };

async function bareZip(records, pool) {
  gc();
  const mem = memSampler();
  let n = 0, chunks = 0;
  const t0 = performance.now();
  await new Promise((resolve, reject) => {
    const zip = new Zip((err, data, final) => {
      if (err) return reject(err);
      n += data.length;
      mem.sample();
      if (final) resolve();
    });
    for (let i = 0; i < records.length; i++) {
      const f = new ZipPassThrough(`evidence/${records[i].id}/screenshot.png`);
      zip.add(f);
      f.push(pool[i % POOL], true);
    }
    zip.end();
  });
  const ms = performance.now() - t0;
  mem.sample(true);
  return { ms, bytes: n, mem: mem.result() };
}

async function exportRun(writeBundle, records, pool, opts) {
  gc();
  const mem = memSampler();
  let n = 0, chunks = 0;
  const items = () => (function* () {
    for (let i = 0; i < records.length; i++) yield { record: records[i], screenshot: pool[i % POOL], custody: [] };
  })();
  const t0 = performance.now();
  const res = await writeBundle({
    items, createdBy: { name: 'Siti Aminah', nip: '199001012015022002', unit: 'Timwas Medsos' },
    extensionVersion: '0.1.0', createdAt: '2024-10-01T00:00:00.000Z',
    onChunk: (c) => { n += c.length; mem.sample(); },
    ...opts,
  });
  const ms = performance.now() - t0;
  mem.sample(true);
  return { ms, bytes: n, files: res.files.length, mem: mem.result() };
}

const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

export async function runExportBench({ records: count = 1000, kb = 300, runs = 3, log = () => {} } = {}) {
  const { writeBundle } = await tsImport('../lib/export/bundle.ts', import.meta.url);
  const pool = Array.from({ length: POOL }, () => makeScreenshot(kb * 1024));
  const shas = pool.map((b) => createHash('sha256').update(b).digest('hex'));
  const records = Array.from({ length: count }, (_, i) => record(i, pool[i % POOL], shas[i % POOL]));

  // warm-up (JIT) on a small slice
  await bareZip(records.slice(0, 50), pool);
  await exportRun(writeBundle, records.slice(0, 50), pool, {});

  const base = [], full = [], noSha = [], noEmbed = [];
  let last = {};
  for (let r = 0; r < runs; r++) {
    const b = await bareZip(records, pool); base.push(b.ms);
    const e = await exportRun(writeBundle, records, pool, {}); full.push(e.ms);
    last = { bare: b, export: e };
    log(`run ${r + 1}: bare ${b.ms.toFixed(0)} ms, export ${e.ms.toFixed(0)} ms`);
  }
  const s = await exportRun(writeBundle, records, pool, { computeZipSha256: false }); noSha.push(s.ms);
  const ne = await exportRun(writeBundle, records, pool, { embedScreenshotsInReport: false }); noEmbed.push(ne.ms);
  const bareMs = median(base);
  return {
    records: count,
    screenshotKB: kb,
    runs,
    node: process.version,
    gcExposed: typeof globalThis.gc === 'function',
    bareZipMs: bareMs,
    exportMs: median(full),
    ratio: median(full) / bareMs,
    ratioWithoutZipSha256: noSha[0] / bareMs,
    ratioWithoutEmbeddedReportImages: noEmbed[0] / bareMs,
    bareZipBytes: last.bare.bytes,
    bundleBytes: last.export.bytes,
    bundleFiles: last.export.files,
    memory: { bare: last.bare.mem, export: last.export.mem },
    target: 1.5,
    pass: median(full) / bareMs <= 1.5,
  };
}

const isMain = process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const arg = (name, d) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? Number(process.argv[i + 1]) : d; };
  const r = await runExportBench({ records: arg('records', 1000), kb: arg('kb', 300), runs: arg('runs', 3), log: (s) => console.error(s) });
  const f = (x) => x.toFixed(1);
  console.log(`export of ${r.records} records x ${r.screenshotKB} KB (Node ${r.node}${r.gcExposed ? ', --expose-gc' : ''})`);
  console.log(`  bare fflate zip of the screenshots: ${f(r.bareZipMs)} ms (${(r.bareZipBytes / 2 ** 20).toFixed(0)} MiB)`);
  console.log(`  writeBundle:                        ${f(r.exportMs)} ms (${(r.bundleBytes / 2 ** 20).toFixed(0)} MiB, ${r.bundleFiles} files)`);
  console.log(`  ratio: ${r.ratio.toFixed(2)} (target <= ${r.target}: ${r.pass ? 'PASS' : 'FAIL'}); without zip sha256 ${r.ratioWithoutZipSha256.toFixed(2)}; report without images ${r.ratioWithoutEmbeddedReportImages.toFixed(2)}`);
  console.log(`  peak heap+buffers above start: bare ${f(r.memory.bare.deltaHeapPlusBuffersMB)} MiB, export ${f(r.memory.export.deltaHeapPlusBuffersMB)} MiB; peak RSS bare ${f(r.memory.bare.peakRssMB)} MiB, export ${f(r.memory.export.peakRssMB)} MiB`);
  console.log(JSON.stringify(r));
}
