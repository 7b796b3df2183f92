/**
 * docs/integrity.md's test vector, checked the way an outsider would: canonical bytes, SHA-256,
 * key id, and both signatures with WebCrypto and with openssl (PEM from the JWK, DER from r || s,
 * exactly as section 1 of the doc says), and the Python verifier's canonicaliser gives the same bytes.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { derOfRawSignature } from '../../support/der';
import { afterAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../lib/integrity/canonical';
import { custodyHashInput } from '../../../lib/integrity/custody';
import { fromB64url, keyIdOf, verifyText } from '../../../lib/integrity/keys';

const root = resolve(__dirname, '../../..');
const V = JSON.parse(readFileSync(join(root, 'tests/fixtures/integrity/vector.json'), 'utf8')) as Record<string, any>;
const dir = mkdtempSync(join(tmpdir(), 'asn-vector-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function opensslVerifies(jwk: { x: string; y: string }, sig: string, signed: string, name: string): string {
  const pem = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y }, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
  writeFileSync(join(dir, `${name}.pem`), pem);
  writeFileSync(join(dir, `${name}.der`), derOfRawSignature(fromB64url(sig)));
  writeFileSync(join(dir, `${name}.bin`), signed, 'utf8');
  const r = spawnSync('openssl', ['dgst', '-sha256', '-verify', join(dir, `${name}.pem`), '-signature', join(dir, `${name}.der`), join(dir, `${name}.bin`)], { encoding: 'utf8' });
  return (r.stdout + r.stderr).trim();
}

describe('the integrity test vector (docs/integrity.md section 7)', () => {
  it('canonical bytes, hash and key id are reproduced', () => {
    expect(canonicalJson(V.input)).toBe(V.canonical);
    expect(createHash('sha256').update(V.canonical, 'utf8').digest('hex')).toBe(V.canonicalSha256);
    expect(V.keyIdInput).toBe(`{"crv":"P-256","kty":"EC","x":"${V.publicKeyJwk.x}","y":"${V.publicKeyJwk.y}"}`);
    expect(createHash('sha256').update(V.keyIdInput, 'utf8').digest('hex')).toBe(V.keyId);
    expect(keyIdOf(V.publicKeyJwk)).toBe(V.keyId);
    // UTF-16 code-unit order: U+1F600 (D83D DE00) before U+FB33
    expect(V.canonical.indexOf('😀')).toBeLessThan(V.canonical.indexOf('\uFB33'));
  });

  it('the custody hash input and hash are reproduced', () => {
    const { recordId, prevHash, ...entry } = V.custodyEntry;
    expect(custodyHashInput(recordId, entry, prevHash)).toBe(V.custodyHashInput);
    expect(createHash('sha256').update(V.custodyHashInput, 'utf8').digest('hex')).toBe(V.custodyHash);
  });

  it('both signatures verify with WebCrypto and with openssl; a changed byte does not', async () => {
    expect(await verifyText(V.publicKeyJwk, V.signature, V.canonical)).toBe(true);
    expect(await verifyText(V.publicKeyJwk, V.custodySig, V.custodyHashInput)).toBe(true);
    expect(await verifyText(V.publicKeyJwk, V.signature, V.canonical.replace('Budi', 'Badi'))).toBe(false);
    expect(opensslVerifies(V.publicKeyJwk, V.signature, V.canonical, 'record')).toBe('Verified OK');
    expect(opensslVerifies(V.publicKeyJwk, V.custodySig, V.custodyHashInput, 'custody')).toBe('Verified OK');
    expect(opensslVerifies(V.publicKeyJwk, V.signature, V.canonical.replace('Budi', 'Badi'), 'bad')).toMatch(/Verification failure/);
  });

  it('the Python reference verifier canonicalises to the same bytes', () => {
    writeFileSync(join(dir, 'input.json'), JSON.stringify(V.input));
    const out = execFileSync('python3', [join(root, 'tools/verify_bundle.py'), '--canonicalize', join(dir, 'input.json')]);
    expect(out.toString('utf8')).toBe(V.canonical);
  });
});
