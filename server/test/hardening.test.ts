/**
 * Findings reproduced by an attacker, one describe each:
 *  - refused uploads (401/403/429) must be able to read their answer, not see EPIPE/ECONNRESET;
 *  - malformed input answers 4xx, never 500: bad percent-escapes in ids, records with unknown or
 *    absurdly nested fields, broken Unicode, deep custody logs, oversized JSON parts;
 *  - read isolation: a monitor reads only its own records; coordinators and auditors read all;
 *  - bounded concurrent uploads per token and overall (429 + Retry-After); temp files never left.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest, type ClientRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../lib/integrity/canonical';
import { startServer, type RunningServer } from '../app';
import { spawnServer, type ChildServer } from './child';
import { makePng, makeRecord, postSigned, sha256Hex, signRecord, TEST_TOKENS, type SignedRecord } from './helpers';

const TOKENS = [...TEST_TOKENS, { monitor: 'audit', token: 'token-audit-5555', role: 'auditor' as const }];
const ALPHA = 'token-alpha-123';
const BETA = 'token-beta-4567';
const COORD = 'token-coord-3333';
const AUDIT = 'token-audit-5555';
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

let srv: RunningServer;
let dir: string;
const logs: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'asn-hardening-'));
  srv = await startServer({ port: 0, dataDir: dir, tokens: TOKENS, log: (l) => logs.push(l) });
}, 60_000);

afterAll(async () => {
  await srv?.close();
  await rm(dir, { recursive: true, force: true });
});

/** The upload form as the extension sends it, from raw part texts (so deep JSON need not go through JSON.stringify). */
function formOf(parts: { record: string; png: Uint8Array<ArrayBuffer> | Blob; custody?: string; keys?: string; extra?: [string, Blob, string][] }): FormData {
  const f = new FormData();
  f.append('record', new Blob([parts.record], { type: 'application/json' }), 'record.json');
  f.append('screenshot', parts.png instanceof Blob ? parts.png : new Blob([parts.png], { type: 'image/png' }), 'screenshot.png');
  if (parts.custody !== undefined) f.append('custody', new Blob([parts.custody], { type: 'application/json' }), 'custody.json');
  if (parts.keys !== undefined) f.append('keys', new Blob([parts.keys], { type: 'application/json' }), 'keys.json');
  for (const [name, blob, file] of parts.extra ?? []) f.append(name, blob, file);
  return f;
}

async function postForm(id: string, body: FormData, token: string | null = ALPHA): Promise<{ status: number; body: { error?: string; code?: string } }> {
  const headers: Record<string, string> = { 'Idempotency-Key': id };
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(`${srv.url}/v1/evidence`, { method: 'POST', headers, body });
  const text = await res.text();
  let parsed: { error?: string; code?: string } = {};
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    parsed = { error: text };
  }
  return { status: res.status, body: parsed };
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** `{"a":{"a":...` nested `depth` deep around `inner`, as text. */
const nested = (depth: number, inner = '"x"') => '{"a":'.repeat(depth) + inner + '}'.repeat(depth);
/** JSON text of `obj` with member `name` replaced by raw JSON text. */
function withRaw(obj: object, name: string, raw: string): string {
  const text = JSON.stringify({ ...obj, [name]: '__RAW__' });
  return text.replace('"__RAW__"', raw);
}

