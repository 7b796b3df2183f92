import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../app';
import { makePng, makeRecord, postEvidence, sha256Hex, TEST_TOKENS } from './helpers';

const MAX = 256 * 1024;
let srv: RunningServer;
let dir: string;
const logs: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'asn-server-test-'));
  srv = await startServer({ port: 0, dataDir: dir, tokens: TEST_TOKENS, maxBytes: MAX, log: (l) => logs.push(l) });
}, 60_000);

afterAll(async () => {
  await srv?.close();
  await rm(dir, { recursive: true, force: true });
});

const auth = (token = 'token-alpha-123') => ({ Authorization: `Bearer ${token}` });

/** Raw HTTP (no fetch niceties) for size-limit tests; resolves with status and body, or the socket error. */
function rawPost(url: string, headers: Record<string, string>, chunks: Buffer[], delayMs = 0) {
  return new Promise<{ status: number; body: string } | { error: string }>((done) => {
    const req = httpRequest(url, { method: 'POST', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => done({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', (e) => done({ error: e.message }));
    (async () => {
      for (const c of chunks) {
        if (req.destroyed) return;
        req.write(c);
        if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      }
      req.end();
    })().catch(() => {});
  });
}

describe('health and CORS', () => {
  it('GET /v1/health -> 200 {ok, version} with CORS', async () => {
    const res = await fetch(`${srv.url}/v1/health`, { headers: { Origin: 'chrome-extension://abc' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const body = (await res.json()) as { ok: boolean; version: string; maxBytes: number };
    expect(body.ok).toBe(true);
    expect(typeof body.version).toBe('string');
    expect(body.maxBytes).toBe(MAX);
  });

  it('answers the preflight for /v1/evidence', async () => {
    const res = await fetch(`${srv.url}/v1/evidence`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'moz-extension://x', 'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization,idempotency-key',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const allowed = (res.headers.get('access-control-allow-headers') ?? '').toLowerCase();
    for (const h of ['authorization', 'idempotency-key', 'content-type']) expect(allowed).toContain(h);
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
  });

  it('unknown path -> 404 JSON; wrong method -> 405', async () => {
    expect((await fetch(`${srv.url}/nope`)).status).toBe(404);
    expect((await fetch(`${srv.url}/v1/health`, { method: 'DELETE' })).status).toBe(405);
  });

  it('no test hooks unless enabled', async () => {
    const res = await fetch(`${srv.url}/__test/faults`, { method: 'POST', body: '[]' });
    expect(res.status).toBe(404);
  });
});

describe('POST /v1/evidence', () => {
  it('201 first time, then 200 with the same body on a true retry', async () => {
    const png = makePng(4, 3, 1);
    const rec = makeRecord(png);
    const first = await postEvidence(srv.url, rec, png);
    expect(first.status).toBe(201);
    const receipt = (await first.json()) as { id: string; receivedAt: string; sha256: string };
    expect(receipt).toEqual({ id: rec.id, receivedAt: expect.any(String), sha256: sha256Hex(png) });
    expect(new Date(receipt.receivedAt).toISOString()).toBe(receipt.receivedAt);

    const again = await postEvidence(srv.url, rec, png);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(receipt);

    // Same record re-serialised with other key order / whitespace is still the same record.
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(rec).reverse()), null, 2);
    const third = await postEvidence(srv.url, rec, png, { recordText: reordered });
    expect(third.status).toBe(200);
    expect(await third.json()).toEqual(receipt);

    // The file on disk holds the exact bytes, and no temp file is left.
    const files = await readdir(join(srv.screenshotsDir, rec.id));
    expect(files).toEqual([`${sha256Hex(png)}.png`]);
    expect(new Uint8Array(await readFile(join(srv.screenshotsDir, rec.id, files[0]!)))).toEqual(png);

    const row = await srv.storage.get(rec.id);
    expect(row?.monitor).toBe('alpha');
  });

  it('409 for the same id with a different screenshot or different record', async () => {
    const png = makePng(4, 3, 2);
    const rec = makeRecord(png);
    expect((await postEvidence(srv.url, rec, png)).status).toBe(201);

    const png2 = makePng(4, 3, 3);
    const rec2 = { ...rec, screenshot: { ...rec.screenshot, sha256: sha256Hex(png2) } };
    const r1 = await postEvidence(srv.url, rec2, png2);
    expect(r1.status).toBe(409);
    expect(((await r1.json()) as { error: string }).error).toMatch(/different content/);

    const r2 = await postEvidence(srv.url, { ...rec, kind: 'post' }, png);
    expect(r2.status).toBe(409);
    // The rejected screenshot was not kept.
    expect(await readdir(join(srv.screenshotsDir, rec.id))).toEqual([`${sha256Hex(png)}.png`]);
  });

  it('400 for a missing or mismatched Idempotency-Key', async () => {
    const png = makePng();
    const rec = makeRecord(png);
    const missing = await postEvidence(srv.url, rec, png, { idempotencyKey: null });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: string }).error).toMatch(/Idempotency-Key/);
    const wrong = await postEvidence(srv.url, rec, png, { idempotencyKey: '0b7d3c1e-1111-4222-8333-444455556666' });
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { error: string }).error).toMatch(/record\.id/);
  });

  it('400 for a body that is not multipart, bad JSON, or missing parts', async () => {
    const png = makePng();
    const rec = makeRecord(png);
    const notMultipart = await fetch(`${srv.url}/v1/evidence`, {
      method: 'POST', headers: { ...auth(), 'Idempotency-Key': rec.id, 'Content-Type': 'application/json' },
      body: JSON.stringify(rec),
    });
    expect(notMultipart.status).toBe(400);
    expect((await postEvidence(srv.url, rec, png, { recordText: '{"id": ' })).status).toBe(400);

    const form = new FormData();
    form.append('record', JSON.stringify(rec));
    const noShot = await fetch(`${srv.url}/v1/evidence`, {
      method: 'POST', headers: { ...auth(), 'Idempotency-Key': rec.id }, body: form,
    });
    expect(noShot.status).toBe(400);
    expect(((await noShot.json()) as { error: string }).error).toMatch(/screenshot/);

    const garbled = await fetch(`${srv.url}/v1/evidence`, {
      method: 'POST',
      headers: { ...auth(), 'Idempotency-Key': rec.id, 'Content-Type': 'multipart/form-data; boundary=xyz' },
      body: 'this is not multipart',
    });
    expect(garbled.status).toBe(400);
  });

  it('422 with a readable reason for an invalid record', async () => {
    const png = makePng();
    const rec = makeRecord(png);
    const bad = { ...rec, platform: 'myspace', subject: { ...rec.subject, nip: '123' } };
    const res = await postEvidence(srv.url, bad as never, png);
    expect(res.status).toBe(422);
    const { error } = (await res.json()) as { error: string };
    expect(error).toMatch(/platform/);
    expect(error).toMatch(/subject\.nip: NIP must be 18 digits/);
  });

  it('422 when the screenshot bytes do not match record.screenshot.sha256', async () => {
    const png = makePng(4, 3, 4);
    const rec = makeRecord(png);
    const res = await postEvidence(srv.url, rec, png, { png: makePng(4, 3, 5) });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: string }).error).toMatch(/sha256 mismatch/);
    expect(await srv.storage.get(rec.id)).toBeNull();
  });

  it('422 when the screenshot is not a PNG', async () => {
    const notPng = new TextEncoder().encode('GIF89a not a png at all');
    const rec = makeRecord(notPng);
    const res = await postEvidence(srv.url, rec, notPng);
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: string }).error).toMatch(/not a PNG/);
  });

  it('401 for a missing or unknown token, 403 for a disabled or unscoped one', async () => {
    const png = makePng();
    const rec = makeRecord(png);
    const none = await postEvidence(srv.url, rec, png, { token: null });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/Bearer/);
    expect((await postEvidence(srv.url, rec, png, { token: 'token-alpha-124' })).status).toBe(401);
    const disabled = await postEvidence(srv.url, rec, png, { token: 'token-gone-8901' });
    expect(disabled.status).toBe(403);
    expect(((await disabled.json()) as { error: string }).error).toBe('token disabled');
    expect((await postEvidence(srv.url, rec, png, { token: 'token-reader-22' })).status).toBe(403);
    expect(await srv.storage.get(rec.id)).toBeNull();
  });

  it('413 from Content-Length before reading the body', async () => {
    const png = makePng();
    const rec = makeRecord(png);
    const res = await rawPost(
      `${srv.url}/v1/evidence`,
      {
        ...auth(), 'Idempotency-Key': rec.id, 'Content-Type': 'multipart/form-data; boundary=b',
        'Content-Length': String(MAX + 1),
      },
      [], // nothing sent: the server must answer from the header alone
    );
    expect(res).toEqual({ status: 413, body: expect.stringContaining('larger than') });
  });

  it('413 from the counting stream when a chunked body grows past the limit', async () => {
    const png = makePng();
    const rec = makeRecord(png);
    const chunk = Buffer.alloc(32 * 1024, 0x41);
    const chunks = Array.from({ length: Math.ceil(MAX / chunk.length) + 4 }, () => chunk);
    const res = await rawPost(
      `${srv.url}/v1/evidence`,
      { ...auth(), 'Idempotency-Key': rec.id, 'Content-Type': 'multipart/form-data; boundary=b', 'Transfer-Encoding': 'chunked' },
      chunks,
      2,
    );
    if ('error' in res) {
      // The client may see the connection closed while still uploading; the server side must still have said 413.
      expect(logs.some((l) => l.startsWith('POST /v1/evidence 413'))).toBe(true);
    } else {
      expect(res.status).toBe(413);
    }
    // The server is healthy afterwards.
    expect((await fetch(`${srv.url}/v1/health`)).status).toBe(200);
  });

  it('413 for a real fetch upload over the limit', async () => {
    const big = new Uint8Array(MAX + 10);
    big.set(makePng());
    const rec = makeRecord(big);
    const res = await postEvidence(srv.url, rec, big).catch((e: Error) => e);
    if (res instanceof Error) expect(logs.some((l) => l.includes(' 413 '))).toBe(true);
    else expect(res.status).toBe(413);
  });

  it('no row without its file: a failed screenshot write stores nothing (500), a retry then works', async () => {
    const png = makePng(4, 4, 77);
    const rec = makeRecord(png);
    // A plain file where the record's screenshot folder should be makes the write fail.
    await writeFile(join(srv.screenshotsDir, rec.id), 'blocker');
    const failed = await postEvidence(srv.url, rec, png);
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({ error: 'internal server error' });
    expect(await srv.storage.get(rec.id)).toBeNull();
    await rm(join(srv.screenshotsDir, rec.id));
    expect((await postEvidence(srv.url, rec, png)).status).toBe(201);
    expect(await readdir(join(srv.screenshotsDir, rec.id))).toEqual([`${sha256Hex(png)}.png`]);
  });

  it('concurrent identical POSTs store exactly once', async () => {
    const png = makePng(8, 8, 9);
    const rec = makeRecord(png);
    const results = await Promise.all(Array.from({ length: 12 }, () => postEvidence(srv.url, rec, png)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(11);
    const bodies = await Promise.all(results.map((r) => r.json()));
    expect(new Set(bodies.map((b) => JSON.stringify(b))).size).toBe(1);
    const list = (await (await fetch(`${srv.url}/v1/evidence?limit=1000`, { headers: auth() })).json()) as {
      records: { id: string }[];
    };
    expect(list.records.filter((r) => r.id === rec.id)).toHaveLength(1);
    expect(await readdir(join(srv.screenshotsDir, rec.id))).toEqual([`${sha256Hex(png)}.png`]);
  });

  it('concurrent POSTs of one id with different content: one stored, the rest 409', async () => {
    const id = crypto.randomUUID();
    const variants = [1, 2, 3, 4].map((seed) => {
      const png = makePng(4, 4, 100 + seed);
      return { png, rec: makeRecord(png, { id }) };
    });
    const results = await Promise.all(variants.map((v) => postEvidence(srv.url, v.rec, v.png)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409]);
    const row = await srv.storage.get(id);
    expect(await readdir(join(srv.screenshotsDir, id))).toEqual([`${row!.sha256}.png`]);
  });
});

