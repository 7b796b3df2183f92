/**
 * Sync benchmark, in a real Chromium with the e2e build and the reference backend on loopback:
 * 500 queued records with 300 KB screenshots are synced by the extension's own engine (durable
 * queue, state machine, receipts), against a plain loop of the same uploads done with fetch from
 * the same service worker, in the same run. Reports throughput as a ratio (target >= 0.8) and the
 * extension's own overhead per record.
 *
 *   npx tsx bench/sync.ts [--records 500] [--kb 300]
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { pathToFileURL } from 'node:url';
import { startServer } from '../server/app';
import { launchChromium, serviceWorker, tempProfile, until } from '../tests/e2e/support';

const TOKEN = 'bench-token-0123456789';

/** A real PNG of about `kb` KB of incompressible pixels (stored deflate). */
function makePng(kb: number): Buffer {
  const width = 256;
  const height = Math.max(1, Math.round((kb * 1024) / (width * 4 + 1)));
  const raw = Buffer.alloc(height * (width * 4 + 1));
  randomBytes(raw.length).copy(raw);
  for (let y = 0; y < height; y++) raw[y * (width * 4 + 1)] = 0;
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const v of b) c = crcTable[(c ^ v) & 255]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 0 })), chunk('IEND', Buffer.alloc(0)),
  ]);
}

function record(i: number, sha: string, size: { w: number; h: number }) {
  const id = randomUUID();
  return {
    id, schemaVersion: 1, capturedAt: new Date(Date.UTC(2024, 8, 1) + i * 60_000).toISOString(), timezone: 'Asia/Jakarta',
    platform: 'facebook', kind: 'comment',
    page: { url: `https://www.facebook.com/permalink.php?story_fbid=pfbid0${i}&id=1000`, title: 'Facebook' },
    post: { id: `pfbid0${i}`, url: `https://www.facebook.com/permalink.php?story_fbid=pfbid0${i}&id=1000`, authorName: 'Paslon 2', authorUrl: 'https://www.facebook.com/paslon2', text: 'Ayo dukung', postedAt: null, postedAtLabel: '2 j', mediaType: 'photo' },
    comment: { id: String(1e6 + i), url: null, parentId: null, authorName: `ASN ${i}`, authorUrl: null, text: 'Mantap 👍', postedAt: null, postedAtLabel: '1 j' },
    reaction: null,
    subject: { name: `ASN ${i}`, accountUrl: null, handle: null, nip: null, agency: null, position: null, rank: null, employmentType: 'unknown' },
    violation: { types: ['comment'], gestures: [], candidate: null, election: null, notes: null },
    screenshot: { file: `evidence/${id}/screenshot.png`, sha256: sha, mime: 'image/png', width: size.w, height: size.h, devicePixelRatio: 1, region: null },
    monitor: { name: 'Bench', nip: null, unit: null },
    fieldSources: {}, client: { extensionVersion: '0.1.0', browser: 'chrome 1' },
  };
}

export interface SyncBenchResult {
  records: number; kb: number; baselineMs: number; extensionMs: number; ratio: number; overheadPerRecordMs: number;
}

