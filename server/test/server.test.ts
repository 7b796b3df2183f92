import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKey } from '../../lib/integrity/keys';
import { capturedSha256, verifyReceipt } from '../../lib/integrity/receipt';
import { startServer, type RunningServer } from '../app';
import { keyFor, makePng, makeRecord, postEvidence, postSigned, sha256Hex, signedUpload, signRecord, TEST_TOKENS } from './helpers';

const MAX = 256 * 1024;
let srv: RunningServer;
let dir: string;
const logs: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'asn-server-test-'));
  // maxUploadsPerToken: the concurrency tests race 12 uploads of one token (the default allows 4 at a time, then 429)
  srv = await startServer({ port: 0, dataDir: dir, tokens: TEST_TOKENS, maxBytes: MAX, maxUploadsPerToken: 12, log: (l) => logs.push(l) });
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
    const signed = await signRecord(makeRecord(png));
    const rec = signed.record;
    const first = await postSigned(srv.url, signed, png);
    expect(first.status).toBe(201);
    const receipt = (await first.json()) as { id: string; receivedAt: string; sha256: string; receipt: unknown };
    expect(receipt).toEqual({
      id: rec.id, receivedAt: expect.any(String), sha256: sha256Hex(png), receipt: expect.objectContaining({ format: 'asn-evidence-receipt' }), version: 1,
    });
    expect(new Date(receipt.receivedAt).toISOString()).toBe(receipt.receivedAt);
    // The countersigned receipt: signed by the key /v1/health publishes, about exactly what was received.
    const rc = await verifyReceipt(receipt.receipt);
    if (!rc.ok) throw new Error(rc.reason);
    expect(rc.serverKeyId).toBe(srv.serverKey.kid);
    expect(rc.body).toEqual({
      type: 'asn-evidence-receipt', v: 1, recordId: rec.id, capturedSha256: capturedSha256(rec.attestation!.payload),
      screenshotSha256: sha256Hex(png), fullSha256: null, sourceSha256: null, custodyHead: signed.custody.at(-1)!.hash,
      custodyLength: signed.custody.length, installationKeyId: signed.key.keyId, uploaderKeyId: signed.key.keyId,
      monitor: 'alpha', receivedAt: receipt.receivedAt, serverKeyId: srv.serverKey.kid,
    });

    const again = await postSigned(srv.url, signed, png);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(receipt);

    // Same record re-serialised with other key order / whitespace is still the same record.
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(rec).reverse()), null, 2);
    const third = await postSigned(srv.url, signed, png, { recordText: reordered });
    expect(third.status).toBe(200);
    expect(await third.json()).toEqual(receipt);

    // The file on disk holds the exact bytes, and no temp file is left.
    const files = await readdir(join(srv.screenshotsDir, rec.id));
    expect(files).toEqual([`${sha256Hex(png)}.png`]);
    expect(new Uint8Array(await readFile(join(srv.screenshotsDir, rec.id, files[0]!)))).toEqual(png);

    const row = await srv.storage.get(rec.id);
    expect(row?.monitor).toBe('alpha');
    expect(row?.keyId).toBe(signed.key.keyId);
    expect(JSON.parse(row!.custodyJson)).toEqual(signed.custody);
    expect(JSON.parse(row!.receiptJson)).toEqual(receipt.receipt);
  });

  it('409 for the same id with a different screenshot or different record', async () => {
    const png = makePng(4, 3, 2);
    const { res: stored, signed } = await signedUpload(srv.url, makeRecord(png), png);
    expect(stored.status).toBe(201);
    const rec = signed.record;

    // Other content under the same id, each validly signed (a capture of its own): 409, not stored.
    const png2 = makePng(4, 3, 3);
    const rec2 = { ...rec, screenshot: { ...rec.screenshot, sha256: sha256Hex(png2) } };
    const r1 = await postSigned(srv.url, await signRecord(rec2), png2);
    expect(r1.status).toBe(409);
    expect(((await r1.json()) as { error: string }).error).toMatch(/different content/);

    const r2 = await postSigned(srv.url, await signRecord({ ...rec, kind: 'post' }), png);
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
    const { res } = await signedUpload(srv.url, rec, png, { png: makePng(4, 3, 5) });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: string }).error).toMatch(/sha256 mismatch/);
    expect(await srv.storage.get(rec.id)).toBeNull();
  });

  it('422 when the screenshot is not a PNG', async () => {
    const notPng = new TextEncoder().encode('GIF89a not a png at all');
    const rec = makeRecord(notPng);
    const { res } = await signedUpload(srv.url, rec, notPng);
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
    const signed = await signRecord(makeRecord(png));
    const rec = signed.record;
    // A plain file where the record's screenshot folder should be makes the write fail.
    await writeFile(join(srv.screenshotsDir, rec.id), 'blocker');
    const failed = await postSigned(srv.url, signed, png);
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({ error: 'internal server error' });
    expect(await srv.storage.get(rec.id)).toBeNull();
    await rm(join(srv.screenshotsDir, rec.id));
    expect((await postSigned(srv.url, signed, png)).status).toBe(201);
    expect(await readdir(join(srv.screenshotsDir, rec.id))).toEqual([`${sha256Hex(png)}.png`]);
  });

  it('concurrent identical POSTs store exactly once', async () => {
    const png = makePng(8, 8, 9);
    const signed = await signRecord(makeRecord(png));
    const rec = signed.record;
    const results = await Promise.all(Array.from({ length: 12 }, () => postSigned(srv.url, signed, png)));
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
    const variants = await Promise.all([1, 2, 3, 4].map(async (seed) => {
      const png = makePng(4, 4, 100 + seed);
      return { png, signed: await signRecord(makeRecord(png, { id })) };
    }));
    const results = await Promise.all(variants.map((v) => postSigned(srv.url, v.signed, v.png)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409]);
    const row = await srv.storage.get(id);
    expect(await readdir(join(srv.screenshotsDir, id))).toEqual([`${row!.sha256}.png`]);
  });
});

