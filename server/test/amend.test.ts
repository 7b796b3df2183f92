/**
 * Amendments (docs/sync-protocol.md, "Amendments"): a correction of a synced record, made on the
 * monitor's installation as a signed `edit` entry, is uploaded again under the same id. The server
 * accepts it only from the same monitor, with the same signed capture and files, and a custody log
 * that continues the stored one; it answers 200 with a new receipt and keeps the replaced version.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyBundle } from '../../lib/export/verify';
import { appendSignedCustody } from '../../lib/integrity/custody';
import { verifyReceipt, type Receipt } from '../../lib/integrity/receipt';
import { checkRecord, keyMap } from '../../lib/integrity/record-check';
import type { EvidenceRecord } from '../../lib/record/schema';
import { startServer, type RunningServer } from '../app';
import {
  corrected, keyFor, makePng, makeRecord, postSigned, signRecord, strip, synced, TEST_TOKENS, withId, type SignedRecord, type UploadCustodyEntry, type UploadReply as Reply,
} from './helpers';

let srv: RunningServer;
let dir: string;
const COORD = 'token-coord-3333';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'asn-amend-test-'));
  srv = await startServer({ port: 0, dataDir: dir, tokens: TEST_TOKENS, log: false });
}, 60_000);

afterAll(async () => {
  await srv?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Captured, saved and uploaded: returns the record as the extension holds it after the first sync. */
async function syncedRecord(token = 'token-alpha-123', seed = 1): Promise<{ s: SignedRecord; png: Uint8Array<ArrayBuffer>; first: Reply }> {
  const png = makePng(4, 3, seed);
  const s0 = await signRecord(makeRecord(png), { token, more: [{ at: new Date().toISOString(), action: 'save', actor: 'Pengawas A' }] });
  const res = await postSigned(srv.url, s0, png, { token });
  expect(res.status).toBe(201);
  const first = (await res.json()) as Reply;
  return { s: await synced(s0, first, 201), png, first };
}

const detail = async (id: string, token = 'token-alpha-123') =>
  (await (await fetch(`${srv.url}/v1/evidence/${id}`, { headers: { Authorization: `Bearer ${token}` } })).json()) as {
    version: number; amendedAt: string | null; receivedAt: string; record: EvidenceRecord; receipt: Receipt; custody: UploadCustodyEntry[];
  };
