/** uploadEvidence against the real reference server (server/app.ts) on an ephemeral port. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../../server/app';
import { corrected, makePng, makeRecord, signRecord, synced, TEST_TOKENS, type SignedRecord } from '../../../server/test/helpers';
import { checkHealth, uploadEvidence } from '../../../lib/sync/protocol';
import { initialSyncState, markSending, onUploadOutcome } from '../../../lib/sync/queue';

let srv: RunningServer;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'asn-sync-e2e-'));
  srv = await startServer({ port: 0, dataDir: dir, tokens: TEST_TOKENS, testHooks: true, log: false });
}, 60_000);

afterAll(async () => {
  await srv?.close();
  await rm(dir, { recursive: true, force: true });
});

const png = makePng(6, 4, 3);
const screenshot = new Blob([png], { type: 'image/png' });
const base = () => ({ baseUrl: `${srv.url}/`, token: 'token-alpha-123', screenshot });
/** A record as the extension sends it: signed at capture, with its signed custody log and key. */
const signedParams = (s: SignedRecord) => ({ ...base(), record: s.record, custody: s.custody, keys: s.keys });

describe('uploadEvidence x reference server', () => {
  it('checkHealth reports the server', async () => {
    expect(await checkHealth(`${srv.url}/`)).toMatchObject({ ok: true, status: 200 });
  });

  it('a lost reply (garbage JSON, 500 after store) is retried; the retry gets 200 and the queue ends synced', async () => {
    const signed = await signRecord(makeRecord(png));
    const record = signed.record;
    srv.setFaults([{ type: 'garbageJson' }, { type: 'status', status: 500, afterStore: true }]);
    let state = markSending(initialSyncState(), Date.now());
    const first = await uploadEvidence(signedParams(signed));
    expect(first).toMatchObject({ kind: 'retry', status: 201 });
    state = onUploadOutcome(state, first, Date.now(), () => 0);
    expect(state).toMatchObject({ status: 'queued', attempts: 1 });
    expect(await uploadEvidence(signedParams(signed))).toMatchObject({ kind: 'retry', status: 500 });

    const third = await uploadEvidence(signedParams(signed));
    expect(third.kind).toBe('stored');
    if (third.kind !== 'stored') return;
    expect(third.status).toBe(200); // stored by the first attempt
    expect(third.receipt.sha256).toBe(record.screenshot.sha256);
    // the server's countersigned receipt is kept (uploadEvidence checked it is about this record)
    expect(third.receipt.signed).toMatchObject({ format: 'asn-evidence-receipt', serverKey: { kid: srv.serverKey.kid } });
    state = onUploadOutcome(markSending(state, Date.now()), third, Date.now(), () => 0);
    expect(state).toMatchObject({ status: 'synced', attempts: 2, receipt: third.receipt });
    expect(await uploadEvidence(signedParams(signed))).toEqual(third);

    srv.setFaults([{ type: 'wrongSha256' }]);
    expect(await uploadEvidence(signedParams(signed))).toMatchObject({ kind: 'retry', status: 200 });
  });

  it('201 for a new record, 409 for changed content, 422 for a sha mismatch', async () => {
    const signed = await signRecord(makeRecord(png));
    expect(await uploadEvidence(signedParams(signed))).toMatchObject({ kind: 'stored', status: 201 });
    // the same id with other (validly signed) content
    const changed = await signRecord({ ...signed.record, kind: 'post' });
    expect(await uploadEvidence(signedParams(changed))).toMatchObject({ kind: 'rejected', status: 409 });
    // unsigned (no capture signature, no custody log): refused, not retried
    expect(await uploadEvidence({ ...base(), record: makeRecord(png) })).toMatchObject({ kind: 'rejected', status: 422 });
    const mismatch = await uploadEvidence({
      ...signedParams(await signRecord(makeRecord(png))), screenshot: new Blob([makePng(6, 4, 4)], { type: 'image/png' }),
    });
    expect(mismatch).toMatchObject({ kind: 'rejected', status: 422 });
    expect((mismatch as { message: string }).message).toMatch(/sha256 mismatch/);
  });

  it('unknown token -> auth 401, disabled token -> auth 403', async () => {
    expect(await uploadEvidence({ ...base(), record: makeRecord(png), token: 'token-wrong-000' })).toEqual({
      kind: 'auth', status: 401, error: 'token_refused', message: 'HTTP 401: unknown token',
    });
    expect(await uploadEvidence({ ...base(), record: makeRecord(png), token: 'token-gone-8901' })).toMatchObject({ kind: 'auth', status: 403, error: 'token_disabled' });
  });

  it('429 with Retry-After and a hanging server are retries', async () => {
    srv.setFaults([{ type: 'status', status: 429, retryAfter: '3' }]);
    expect(await uploadEvidence({ ...base(), record: makeRecord(png) })).toMatchObject({ kind: 'retry', status: 429, retryAfterMs: 3000 });
    srv.setFaults([{ type: 'hang' }]);
    expect(await uploadEvidence({ ...base(), record: makeRecord(png), timeoutMs: 300 })).toEqual({
      kind: 'retry', status: null, error: 'timeout', message: 'No answer within 300 ms',
    });
    srv.setFaults([]);
  });

  it('an amendment (a synced record corrected with a signed edit) is stored: 200 with a receipt covering the longer log; the queue ends synced', async () => {
    const signed = await signRecord(makeRecord(png), { more: [{ at: new Date().toISOString(), action: 'save', actor: 'Pengawas A' }] });
    const first = await uploadEvidence(signedParams(signed));
    expect(first).toMatchObject({ kind: 'stored', status: 201 });
    if (first.kind !== 'stored' || !first.receipt.signed) throw new Error('no receipt');
    const amended = await corrected(await synced(signed, { ...first.receipt, receipt: first.receipt.signed }, 201), 'subject.agency', 'Dinas Sosial');
    let state = markSending({ ...initialSyncState(), receipt: first.receipt }, Date.now());
    const second = await uploadEvidence(signedParams(amended));
    expect(second).toMatchObject({ kind: 'stored', status: 200 });
    if (second.kind !== 'stored' || !second.receipt.signed) throw new Error('no receipt');
    const body = JSON.parse(second.receipt.signed.payload) as { custodyLength: number; custodyHead: string };
    expect(body).toMatchObject({ custodyLength: 4, custodyHead: amended.custody.at(-1)!.hash });
    state = onUploadOutcome(state, second, Date.now(), () => 0);
    expect(state).toMatchObject({ status: 'synced', receipt: second.receipt });
  });

  it("a 200 whose receipt does not cover the log just sent (an earlier version's receipt) is not trusted: retry", async () => {
    const signed = await signRecord(makeRecord(png), { more: [{ at: new Date().toISOString(), action: 'save', actor: 'Pengawas A' }] });
    const firstReply = await (await fetch(`${srv.url}/v1/evidence`, {
      method: 'POST', headers: { Authorization: 'Bearer token-alpha-123', 'Idempotency-Key': signed.record.id },
      body: (() => {
        const f = new FormData();
        f.append('record', new Blob([JSON.stringify(signed.record)], { type: 'application/json' }), 'record.json');
        f.append('screenshot', screenshot, 'screenshot.png');
        f.append('custody', new Blob([JSON.stringify(signed.custody)], { type: 'application/json' }), 'custody.json');
        f.append('keys', new Blob([JSON.stringify(signed.keys)], { type: 'application/json' }), 'keys.json');
        return f;
      })(),
    })).text();
    const reply = JSON.parse(firstReply) as { id: string; receivedAt: string; sha256: string; receipt: never };
    const amended = await corrected(await synced(signed, reply, 201), 'subject.agency', 'Dinas Sosial');
    // A server (or proxy) that answers the correction with the receipt of the version it had before.
    const stale = async () => new Response(firstReply, { status: 200, headers: { 'Content-Type': 'application/json' } });
    const out = await uploadEvidence({ ...signedParams(amended), fetchImpl: stale });
    expect(out).toMatchObject({ kind: 'retry', status: 200 });
    expect((out as { message: string }).message).toMatch(/does not cover this version/);
    // The same receipt for the log it was made for is fine.
    expect(await uploadEvidence({ ...signedParams(signed), fetchImpl: stale })).toMatchObject({ kind: 'stored', status: 200 });
  });
});