describe('POST /v1/evidence: signatures, custody logs and device keys', () => {
  const codeOf = async (r: Response) => ((await r.json()) as { code?: string }).code;

  it('422 for an unsigned record, content changed after signing, a missing, broken or foreign-signed custody log; nothing stored', async () => {
    const png = makePng(4, 3, 80);
    const signed = await signRecord(makeRecord(png));
    const id = signed.record.id;
    const { attestation: _a, ...bare } = signed.record;

    const unsigned = await postEvidence(srv.url, bare, png, { custody: signed.custody, keys: signed.keys });
    expect(unsigned.status).toBe(422);
    expect(await codeOf(unsigned)).toBe('unsigned');

    const changed = await postSigned(srv.url, { ...signed, record: { ...signed.record, kind: 'post' } }, png);
    expect(changed.status).toBe(422);
    expect(await codeOf(changed)).toBe('content_differs');

    const noLog = await postEvidence(srv.url, signed.record, png, { keys: signed.keys });
    expect(noLog.status).toBe(422);
    expect(await codeOf(noLog)).toBe('custody_invalid');

    const broken = structuredClone(signed.custody);
    broken[0]!.actor = 'Orang Lain';
    const brokenRes = await postSigned(srv.url, { ...signed, custody: broken }, png);
    expect(brokenRes.status).toBe(422);
    expect(await codeOf(brokenRes)).toBe('custody_invalid');

    // the capture entry signed by another installation than the one that signed the capture
    const other = await signRecord(bare, { key: await generateSigningKey() });
    const foreign = await postSigned(srv.url, { ...signed, custody: other.custody, keys: [...signed.keys, ...other.keys] }, png);
    expect(foreign.status).toBe(422);
    expect(await codeOf(foreign)).toBe('custody_invalid');

    expect(await srv.storage.get(id)).toBeNull();
  });

  it("binds a monitor's first installation key; another key is 403 device_not_approved until a coordinator approves it", async () => {
    const png = makePng(4, 3, 81);
    expect((await signedUpload(srv.url, makeRecord(png), png)).res.status).toBe(201); // alpha's installation: bound
    const laptop = await generateSigningKey();
    const png2 = makePng(4, 3, 82);
    const s2 = await signRecord(makeRecord(png2), { key: laptop });
    const refused = await postSigned(srv.url, s2, png2);
    expect(refused.status).toBe(403);
    expect(await codeOf(refused)).toBe('device_not_approved');
    expect(await srv.storage.get(s2.record.id)).toBeNull();

    // a coordinator sees it pending; a monitor may neither list nor approve keys
    expect((await fetch(`${srv.url}/v1/keys`, { headers: auth() })).status).toBe(403);
    const list = await fetch(`${srv.url}/v1/keys`, { headers: auth('token-coord-3333') });
    expect(list.status).toBe(200);
    const keys = ((await list.json()) as { keys: { keyId: string; monitor: string; status: string }[] }).keys;
    expect(keys).toContainEqual(expect.objectContaining({ keyId: laptop.keyId, monitor: 'alpha', status: 'pending' }));
    expect(keys).toContainEqual(expect.objectContaining({ keyId: (await keyFor()).keyId, monitor: 'alpha', status: 'approved' }));
    expect((await fetch(`${srv.url}/v1/keys/${laptop.keyId}/approve`, { method: 'POST', headers: auth() })).status).toBe(403);
    const approved = await fetch(`${srv.url}/v1/keys/${laptop.keyId}/approve`, { method: 'POST', headers: auth('token-coord-3333') });
    expect(approved.status).toBe(200);
    expect(await approved.json()).toMatchObject({ keyId: laptop.keyId, monitor: 'alpha', status: 'approved', decidedBy: 'coord' });
    expect((await postSigned(srv.url, s2, png2)).status).toBe(201);

    // a key bound to alpha does not upload for beta
    const png3 = makePng(4, 3, 83);
    const s3 = await signRecord(makeRecord(png3), { key: laptop });
    const otherMonitor = await postSigned(srv.url, s3, png3, { token: 'token-beta-4567' });
    expect(otherMonitor.status).toBe(403);
    expect(await codeOf(otherMonitor)).toBe('key_other_monitor');

    // revoked: refused again
    expect((await fetch(`${srv.url}/v1/keys/${laptop.keyId}/revoke`, { method: 'POST', headers: auth('token-coord-3333') })).status).toBe(200);
    const revoked = await postSigned(srv.url, s3, png3);
    expect(revoked.status).toBe(403);
    expect(await codeOf(revoked)).toBe('key_revoked');
    expect(await srv.storage.get(s3.record.id)).toBeNull();
  });
});

