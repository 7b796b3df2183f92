/**
 * Bounded load test of the reference backend (issue 13): N clients, each a monitor with its own
 * token and installation key, upload M signed records with 300 KB screenshots (and every tenth
 * one again, as a client retrying after a lost reply would). The server runs as a child process
 * (`server/main.ts`, PGlite) so its memory (VmRSS, sampled) is its own. Baseline in the same run: the
 * same requests against a bare Node HTTP server that only reads the body and answers 201.
 * Reports throughput ratio, records lost (acknowledged but not stored), records duplicated, and
 * peak server memory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSigningKey } from '../lib/integrity/keys';
import { makePng, makeRecord, postSigned, sha256Hex, signRecord, type SignedRecord } from '../server/test/helpers';

/** A valid PNG padded to ~kb with a private chunk (the server checks the signature and the hash). */
function pngOf(kb: number, seed: number): Uint8Array<ArrayBuffer> {
  const base = makePng(4, 3, seed);
  const pad = randomBytes(kb * 1024 - base.length);
  return new Uint8Array(Buffer.concat([Buffer.from(base), pad])) as Uint8Array<ArrayBuffer>;
}

/** Resident memory of a process now (VmRSS; VmHWM would count PGlite's start-up peak). */
function rssKb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN;
  }
}

async function startChild(dir: string, tokens: { monitor: string; token: string; role?: string }[]): Promise<{ url: string; child: ChildProcess }> {
  const cfg = join(dir, 'config.json');
  writeFileSync(cfg, JSON.stringify({ tokens }));
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: { ...process.env, PORT: '0', ASN_SERVER_DATA: join(dir, 'data'), ASN_SERVER_CONFIG: cfg, DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((ok, fail) => {
    let out = '';
    const t = setTimeout(() => fail(new Error(`server did not start: ${out}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) { clearTimeout(t); ok(m[1]!); }
    });
    child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
    child.on('exit', (c) => fail(new Error(`server exited ${c}: ${out}`)));
  });
  return { url, child };
}

export async function runLoadBench(opts: { clients: number; uploads: number; kb: number; log: (s: string) => void }) {
  const dir = mkdtempSync(join(tmpdir(), 'asn-bench-load-'));
  const tokens = Array.from({ length: opts.clients }, (_, i) => ({ monitor: `m${i}`, token: `bench-token-${i}-${randomBytes(6).toString('hex')}` }));
  const coordinator = { monitor: 'koordinator', token: `bench-coord-${randomBytes(6).toString('hex')}`, role: 'coordinator' };
  // Signed records prepared before timing (signing is the extension's work, not the server's).
  const work: { token: string; s: SignedRecord; png: Uint8Array<ArrayBuffer> }[][] = [];
  for (let c = 0; c < opts.clients; c++) {
    const key = await generateSigningKey();
    const mine: (typeof work)[number] = [];
    for (let u = 0; u < opts.uploads; u++) {
      const png = pngOf(opts.kb, c * 1000 + u);
      mine.push({ token: tokens[c]!.token, s: await signRecord(makeRecord(png), { key }), png });
    }
    work.push(mine);
  }
  const total = opts.clients * opts.uploads;

  // Baseline: a bare server that reads the body and answers.
  const bare = createServer((req, res) => {
    req.on('data', () => {});
    req.on('end', () => { res.writeHead(201, { 'Content-Type': 'application/json' }); res.end('{}'); });
  });
  await new Promise<void>((ok) => bare.listen(0, '127.0.0.1', () => ok()));
  const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}`;
  const drive = async (url: string) => {
    let acked = 0, failed = 0;
    const t0 = performance.now();
    await Promise.all(work.map(async (mine) => {
      for (let u = 0; u < mine.length; u++) {
        const w = mine[u]!;
        const send = () => postSigned(url, w.s, w.png, { token: w.token });
        let res = await send();
        // a 429 means "later": wait as told and send again (the extension's queue does the same)
        for (let tries = 0; res.status === 429 && tries < 20; tries++) {
          await res.arrayBuffer();
          await new Promise((r) => setTimeout(r, 1000 * Number(res.headers.get('retry-after') ?? 1)));
          res = await send();
        }
        await res.arrayBuffer();
        if (res.status === 201 || res.status === 200) acked++; else failed++;
        if (u % 10 === 0) await (await send()).arrayBuffer(); // a retry of the same record
      }
    }));
    return { ms: performance.now() - t0, acked, failed };
  };
  const base = await drive(bareUrl);
  bare.close();
  opts.log(`bare upload loop: ${total} x ${opts.kb} KB in ${(base.ms / 1000).toFixed(1)} s`);

  const { url, child } = await startChild(dir, [...tokens, coordinator]);
  try {
    const idleKb = rssKb(child.pid!);
    let peak = idleKb;
    const sampler = setInterval(() => { peak = Math.max(peak, rssKb(child.pid!) || 0); }, 20);
    const run = await drive(url);
    clearInterval(sampler);
    const list = await (await fetch(`${url}/v1/evidence?limit=1000`, { headers: { Authorization: `Bearer ${coordinator.token}` } })).json() as { records: { id: string; sha256: string }[]; total: number };
    const stored = new Map(list.records.map((r) => [r.id, r.sha256]));
    let lost = 0;
    for (const mine of work) for (const w of mine) if (stored.get(w.s.record.id) !== sha256Hex(w.png)) lost++;
    const duplicated = list.total - stored.size + Math.max(0, stored.size - total);
    opts.log(`server: ${run.acked} acknowledged, ${run.failed} refused, ${list.total} stored, ${lost} lost, peak RSS ${(peak / 1024).toFixed(0)} MiB (idle ${(idleKb / 1024).toFixed(0)} MiB)`);
    return { clients: opts.clients, uploads: opts.uploads, kb: opts.kb, ms: run.ms, baselineMs: base.ms, ratio: base.ms / run.ms, lost, duplicated, failed: run.failed, peakMB: peak / 1024, idleMB: idleKb / 1024 };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}