describe('refused uploads read their 401/403 (no EPIPE/ECONNRESET)', () => {
  // A server in another process answers while the client is still sending (in-process, the test's
  // own event loop lets the client finish sending first and hides the problem).
  let child: ChildServer;
  let cdir: string;
  beforeAll(async () => {
    cdir = await mkdtemp(join(tmpdir(), 'asn-refused-'));
    await writeFile(join(cdir, 'config.json'), JSON.stringify({ tokens: TOKENS }));
    child = await spawnServer({ ASN_SERVER_DATA: join(cdir, 'data'), ASN_SERVER_CONFIG: join(cdir, 'config.json') });
  }, 90_000);
  afterAll(async () => {
    await child?.stop();
    await rm(cdir, { recursive: true, force: true });
  });

  it('60 refused uploads of ~2 MB with fetch (30 one after another, 30 at once) all read their 401/403', async () => {
    const png = makePng(4, 3, 500);
    const big = new Uint8Array(2 * 1024 * 1024);
    big.set(png);
    const blob = new Blob([big], { type: 'image/png' });
    const rec = makeRecord(big);
    const kinds: { token: string | null; want: number }[] = [
      { token: null, want: 401 }, { token: 'token-nobody-000', want: 401 }, { token: 'token-gone-8901', want: 403 },
      { token: 'token-reader-22', want: 403 }, { token: COORD, want: 403 },
    ];
    const attempt = async (i: number): Promise<string> => {
      const { token, want } = kinds[i % kinds.length]!;
      const headers: Record<string, string> = { 'Idempotency-Key': rec.id };
      if (token) headers.Authorization = `Bearer ${token}`;
      try {
        const res = await fetch(`${child.url}/v1/evidence`, { method: 'POST', headers, body: formOf({ record: JSON.stringify(rec), png: blob }) });
        await res.arrayBuffer();
        return res.status === want ? 'ok' : `status ${res.status}, wanted ${want}`;
      } catch (e) {
        const cause = (e as { cause?: { code?: string; message?: string } }).cause;
        return `network error ${cause?.code ?? cause?.message ?? (e as Error).message}`;
      }
    };
    const results: string[] = [];
    for (let i = 0; i < 30; i++) results.push(await attempt(i));
    results.push(...(await Promise.all(Array.from({ length: 30 }, (_, i) => attempt(i)))));
    const errors = results.filter((r) => r !== 'ok');
    console.log(`refused uploads: ${results.length - errors.length} of ${results.length} read their 401/403; the others: ${JSON.stringify(errors.slice(0, 4))}${errors.length > 4 ? ' ...' : ''}`);
    expect(errors).toEqual([]);
    expect((await fetch(`${child.url}/v1/health`)).status).toBe(200);
  }, 120_000);
});

describe('malformed ids answer 400, never 500', () => {
  it('bad percent-escapes and %00 in /v1/evidence/{id}[/screenshot|/full|/source]', async () => {
    for (const bad of ['%E0%A4%A', '%00', '%', 'a%00b', '%ZZ', '%C0%80']) {
      for (const tail of ['', '/screenshot', '/full', '/source']) {
        const res = await fetch(`${srv.url}/v1/evidence/${bad}${tail}`, { headers: auth(COORD) });
        expect(res.status, `${bad}${tail}`).toBe(400);
        expect(await res.json()).toEqual({ error: 'malformed record id' });
      }
    }
  });
});