describe('GET /v1/evidence and the HTML list', () => {
  it('lists newest first with limit, monitor and summary fields; needs a token', async () => {
    const pngs = [makePng(2, 2, 50), makePng(2, 2, 51)];
    const sa = await signRecord(makeRecord(pngs[0]!, { platform: 'instagram', kind: 'post' }));
    const sb = await signRecord(makeRecord(pngs[1]!), { token: 'token-beta-4567' }); // beta's own installation
    const a = sa.record, b = sb.record;
    expect((await postSigned(srv.url, sa, pngs[0]!)).status).toBe(201);
    expect((await postSigned(srv.url, sb, pngs[1]!, { token: 'token-beta-4567' })).status).toBe(201);

    expect((await fetch(`${srv.url}/v1/evidence`)).status).toBe(401);
    // a coordinator reads every monitor's records (a monitor only its own: hardening.test.ts)
    const res = await fetch(`${srv.url}/v1/evidence?limit=2`, { headers: auth('token-coord-3333') });
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
    const d = (await detail.json()) as { record: unknown; custody: unknown; receipt: { format: string } };
    expect(d.record).toEqual(a);
    expect(d.custody).toEqual(sa.custody);
    expect(d.receipt.format).toBe('asn-evidence-receipt');
    const shot = await fetch(`${srv.url}/v1/evidence/${a.id}/screenshot`, { headers: auth() });
    expect(new Uint8Array(await shot.arrayBuffer())).toEqual(pngs[0]);
  });

  it('a mistyped workspace address answers a page in Indonesian (English with the language cookie), never JSON', async () => {
    const res = await fetch(`${srv.url}/posko/tidak-ada?x=<script>`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const page = await res.text();
    expect(page).toContain('Halaman tidak ditemukan');
    expect(page).toContain('href="/posko"');
    expect(page).not.toContain('<script>');
    const en = await (await fetch(`${srv.url}/posko/nope`, { headers: { Cookie: 'posko_lang=en' } })).text();
    expect(en).toContain('Page not found');
    // the API keeps answering JSON
    expect(await (await fetch(`${srv.url}/v1/nope`)).json()).toEqual({ error: 'not found' });
  });

  it('the old record list sends people to the team workspace (/posko)', async () => {
    for (const path of ['/', '/records', '/records?limit=5']) {
      const res = await fetch(`${srv.url}${path}`, { redirect: 'manual' });
      expect(res.status, path).toBe(303);
      expect(res.headers.get('location')).toBe('/posko');
      expect(await res.text()).toBe('');
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
    const signed = await signRecord(makeRecord(png));
    expect((await postSigned(fsrv.url, signed, png)).status).toBe(500);
    expect((await postSigned(fsrv.url, signed, png)).status).toBe(500);
    expect((await postSigned(fsrv.url, signed, png)).status).toBe(201);
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
    const signed = await signRecord(makeRecord(png));
    const rec = signed.record;
    const garbage = await postSigned(fsrv.url, signed, png);
    expect(garbage.status).toBe(201);
    await expect(garbage.clone().json()).rejects.toThrow();
    expect(await fsrv.storage.get(rec.id)).not.toBeNull(); // stored before the garbage reply

    const wrong = await postSigned(fsrv.url, signed, png);
    expect(wrong.status).toBe(200);
    expect(((await wrong.json()) as { sha256: string }).sha256).not.toBe(sha256Hex(png));

    const busy = await postSigned(fsrv.url, signed, png);
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('7');

    const hung = await postSigned(fsrv.url, signed, png).then(
      (r) => `status ${r.status}`,
      () => 'connection dropped',
    );
    expect(hung).toBe('connection dropped');

    const ok = await postSigned(fsrv.url, signed, png);
    expect(ok.status).toBe(200);
    expect((await fetch(`${fsrv.url}/__test/faults`, { method: 'DELETE' })).status).toBe(200);
    expect((await fetch(`${fsrv.url}/__test/faults`, { method: 'POST', body: '[{"type":"nope"}]' })).status).toBe(400);
  });

  it('rejects faults without testHooks', async () => {
    await expect(startServer({ port: 0, dataDir: fdir, tokens: TEST_TOKENS, faults: [{ type: 'hang' }] })).rejects.toThrow(/testHooks/);
  });
});