export async function runSyncBench({ records = 500, kb = 300, log = (_: string) => {} } = {}): Promise<SyncBenchResult> {
  const server = await startServer({ port: 0, host: '127.0.0.1', dataDir: mkdtempSync(join(tmpdir(), 'asn-bench-')), tokens: { bench: TOKEN }, log: false });
  const context = await launchChromium(tempProfile('bench-sync'), 1);
  try {
    const sw = await serviceWorker(context);
    await sw.evaluate('globalThis.__name ??= (f) => f');
    const POOL = 8;
    const pngs = Array.from({ length: POOL }, () => makePng(kb));
    const shas = pngs.map((p) => createHash('sha256').update(p).digest('hex'));
    const size = { w: pngs[0]!.readUInt32BE(16), h: pngs[0]!.readUInt32BE(20) };
    await sw.evaluate((b64s: string[]) => {
      (globalThis as any).__benchPngs = b64s.map((b) => new Blob([Uint8Array.from(atob(b), (c) => c.charCodeAt(0))], { type: 'image/png' }));
    }, pngs.map((p) => p.toString('base64')));
    const make = (offset: number) => Array.from({ length: records }, (_, i) => record(offset + i, shas[i % POOL]!, size));

    // Baseline: the same uploads, a plain sequential fetch loop in the same worker.
    const plain = make(0);
    log(`baseline: ${records} plain fetch uploads`);
    const baselineMs: number = await sw.evaluate(async ({ recs, url, token, pool }) => {
      const blobs = (globalThis as any).__benchPngs as Blob[];
      const t0 = performance.now();
      for (let i = 0; i < recs.length; i++) {
        const form = new FormData();
        form.append('record', new Blob([JSON.stringify(recs[i])], { type: 'application/json' }), 'record.json');
        form.append('screenshot', blobs[i % pool]!, 'screenshot.png');
        const res = await fetch(`${url}/v1/evidence`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Idempotency-Key': recs[i].id }, body: form });
        if (res.status !== 201) throw new Error(`baseline upload ${i}: ${res.status} ${await res.text()}`);
        await res.text();
      }
      return performance.now() - t0;
    }, { recs: plain, url: server.url, token: TOKEN, pool: POOL });

    // The extension: seed the durable queue (as after a day offline), then "Sync now".
    const queued = make(records);
    await sw.evaluate(async ({ recs, pool }) => {
      const blobs = (globalThis as any).__benchPngs as Blob[];
      const db: IDBDatabase = await new Promise((res, rej) => {
        const r = indexedDB.open('asn-evidence');
        r.onsuccess = () => res(r.result);
        r.onerror = () => rej(r.error);
      });
      const tx = db.transaction(['evidence', 'blobs'], 'readwrite');
      recs.forEach((rec: any, i: number) => {
        const now = new Date().toISOString();
        tx.objectStore('evidence').put({
          id: rec.id, status: 'queued', record: rec, createdAt: now, updatedAt: now, missing: [], warnings: [], extras: {},
          sync: { attempts: 0, lastError: null, nextAttemptAt: null, receipt: null }, custody: [],
        });
        tx.objectStore('blobs').put(blobs[i % pool]!, `${rec.id}/screenshot.png`);
      });
      await new Promise((res, rej) => { tx.oncomplete = res; tx.onerror = () => rej(tx.error); });
      db.close();
    }, { recs: queued, pool: POOL });
    log(`extension: ${records} queued records, sync now`);
    const countSynced = () => sw.evaluate(async () => {
      const db: IDBDatabase = await new Promise((res, rej) => {
        const r = indexedDB.open('asn-evidence');
        r.onsuccess = () => res(r.result);
        r.onerror = () => rej(r.error);
      });
      const n: number = await new Promise((res) => {
        const q = db.transaction('evidence').objectStore('evidence').index('byStatus').count('synced');
        q.onsuccess = () => res(q.result);
      });
      db.close();
      return n;
    });
    const t0 = Date.now();
    await sw.evaluate(({ url, token }) => chrome.storage.local.set({ backend: { baseUrl: url, token, retentionDays: 0 } }), { url: server.url, token: TOKEN });
    await until(async () => (await countSynced()) >= records, 'all synced', 600_000);
    const extensionMs = Date.now() - t0;
    const total = await server.storage.count();
    if (total !== 2 * records) throw new Error(`backend holds ${total} records, expected ${2 * records}`);
    return {
      records, kb, baselineMs, extensionMs, ratio: baselineMs / extensionMs,
      overheadPerRecordMs: (extensionMs - baselineMs) / records,
    };
  } finally {
    await context.close();
    await server.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = (k: string, d: number) => Number(process.argv[process.argv.indexOf(k) + 1] ?? d) || d;
  const r = await runSyncBench({ records: arg('--records', 500), kb: arg('--kb', 300), log: console.log });
  console.log(JSON.stringify(r, null, 2));
}
