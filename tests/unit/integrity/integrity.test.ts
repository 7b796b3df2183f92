import { beforeEach, describe, expect, it } from 'vitest';
import { attest, generateSigningKey, verifyAttestation } from '../../../lib/integrity/attestation';
import { appendCustody, appendSignedCustody, verifyCustody, type CustodyLink } from '../../../lib/integrity/custody';
import { checkRecord } from '../../../lib/integrity/record-check';
import { diffFields } from '../../../lib/integrity/replay';
import { installationKey } from '../../../lib/integrity/keystore';
import { canonicalJson } from '../../../lib/integrity/canonical';
import { applyPatch } from '../../../lib/record/edit';
import { evidenceRecordSchema } from '../../../lib/record/schema';
import { record } from '../pipeline/make';

const ID = '3f1c9a52-8a4e-4c1b-9d7e-2b5f0c7a1e11';

describe('canonical JSON', () => {
  it('sorts keys recursively and drops undefined, so key order never changes a hash', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: undefined, x: 'é' }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"x":"é","z":1}]},"b":1}');
  });
});

describe('custody log: append-only, hash-chained', () => {
  const build = (): CustodyLink[] => {
    let log: CustodyLink[] = [];
    log = appendCustody(ID, log, { at: '2024-09-13T02:15:04.123Z', action: 'capture', actor: 'Rahmat', details: { sha256: 'a'.repeat(64) } });
    log = appendCustody(ID, log, { at: '2024-09-13T02:16:00.000Z', action: 'edit', actor: 'Rahmat', details: { changes: [{ path: 'subject.nip', from: null, to: '198503122010011002' }] } });
    log = appendCustody(ID, log, { at: '2024-09-13T03:00:00.000Z', action: 'sync', actor: 'Rahmat' });
    return log;
  };

  it('links each entry to the one before and verifies', () => {
    const log = build();
    expect(log[0]!.prevHash).toBeNull();
    expect(log[1]!.prevHash).toBe(log[0]!.hash);
    expect(log[2]!.prevHash).toBe(log[1]!.hash);
    expect(verifyCustody(ID, log)).toEqual({ ok: true, length: 3 });
  });

  it('names the first broken link when an entry is changed, removed, reordered or moved to another record', () => {
    const changed = build();
    (changed[1]!.details as { changes: Array<{ to: string }> }).changes[0]!.to = '199999999999999999';
    expect(verifyCustody(ID, changed)).toMatchObject({ ok: false, index: 1 });

    const removed = build();
    removed.splice(1, 1);
    expect(verifyCustody(ID, removed)).toMatchObject({ ok: false, index: 1 });

    const reordered = build();
    [reordered[1], reordered[2]] = [reordered[2]!, reordered[1]!];
    expect(verifyCustody(ID, reordered)).toMatchObject({ ok: false, index: 1 });

    expect(verifyCustody('11111111-1111-4111-8111-111111111111', build())).toMatchObject({ ok: false, index: 0 });
  });

  it('never mutates the log it appends to', () => {
    const log = build();
    const copy = structuredClone(log);
    appendCustody(ID, log, { at: '2024-09-14T00:00:00.000Z', action: 'export', actor: null });
    expect(log).toEqual(copy);
  });
});

describe('capture attestation (ECDSA P-256)', () => {
  it('signs the record as captured; the record with its signature stays schema-valid', async () => {
    const key = await generateSigningKey();
    const rec = record();
    rec.attestation = await attest(rec, key, new Date('2024-09-13T02:15:04.500Z'));
    expect(evidenceRecordSchema.parse(rec).attestation).toEqual(rec.attestation);
    const check = await verifyAttestation(rec);
    // the signed capture is the record without its attestation
    const { attestation: _a, ...captured } = rec;
    expect(check).toEqual({ ok: true, keyId: key.keyId, signed: JSON.parse(JSON.stringify(captured)) });
  });

  it('after the monitor edits, the signature still holds and the edited paths are listed', async () => {
    const key = await generateSigningKey();
    const rec = record();
    rec.attestation = await attest(rec, key);
    const capture = { at: rec.capturedAt, action: 'capture', actor: 'Rahmat', details: { sha256: rec.screenshot.sha256 } };
    const { record: edited, changes } = applyPatch(rec, { subject: { nip: '198503122010011002' }, comment: { text: 'diubah' } });
    const check = await verifyAttestation(edited);
    expect(check.ok).toBe(true);
    // with the edit in the signed custody log: valid, and the changed fields are listed with the captured values
    const log = await appendSignedCustody<CustodyLink>(rec.id, [], [capture, { at: '2024-09-13T02:16:00.000Z', action: 'edit', actor: 'Rahmat', details: { changes } }], key);
    const proof = await checkRecord(edited, log);
    expect(proof.problems).toEqual([]);
    expect(proof.ok).toBe(true);
    expect(proof.changes.map((c) => [c.path, c.captured, c.current, c.actor])).toEqual([
      ['subject.nip', rec.subject.nip, '198503122010011002', 'Rahmat'], ['comment.text', rec.comment!.text, 'diubah', 'Rahmat'],
    ]);
    // without the edit in the log: the same edited paths are named as differing from the signed capture
    const unlogged = await checkRecord(edited, await appendSignedCustody<CustodyLink>(rec.id, [], [capture], key));
    expect(unlogged.ok).toBe(false);
    expect(unlogged.problems.map((p) => p.code)).toEqual(['content_differs']);
    if (!check.ok) return;
    expect(diffFields(check.signed, JSON.parse(JSON.stringify({ ...edited, attestation: undefined }))).map((d) => d.path))
      .toEqual(['comment.text', 'fieldSources.comment.text', 'fieldSources.subject.nip', 'subject.nip']);
    for (const path of ['comment.text', 'subject.nip']) expect(unlogged.problems[0]!.message).toContain(path);
  });

  it('rejects a forged payload, a swapped screenshot hash, another record and a foreign key', async () => {
    const key = await generateSigningKey();
    const rec = record();
    rec.attestation = await attest(rec, key);

    const forged = structuredClone(rec);
    forged.attestation!.payload = forged.attestation!.payload.replace('Budi Santoso', 'Orang Lain');
    expect(await verifyAttestation(forged)).toMatchObject({ ok: false, reason: /does not match/ });

    const swapped = structuredClone(rec);
    swapped.screenshot.sha256 = 'c'.repeat(64);
    expect(await verifyAttestation(swapped)).toMatchObject({ ok: false, reason: /screenshot hash/ });

    const other = structuredClone(rec);
    other.id = '11111111-1111-4111-8111-111111111111';
    expect(await verifyAttestation(other)).toMatchObject({ ok: false, reason: /another record/ });

    const foreign = structuredClone(rec);
    foreign.attestation!.publicKey = (await generateSigningKey()).publicKey;
    expect(await verifyAttestation(foreign)).toMatchObject({ ok: false });
  });

  it('lists differing leaf paths', () => {
    expect(diffFields({ a: { b: 1, c: 2 }, d: 1 }, { a: { b: 1, c: 3 }, d: 1, e: 1 }).map((d) => d.path)).toEqual(['a.c', 'e']);
  });
});

describe('installation key', () => {
  beforeEach(() => indexedDB.deleteDatabase('asn-keys'));
  it('is made once, kept in IndexedDB, and its private key cannot be exported', async () => {
    const a = await installationKey();
    const b = await installationKey();
    expect(b.keyId).toBe(a.keyId);
    expect(a.privateKey.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('jwk', a.privateKey)).rejects.toThrow();
  });
});
