/**
 * The trust anchor, checked from outside: a receipt from the running server verifies with
 * openssl following docs/integrity.md alone (PEM from the published JWK, DER from r || s, the
 * signed bytes = the receipt's payload); the server refuses unsigned records, records edited
 * without a signed edit, and a second device key until a coordinator approves it.
 */
import { spawnSync } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { derOfRawSignature } from '../../tests/support/der';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyBundle } from '../../lib/export/verify';
import { generateSigningKey, fromB64url } from '../../lib/integrity/keys';
import { startServer, type RunningServer } from '../app';
import { makePng, makeRecord, postEvidence, postSigned, signRecord, TEST_TOKENS } from './helpers';

let srv: RunningServer;
const dir = mkdtempSync(join(tmpdir(), 'asn-trust-'));
const COORD = 'token-coordinator-77';
beforeAll(async () => {
  srv = await startServer({ port: 0, dataDir: join(dir, 'data'), tokens: [...TEST_TOKENS, { monitor: 'koordinator', token: COORD, role: 'coordinator' }], log: false });
}, 60_000);
afterAll(async () => {
  await srv.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the server as trust anchor', () => {
  it('publishes its key; a receipt verifies with openssl from the docs alone, and a forged one does not', async () => {
    const health = await (await fetch(`${srv.url}/v1/health`)).json() as { serverKey: { x: string; y: string; kid: string } };
    expect(health.serverKey.kid).toMatch(/^[0-9a-f]{64}$/);
    const png = makePng(4, 3, 91);
    const res = await postSigned(srv.url, await signRecord(makeRecord(png)), png);
    expect(res.status).toBe(201);
    const { receipt } = await res.json() as { receipt: { payload: string; signature: string; serverKey: { kid: string } } };
    expect(receipt.serverKey.kid).toBe(health.serverKey.kid);
    writeFileSync(join(dir, 'server.pem'), createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: health.serverKey.x, y: health.serverKey.y }, format: 'jwk' }).export({ type: 'spki', format: 'pem' }));
    writeFileSync(join(dir, 'sig.der'), derOfRawSignature(fromB64url(receipt.signature)));
    writeFileSync(join(dir, 'payload.bin'), receipt.payload, 'utf8');
    writeFileSync(join(dir, 'forged.bin'), receipt.payload.replace(/"receivedAt":"[^"]+"/, '"receivedAt":"2020-01-01T00:00:00.000Z"'), 'utf8');
    const openssl = (file: string) => spawnSync('openssl', ['dgst', '-sha256', '-verify', join(dir, 'server.pem'), '-signature', join(dir, 'sig.der'), join(dir, file)], { encoding: 'utf8' });
    expect(openssl('payload.bin').stdout.trim()).toBe('Verified OK');
    expect(openssl('forged.bin').status).not.toBe(0);
  });

  it('refuses unsigned records and content that differs from the signed capture', async () => {
    const png = makePng(4, 3, 92);
    const plain = await postEvidence(srv.url, makeRecord(png), png);
    expect(plain.status).toBe(422);
    expect(await plain.json()).toMatchObject({ code: 'unsigned' });
    const s = await signRecord(makeRecord(png));
    s.record = { ...s.record, subject: { ...s.record.subject, nip: '199912312020121001' } };
    const edited = await postSigned(srv.url, s, png);
    expect(edited.status).toBe(422);
    const body = await edited.json() as { code: string; error: string };
    expect(body.code).toBe('content_differs');
    expect(body.error).toContain('subject.nip');
  });

  it('binds the first device key; a second key waits for the coordinator, who approves it', async () => {
    const png = makePng(4, 3, 93);
    const other = await generateSigningKey();
    const s = await signRecord(makeRecord(png), { key: other });
    const refused = await postSigned(srv.url, s, png);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: 'device_not_approved' });
    const monitorList = await fetch(`${srv.url}/v1/keys`, { headers: { Authorization: `Bearer ${TEST_TOKENS[0]!.token}` } });
    expect(monitorList.status).toBe(403);
    const list = await (await fetch(`${srv.url}/v1/keys`, { headers: { Authorization: `Bearer ${COORD}` } })).json() as { keys: { keyId: string; status: string }[] };
    expect(list.keys.find((k) => k.keyId === other.keyId)?.status).toBe('pending');
    const monitorApprove = await fetch(`${srv.url}/v1/keys/${other.keyId}/approve`, { method: 'POST', headers: { Authorization: `Bearer ${TEST_TOKENS[0]!.token}` } });
    expect(monitorApprove.status).toBe(403);
    const ok = await fetch(`${srv.url}/v1/keys/${other.keyId}/approve`, { method: 'POST', headers: { Authorization: `Bearer ${COORD}` } });
    expect(ok.status).toBe(200);
    expect((await postSigned(srv.url, s, png)).status).toBe(201);
  });

  it("a coordinator's export from the server carries the same proofs and verifies against the server key (library, Python)", async () => {
    const denied = await fetch(`${srv.url}/v1/export?monitor=alpha`, { headers: { Authorization: `Bearer ${TEST_TOKENS[0]!.token}` } });
    expect(denied.status).toBe(403);
    const res = await fetch(`${srv.url}/v1/export?monitor=alpha`, { headers: { Authorization: `Bearer ${COORD}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    const zip = new Uint8Array(await res.arrayBuffer());
    const r = await verifyBundle(zip, { trustedServerKeys: [srv.serverKey.kid] });
    expect(r.ok, r.problems.map((p) => p.message).join('\n')).toBe(true);
    expect(r.trust.signerKeyId).toBe(srv.serverKey.kid);
    expect(r.proofs.length).toBeGreaterThanOrEqual(2);
    for (const p of r.proofs) {
      expect(p.receipts.some((x) => x.ok && x.trusted && x.body?.monitor === 'alpha')).toBe(true);
      expect(p.holderKeyId).toBe(srv.serverKey.kid);
    }
    writeFileSync(join(dir, 'server-export.zip'), zip);
    const py = spawnSync('python3', [join(__dirname, '../../tools/verify_bundle.py'), join(dir, 'server-export.zip'), '--server-key', srv.serverKey.kid], { encoding: 'utf8' });
    expect(py.status, py.stdout + py.stderr).toBe(0);
    expect(py.stdout).toMatch(/monitor alpha \(trusted\)/);
  });
});