describe('records with fields the schema does not know: 422 unknown_fields, never stored', () => {
  it('an unknown field nested 5,000 deep (signed with the record, or added after signing) -> 400 json_too_deep, never stored', async () => {
    const png = makePng(4, 3, 510);
    // signed with the junk (the capture signature covers it)
    const rec = makeRecord(png);
    const withJunk = JSON.parse(withRaw(rec, 'junk', nested(5000))) as typeof rec;
    const s1 = await signRecord(withJunk);
    const r1 = await postForm(rec.id, formOf({ record: canonicalJson(s1.record), png, custody: JSON.stringify(s1.custody), keys: JSON.stringify(s1.keys) }));
    expect(r1).toEqual({ status: 400, body: { error: expect.stringMatching(/junk.*nested deeper than 32/), code: 'json_too_deep' } });

    // added after signing
    const s2 = await signRecord(makeRecord(png));
    const r2 = await postForm(s2.record.id, formOf({ record: withRaw(s2.record, 'junk', nested(5000)), png, custody: JSON.stringify(s2.custody), keys: JSON.stringify(s2.keys) }));
    expect(r2).toEqual({ status: 400, body: { error: expect.stringMatching(/junk/), code: 'json_too_deep' } });
    // a known field nested too deep (an array of arrays where the schema wants a string) is malformed too
    const r3 = await postForm(s2.record.id, formOf({ record: withRaw(s2.record, 'junk2', '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]'), png, custody: JSON.stringify(s2.custody), keys: JSON.stringify(s2.keys) }));
    expect(r3.status).toBe(400);
    expect(r3.body.code).toBe('json_too_deep');
    // 31 levels is still JSON the server reads (then refuses the unknown member by name)
    const r4 = await postForm(s2.record.id, formOf({ record: withRaw(s2.record, 'junk', nested(30)), png, custody: JSON.stringify(s2.custody), keys: JSON.stringify(s2.keys) }));
    expect(r4).toEqual({ status: 422, body: { error: expect.stringMatching(/\bjunk\b/), code: 'unknown_fields' } });
    expect(await srv.storage.get(rec.id)).toBeNull();
    expect(await srv.storage.get(s2.record.id)).toBeNull();
  });

  it('a 3.3 MB junk field, and unknown fields inside known objects -> 422 naming the first paths', async () => {
    const png = makePng(4, 3, 511);
    const s = await signRecord(makeRecord(png));
    const junk = await postForm(s.record.id, formOf({ record: JSON.stringify({ ...s.record, junk: 'x'.repeat(3_300_000) }), png, custody: JSON.stringify(s.custody), keys: JSON.stringify(s.keys) }));
    expect(junk).toEqual({ status: 422, body: { error: expect.stringMatching(/\bjunk\b/), code: 'unknown_fields' } });

    const inner = { ...s.record, subject: { ...s.record.subject, extra: 1 }, screenshot: { ...s.record.screenshot, x: [1] }, zz: null };
    const r = await postForm(s.record.id, formOf({ record: JSON.stringify(inner), png, custody: JSON.stringify(s.custody), keys: JSON.stringify(s.keys) }));
    expect(r.status).toBe(422);
    expect(r.body.code).toBe('unknown_fields');
    for (const p of ['subject.extra', 'screenshot.x', 'zz']) expect(r.body.error).toContain(p);
    // __proto__ is a field like any other
    const proto = await postForm(s.record.id, formOf({ record: withRaw(s.record, '__proto__', '{"polluted":true}'), png, custody: JSON.stringify(s.custody), keys: JSON.stringify(s.keys) }));
    expect(proto).toEqual({ status: 422, body: { error: expect.stringContaining('__proto__'), code: 'unknown_fields' } });
    expect(await srv.storage.get(s.record.id)).toBeNull();
    // the same record without the junk is stored
    expect((await postSigned(srv.url, s, png)).status).toBe(201);
  });

  it('a record part over 4 MiB -> 413 part_too_large', async () => {
    const png = makePng(4, 3, 512);
    const s = await signRecord(makeRecord(png));
    const r = await postForm(s.record.id, formOf({ record: JSON.stringify({ ...s.record, page: { ...s.record.page, title: 'x'.repeat(5 * 1024 * 1024) } }), png, custody: JSON.stringify(s.custody), keys: JSON.stringify(s.keys) }));
    expect(r).toEqual({ status: 413, body: { error: expect.stringMatching(/record/), code: 'part_too_large' } });
  });

  it('deep or broken JSON elsewhere (custody details, keys, signed capture, lone surrogates) -> 4xx, never 500', async () => {
    const png = makePng(4, 3, 513);
    const rec = makeRecord(png);
    // custody details nested 5,000 deep, properly hashed and signed
    const deepDetails = JSON.parse(nested(5000)) as Record<string, unknown>;
    const s = await signRecord(rec, { more: [{ at: rec.capturedAt, action: 'save', actor: 'x', details: deepDetails }] });
    const deep = await postForm(rec.id, formOf({ record: JSON.stringify(s.record), png, custody: canonicalJson(s.custody), keys: JSON.stringify(s.keys) }));
    expect(deep.status).toBe(400);
    expect(deep.body.code).toBe('json_too_deep');

    // keys nested deep
    const s2 = await signRecord(makeRecord(png));
    const keys = await postForm(s2.record.id, formOf({ record: JSON.stringify(s2.record), png, custody: JSON.stringify(s2.custody), keys: `[${nested(5000)}]` }));
    expect(keys).toEqual({ status: 400, body: { error: expect.stringMatching(/part "keys"/), code: 'json_too_deep' } });

    // the signed capture itself nested deep (signature valid), the record without the junk
    const s3 = await signRecord(JSON.parse(withRaw(makeRecord(png), 'junk', nested(5000))) as typeof rec);
    const { junk: _j, ...clean } = s3.record as typeof s3.record & { junk?: unknown };
    const capture = await postForm(s3.record.id, formOf({ record: JSON.stringify(clean), png, custody: JSON.stringify(s3.custody), keys: JSON.stringify(s3.keys) }));
    expect(capture).toEqual({ status: 400, body: { error: expect.stringMatching(/attestation\.payload/), code: 'json_too_deep' } });

    // a lone surrogate in a record field, in custody details
    const s4 = await signRecord(makeRecord(png));
    const lone = JSON.stringify(s4.record).replace('"Siap menangkan!"', '"\\ud800"');
    const r4 = await postForm(s4.record.id, formOf({ record: lone, png, custody: JSON.stringify(s4.custody), keys: JSON.stringify(s4.keys) }));
    expect(r4.status).toBe(422);
    const badCustody = JSON.stringify(s4.custody).replace('"details":{', '"details":{"x":"\\udc00",');
    const r5 = await postForm(s4.record.id, formOf({ record: JSON.stringify(s4.record), png, custody: badCustody, keys: JSON.stringify(s4.keys) }));
    expect(r5.status).toBe(422);
    expect(logs.filter((l) => / 500 /.test(l))).toEqual([]);
  });
});