describe('GET /v1/evidence and the HTML list', () => {
  it('lists newest first with limit, monitor and summary fields; needs a token', async () => {
    const pngs = [makePng(2, 2, 50), makePng(2, 2, 51)];
    const a = makeRecord(pngs[0]!, { platform: 'instagram', kind: 'post' });
    const b = makeRecord(pngs[1]!);
    expect((await postEvidence(srv.url, a, pngs[0]!)).status).toBe(201);
    expect((await postEvidence(srv.url, b, pngs[1]!, { token: 'token-beta-4567' })).status).toBe(201);

    expect((await fetch(`${srv.url}/v1/evidence`)).status).toBe(401);
    const res = await fetch(`${srv.url}/v1/evidence?limit=2`, { headers: auth('token-reader-22') });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { records: Record<string, unknown>[]; total: number };
    expect(body.records.map((r) => r.id)).toEqual([b.id, a.id]);
    expect(body.records[0]).toEqual({
      id: b.id, receivedAt: expect.any(String), monitor: 'beta', platform: 'facebook', kind: 'comment',
      subjectName: 'Budi Santoso', sha256: sha256Hex(pngs[1]!), pageUrl: b.page.url, capturedAt: b.capturedAt,
    });
    expect(body.records[1]).toMatchObject({ monitor: 'alpha', platform: 'instagram', kind: 'post' });
    expect(body.total).toBeGreaterThanOrEqual(2);
    expect((await fetch(`${srv.url}/v1/evidence?limit=abc`, { headers: auth() })).status).toBe(400);

    const detail = await fetch(`${srv.url}/v1/evidence/${a.id}`, { headers: auth() });
    expect(((await detail.json()) as { record: unknown }).record).toEqual(a);
    const shot = await fetch(`${srv.url}/v1/evidence/${a.id}/screenshot`, { headers: auth() });
    expect(new Uint8Array(await shot.arrayBuffer())).toEqual(pngs[0]);
  });

  it('escapes page-derived text in the HTML page and requires auth', async () => {
    const png = makePng(2, 2, 60);
    const evil = '<script>alert("x")</script><img src=x onerror=alert(1)>';
    const rec = makeRecord(png, {
      page: { url: 'https://www.facebook.com/p?a=1&b="><script>alert(2)</script>', title: evil },
    });
    rec.subject = { ...rec.subject, name: evil };
    expect((await postEvidence(srv.url, rec, png)).status).toBe(201);

    const anon = await fetch(`${srv.url}/records`);
    expect(anon.status).toBe(401);
    expect(anon.headers.get('www-authenticate')).toMatch(/Basic/);

    const basic = `Basic ${Buffer.from('alpha:token-alpha-123').toString('base64')}`;
    for (const path of ['/', '/records']) {
      const res = await fetch(`${srv.url}${path}`, { headers: { Authorization: basic } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
      const html = await res.text();
      expect(html).toContain(rec.id);
      expect(html).not.toContain('<script');
      expect(html).not.toContain('<img');
      expect(html).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;');
    }
  });
});

describe('logging', () => {
  it('never logs a token', () => {
    expect(logs.length).toBeGreaterThan(10);
    for (const t of TEST_TOKENS) for (const line of logs) expect(line).not.toContain(t.token);
  });
});

describe('fault injection (testHooks)', () => {
  let fsrv: RunningServer;
  let fdir: string;
  beforeAll(async () => {
    fdir = await mkdtemp(join(tmpdir(), 'asn-server-faults-'));
    fsrv = await startServer({ port: 0, dataDir: fdir, tokens: TEST_TOKENS, testHooks: true, log: false, faults: [{ type: 'status', count: 2 }] });
  }, 60_000);
  afterAll(async () => {
    await fsrv?.close();
    await rm(fdir, { recursive: true, force: true });
  });

  it('next N POSTs answer 500, then normal service', async () => {
    const png = makePng();
    const rec = makeRecord(png);
    expect((await postEvidence(fsrv.url, rec, png)).status).toBe(500);
    expect((await postEvidence(fsrv.url, rec, png)).status).toBe(500);
    expect((await postEvidence(fsrv.url, rec, png)).status).toBe(201);
  });

  it('runtime control via POST /__test/faults: garbage JSON, wrong sha256, 503 + Retry-After, hang', async () => {
    const set = await fetch(`${fsrv.url}/__test/faults`, {
      method: 'POST',
      body: JSON.stringify({
        faults: [{ type: 'garbageJson' }, { type: 'wrongSha256' }, { type: 'status', status: 503, retryAfter: '7' }, { type: 'hang', ms: 300 }],
      }),
    });
    expect(set.status).toBe(200);
    expect(((await set.json()) as { faults: unknown[] }).faults).toHaveLength(4);

    const png = makePng(3, 3, 70);
    const rec = makeRecord(png);
    const garbage = await postEvidence(fsrv.url, rec, png);
    expect(garbage.status).toBe(201);
    await expect(garbage.clone().json()).rejects.toThrow();
    expect(await fsrv.storage.get(rec.id)).not.toBeNull(); // stored before the garbage reply

    const wrong = await postEvidence(fsrv.url, rec, png);
    expect(wrong.status).toBe(200);
    expect(((await wrong.json()) as { sha256: string }).sha256).not.toBe(sha256Hex(png));

    const busy = await postEvidence(fsrv.url, rec, png);
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('7');

    const hung = await postEvidence(fsrv.url, rec, png).then(
      (r) => `status ${r.status}`,
      () => 'connection dropped',
    );
    expect(hung).toBe('connection dropped');

    const ok = await postEvidence(fsrv.url, rec, png);
    expect(ok.status).toBe(200);
    expect((await fetch(`${fsrv.url}/__test/faults`, { method: 'DELETE' })).status).toBe(200);
    expect((await fetch(`${fsrv.url}/__test/faults`, { method: 'POST', body: '[{"type":"nope"}]' })).status).toBe(400);
  });

  it('rejects faults without testHooks', async () => {
    await expect(startServer({ port: 0, dataDir: fdir, tokens: TEST_TOKENS, faults: [{ type: 'hang' }] })).rejects.toThrow(/testHooks/);
  });
});