const versions = async (id: string, token = 'token-alpha-123') => {
  const res = await fetch(`${srv.url}/v1/evidence/${id}/versions`, { headers: { Authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as { version: number; versions: Array<{ version: number; receivedAt: string; supersededAt: string; record: EvidenceRecord; receipt: Receipt; custody: unknown[] }> } };
};

describe('amendment of a synced record', () => {
  it('is accepted with 200 and a new receipt covering the longer log; the replaced version stays retrievable', async () => {
    const { s, png, first } = await syncedRecord();
    expect(first.version).toBe(1);
    const amended = await corrected(s, 'subject.agency', 'Dinas Kesehatan');
    const res = await postSigned(srv.url, amended, png);
    expect(res.status).toBe(200);
    const reply = (await res.json()) as Reply;
    expect(reply.version).toBe(2);
    expect(reply.id).toBe(s.record.id);
    const rc = await verifyReceipt(reply.receipt);
    expect(rc.ok).toBe(true);
    if (!rc.ok) return;
    expect(rc.body.custodyLength).toBe(amended.custody.length);
    expect(rc.body.custodyHead).toBe(amended.custody.at(-1)!.hash);
    expect(rc.body.receivedAt).toBe(reply.receivedAt);
    expect(reply.receipt.signature).not.toBe(first.receipt.signature);
    const firstBody = (await verifyReceipt(first.receipt)) as { ok: true; body: { custodyLength: number; capturedSha256: string } };
    expect(firstBody.body.custodyLength).toBe(2);
    expect(rc.body.capturedSha256).toBe(firstBody.body.capturedSha256);

    // The server holds the corrected content, the new log and receipt...
    const now = await detail(s.record.id);
    expect(now.version).toBe(2);
    expect(now.record.subject.agency).toBe('Dinas Kesehatan');
    expect(now.receipt.signature).toBe(reply.receipt.signature);
    expect(now.custody).toHaveLength(4);
    expect(now.receivedAt).toBe(first.receivedAt); // when the evidence first arrived
    expect(now.amendedAt).toBe(reply.receivedAt);
    // ... and the version it replaced, with its own receipt.
    const v = await versions(s.record.id);
    expect(v.status).toBe(200);
    expect(v.body.version).toBe(2);
    expect(v.body.versions).toHaveLength(1);
    expect(v.body.versions[0]!.version).toBe(1);
    expect(v.body.versions[0]!.record.subject.agency).toBe('Dinas Pendidikan');
    expect(v.body.versions[0]!.receipt.signature).toBe(first.receipt.signature);
    expect(v.body.versions[0]!.receivedAt).toBe(first.receivedAt);
    expect(v.body.versions[0]!.custody).toHaveLength(2);
    // The list shows the record once.
    const list = (await (await fetch(`${srv.url}/v1/evidence`, { headers: { Authorization: 'Bearer token-alpha-123' } })).json()) as { records: { id: string }[] };
    expect(list.records.filter((r) => r.id === s.record.id)).toHaveLength(1);
  });

  it('sending the same amendment again is idempotent: 200, the same receipt, no new version', async () => {
    const { s, png } = await syncedRecord();
    const amended = await corrected(s, 'subject.position', 'Kepala Sekolah');
    const a = (await (await postSigned(srv.url, amended, png)).json()) as Reply;
    const again = await postSigned(srv.url, amended, png);
    expect(again.status).toBe(200);
    const b = (await again.json()) as Reply;
    expect(b.version).toBe(2);
    expect(b.receipt.signature).toBe(a.receipt.signature);
    expect(b.receivedAt).toBe(a.receivedAt);
    expect((await versions(s.record.id)).body.versions).toHaveLength(1);
  });

  it('a second correction after the first one synced makes version 3; both earlier versions are kept', async () => {
    const { s, png } = await syncedRecord();
    const a1 = await corrected(s, 'subject.rank', 'III/c');
    const r1 = (await (await postSigned(srv.url, a1, png)).json()) as Reply;
    const a2 = await corrected(await synced(a1, r1, 200), 'subject.rank', 'III/d');
    const res = await postSigned(srv.url, a2, png);
    expect(res.status).toBe(200);
    expect(((await res.json()) as Reply).version).toBe(3);
    const v = await versions(s.record.id);
    expect(v.body.versions.map((x) => [x.version, x.record.subject.rank])).toEqual([[1, 'III/b'], [2, 'III/c']]);
  });

  it('a rollback is refused: the original (shorter log) after an amendment, or a log that diverges, is 409 and changes nothing', async () => {
    const { s, png } = await syncedRecord();
    const amended = await corrected(s, 'subject.agency', 'Dinas Sosial');
    expect((await postSigned(srv.url, amended, png)).status).toBe(200);

    // The record as it was before the correction (its log is a prefix of the stored one): 409.
    const back = await postSigned(srv.url, s, png);
    expect(back.status).toBe(409);
    expect(((await back.json()) as { code: string }).code).toBe('custody_not_extended');
    // A different correction made from the same earlier state (its log diverges from the stored one): 409.
    const fork = await corrected(s, 'subject.agency', 'Dinas Perhubungan');
    const forked = await postSigned(srv.url, fork, png);
    expect(forked.status).toBe(409);
    expect(((await forked.json()) as { code: string }).code).toBe('custody_not_extended');
    const now = await detail(s.record.id);
    expect(now.version).toBe(2);
    expect(now.record.subject.agency).toBe('Dinas Sosial');
    expect((await versions(s.record.id)).body.versions).toHaveLength(1);
  });

  it('a log cut short (the stored log is not a prefix) is 409', async () => {
    const { s, png } = await syncedRecord();
    // The capture only, then an edit: it leaves out the stored `save` entry.
    const cut: SignedRecord = { ...s, custody: s.custody.slice(0, 1) };
    const res = await postSigned(srv.url, await corrected(cut, 'subject.agency', 'Dinas Sosial'), png);
    expect(res.status).toBe(409);
    expect(((await res.json()) as { code: string }).code).toBe('custody_not_extended');
    expect((await detail(s.record.id)).version).toBe(1);
  });

  it('another capture under the same id (new signature, other screenshot) is 409, even with a longer log', async () => {
    const { s, png } = await syncedRecord();
    // Re-signed capture with other content, same id, same key, and a log longer than the stored one.
    const other = await signRecord({ ...structuredClone(s.record), attestation: undefined, capturedAt: '2024-09-13T02:16:00.000Z' }, {
      key: s.key,
      more: [{ at: new Date().toISOString(), action: 'save', actor: 'x' }, { at: new Date().toISOString(), action: 'save', actor: 'x' }],
    });
    const res = await postSigned(srv.url, other, png);
    expect(res.status).toBe(409);
    expect(((await res.json()) as { code: string }).code).toBe('capture_differs');
    // A different screenshot (a new signed capture with its own PNG).
    const png2 = makePng(4, 3, 99);
    const shot = await signRecord(makeRecord(png2, { id: s.record.id }), { key: s.key, more: [{ at: new Date().toISOString(), action: 'save', actor: 'x' }, { at: new Date().toISOString(), action: 'save', actor: 'y' }] });
    const res2 = await postSigned(srv.url, shot, png2);
    expect(res2.status).toBe(409);
    expect(((await res2.json()) as { code: string }).code).toBe('capture_differs');
    expect((await detail(s.record.id)).version).toBe(1);
  });

  it("another monitor cannot amend a monitor's record: 409 amend_other_monitor, nothing stored", async () => {
    const { s, png } = await syncedRecord();
    // beta's own installation imports the record (it becomes the holder) and corrects it: a valid log,
    // uploaded with beta's token and key.
    const betaKey = await keyFor('token-beta-4567');
    const imported = await appendSignedCustody(s.record.id, strip(s.custody), [{
      at: new Date().toISOString(), action: 'import', actor: 'beta',
      details: { keys: [{ keyId: s.key.keyId, publicKey: s.key.publicKey }] },
    }], betaKey);
    const held: SignedRecord = { ...s, custody: withId(s.record.id, imported), keys: [...s.keys, { keyId: betaKey.keyId, publicKey: betaKey.publicKey }], key: betaKey };
    const amended = await corrected(held, 'subject.agency', 'Dinas Sosial', betaKey);
    const res = await postSigned(srv.url, amended, png, { token: 'token-beta-4567' });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { code: string }).code).toBe('amend_other_monitor');
    expect((await detail(s.record.id)).version).toBe(1);
    // alpha's own correction still goes through.
    expect((await postSigned(srv.url, await corrected(s, 'subject.agency', 'Dinas Sosial'), png)).status).toBe(200);
  });

  it('an amendment whose content does not match its signed edits is 422 (the strict check still applies)', async () => {
    const { s, png } = await syncedRecord();
    const amended = await corrected(s, 'subject.agency', 'Dinas Sosial');
    const forged: SignedRecord = { ...amended, record: { ...amended.record, subject: { ...amended.record.subject, position: 'Camat' } } };
    const res = await postSigned(srv.url, forged, png);
    expect(res.status).toBe(422);
    expect((await detail(s.record.id)).version).toBe(1);
  });

  it('the amended record with both receipts passes the strict check, and the server export of it verifies (library and the Python verifier)', async () => {
    const { s, png } = await syncedRecord();
    const amended = await corrected(s, 'subject.agency', 'Dinas Kesehatan');
    const reply = (await (await postSigned(srv.url, amended, png)).json()) as Reply;
    const held = await synced(amended, reply, 200);
    const proof = await checkRecord(held.record, strip(held.custody), { keys: keyMap(held.keys).keys, trustedServerKeys: new Set([srv.serverKey.kid]) });
    expect(proof.ok, proof.problems.map((p) => p.message).join('\n')).toBe(true);
    expect(proof.receipts).toHaveLength(2);
    expect(proof.receipts.every((r) => r.ok && r.trusted)).toBe(true);
    expect(proof.receipts.map((r) => r.body?.custodyLength)).toEqual([2, 4]);
    expect(proof.changes.map((c) => [c.path, c.captured, c.current])).toEqual([['subject.agency', 'Dinas Pendidikan', 'Dinas Kesehatan']]);

    const res = await fetch(`${srv.url}/v1/export?ids=${s.record.id}`, { headers: { Authorization: `Bearer ${COORD}` } });
    expect(res.status).toBe(200);
    const zip = new Uint8Array(await res.arrayBuffer());
    const r = await verifyBundle(zip, { trustedServerKeys: [srv.serverKey.kid] });
    expect(r.ok, r.problems.map((p) => p.message).join('\n')).toBe(true);
    expect(r.proofs[0]!.receipts.filter((x) => x.ok && x.trusted)).toHaveLength(2);
    const file = join(dir, 'amended.zip');
    await writeFile(file, zip);
    const py = spawnSync('python3', [join(__dirname, '../../tools/verify_bundle.py'), file, '--server-key', srv.serverKey.kid], { encoding: 'utf8' });
    expect(py.status, py.stdout + py.stderr).toBe(0);
  });
});