describe('read isolation by role', () => {
  let a: SignedRecord;
  let b: SignedRecord;
  const files = { full: makePng(6, 4, 521), source: new TextEncoder().encode('<div>hai</div>') as Uint8Array<ArrayBuffer> };
  beforeAll(async () => {
    const pa = makePng(4, 3, 520);
    const recA = makeRecord(pa);
    a = await signRecord(recA);
    expect((await postSigned(srv.url, a, pa)).status).toBe(201);
    // beta's record with a full-tab screenshot and source, so every sub-resource exists
    const pb = makePng(4, 3, 522);
    const recB = makeRecord(pb);
    recB.screenshot = { ...recB.screenshot, full: { file: `evidence/${recB.id}/full.png`, sha256: sha256Hex(files.full), width: 6, height: 4 } };
    recB.source = { file: `evidence/${recB.id}/source.html`, sha256: sha256Hex(files.source), mime: 'text/html', bytes: files.source.length, truncated: false, targetPath: null };
    b = await signRecord(recB, { token: BETA });
    const res = await postForm(recB.id, formOf({
      record: JSON.stringify(b.record), png: pb, custody: JSON.stringify(b.custody), keys: JSON.stringify(b.keys),
      extra: [['full', new Blob([files.full], { type: 'image/png' }), 'full.png'], ['source', new Blob([files.source], { type: 'text/html' }), 'source.html']],
    }), BETA);
    expect(res.status).toBe(201);
  });

  const list = async (token: string) => {
    const res = await fetch(`${srv.url}/v1/evidence?limit=1000`, { headers: auth(token) });
    expect(res.status).toBe(200);
    return (await res.json()) as { records: { id: string; monitor: string }[]; total: number };
  };

  it("a monitor lists only its own records; a coordinator and an auditor list everyone's", async () => {
    const alpha = await list(ALPHA);
    expect(alpha.records.map((r) => r.id)).toContain(a.record.id);
    expect(alpha.records.map((r) => r.id)).not.toContain(b.record.id);
    expect(new Set(alpha.records.map((r) => r.monitor))).toEqual(new Set(['alpha']));
    expect(alpha.total).toBe(alpha.records.length);
    const beta = await list(BETA);
    expect(beta.records.map((r) => r.id)).toEqual([b.record.id]);
    expect(beta.total).toBe(1);
    // a monitor token that may only list, and has uploaded nothing, sees nothing
    expect(await list('token-reader-22')).toEqual({ records: [], total: 0 });
    for (const t of [COORD, AUDIT]) {
      const all = await list(t);
      expect(all.records.map((r) => r.id)).toEqual(expect.arrayContaining([a.record.id, b.record.id]));
      expect(all.total).toBe(await srv.storage.count());
    }
  });

  it("another monitor's record is 404, exactly as a record that does not exist", async () => {
    for (const tail of ['', '/screenshot', '/full', '/source']) {
      const other = await fetch(`${srv.url}/v1/evidence/${b.record.id}${tail}`, { headers: auth(ALPHA) });
      const none = await fetch(`${srv.url}/v1/evidence/${crypto.randomUUID()}${tail}`, { headers: auth(ALPHA) });
      expect(other.status, tail).toBe(404);
      expect(await other.json()).toEqual(await none.json());
      for (const t of [BETA, COORD, AUDIT]) {
        expect((await fetch(`${srv.url}/v1/evidence/${b.record.id}${tail}`, { headers: auth(t) })).status, `${t} ${tail}`).toBe(200);
      }
    }
    expect((await fetch(`${srv.url}/v1/evidence/${a.record.id}`, { headers: auth(ALPHA) })).status).toBe(200);
    expect((await fetch(`${srv.url}/v1/evidence/${a.record.id}`, { headers: auth(BETA) })).status).toBe(404);
  });
});

describe('concurrent uploads are bounded (429 + Retry-After) and leave no temp files', () => {
  let lsrv: RunningServer;
  let ldir: string;
  beforeAll(async () => {
    ldir = await mkdtemp(join(tmpdir(), 'asn-limits-'));
    lsrv = await startServer({ port: 0, dataDir: ldir, tokens: TOKENS, maxUploadsPerToken: 2, maxConcurrentUploads: 3, log: false });
  }, 60_000);
  afterAll(async () => {
    await lsrv?.close();
    await rm(ldir, { recursive: true, force: true });
  });

  /** An upload that sends its headers and the start of its body, then waits. */
  function slowUpload(token: string, part: 'screenshot' | 'record' = 'screenshot'): { req: ClientRequest; done: Promise<number | string> } {
    const id = crypto.randomUUID();
    let req!: ClientRequest;
    const done = new Promise<number | string>((ok) => {
      req = httpRequest(`${lsrv.url}/v1/evidence`, {
        method: 'POST',
        headers: { ...auth(token), 'Idempotency-Key': id, 'Content-Type': 'multipart/form-data; boundary=zzz', 'Transfer-Encoding': 'chunked' },
      }, (res) => {
        res.resume();
        res.on('end', () => ok(res.statusCode ?? 0));
      });
      req.on('error', (e) => ok(e.message));
      req.write(`--zzz\r\nContent-Disposition: form-data; name="${part}"; filename="x"\r\nContent-Type: application/octet-stream\r\n\r\n`);
      req.write(part === 'record' ? '{"id": "' : Buffer.alloc(64 * 1024, 1));
    });
    return { req, done };
  }

  async function upload(token: string): Promise<Response> {
    const png = makePng(4, 3, 600 + Math.floor(Math.random() * 1000));
    const s = await signRecord(makeRecord(png), { token });
    return postSigned(lsrv.url, s, png, { token });
  }

  it('a token gets 429 past its own limit, every token past the overall one; the slots free again', async () => {
    const held = [slowUpload(ALPHA), slowUpload(ALPHA)];
    await until(() => lsrv.uploadsInProgress() === 2);
    const third = await upload(ALPHA);
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await third.json()) as { code?: string }).code).toBe('too_many_uploads');

    const beta = slowUpload(BETA); // the third upload in flight: the overall limit
    await until(() => lsrv.uploadsInProgress() === 3);
    const gamma = await upload('token-reader-22').then((r) => r.status); // no upload scope: 403, not counted
    expect(gamma).toBe(403);
    const overall = await upload(BETA);
    expect(overall.status).toBe(429);
    expect(overall.headers.get('retry-after')).toBeTruthy();

    // the held uploads end with a truncated body (400) or are cut by the client; the slots free
    expect(lsrv.uploadsInProgress()).toBe(3);
    held[0]!.req.end();
    held[1]!.req.destroy();
    beta.req.end();
    expect(await held[0]!.done).toBe(400);
    expect(await beta.done).toBe(400);
    await until(() => lsrv.uploadsInProgress() === 0);
    expect((await upload(ALPHA)).status).toBe(201);
    expect((await upload(BETA)).status).toBe(201);
  });

  it('a valid upload cut short anywhere (or with its parts in any order) is 4xx or stored, never 500, never stuck', async () => {
    const png = makePng(40, 30, 710);
    const s = await signRecord(makeRecord(png));
    const form = new FormData();
    form.append('custody', new Blob([JSON.stringify(s.custody)]), 'custody.json');
    form.append('screenshot', new Blob([png], { type: 'image/png' }), 'screenshot.png');
    form.append('keys', new Blob([JSON.stringify(s.keys)]), 'keys.json');
    form.append('record', new Blob([JSON.stringify(s.record)]), 'record.json');
    const encoded = new Response(form);
    const contentType = encoded.headers.get('content-type')!;
    const body = new Uint8Array(await encoded.arrayBuffer());
    const statuses = new Set<number>();
    for (let i = 0; i < 40; i++) {
      const cut = Math.floor((body.length * i) / 40);
      const res = await fetch(`${lsrv.url}/v1/evidence`, {
        method: 'POST', headers: { ...auth(ALPHA), 'Idempotency-Key': s.record.id, 'Content-Type': contentType }, body: body.subarray(0, cut),
      });
      await res.arrayBuffer();
      statuses.add(res.status);
    }
    expect([...statuses].every((st) => st === 400), JSON.stringify([...statuses])).toBe(true);
    const whole = await fetch(`${lsrv.url}/v1/evidence`, {
      method: 'POST', headers: { ...auth(ALPHA), 'Idempotency-Key': s.record.id, 'Content-Type': contentType }, body,
    });
    expect(whole.status).toBe(201);
    expect(lsrv.uploadsInProgress()).toBe(0);
  });

  it('no temporary file is left after refused, failed, cut and accepted uploads', async () => {
    const png = makePng(4, 3, 700);
    const s = await signRecord(makeRecord(png));
    expect((await postSigned(lsrv.url, s, png, { png: makePng(4, 3, 701) })).status).toBe(422); // sha mismatch
    expect((await postSigned(lsrv.url, { ...s, custody: [] }, png)).status).toBe(422);
    expect((await postSigned(lsrv.url, s, png)).status).toBe(201);
    expect((await postSigned(lsrv.url, s, png)).status).toBe(200);
    const other = await signRecord(makeRecord(makePng(4, 3, 702), { id: s.record.id }));
    expect((await postSigned(lsrv.url, other, makePng(4, 3, 702))).status).toBe(409);
    // cut by the client in the middle of a file part, and of a JSON part: the slots free, the files go
    for (const part of ['screenshot', 'record'] as const) {
      const cut = slowUpload(ALPHA, part);
      await until(() => lsrv.uploadsInProgress() === 1);
      await new Promise((r) => setTimeout(r, 100));
      cut.req.destroy();
      await cut.done;
      await until(() => lsrv.uploadsInProgress() === 0);
    }
    const deadline = Date.now() + 5000;
    let left = await readdir(join(ldir, 'tmp'));
    while (left.length && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      left = await readdir(join(ldir, 'tmp'));
    }
    expect(left).toEqual([]);
  });
});
