/**
 * The server's own signing key (shared contracts section 5): an ECDSA P-256 key kept as a JWK
 * in <data>/server-key.json (mode 0600; or the file ASN_SERVER_KEY_FILE names), made on first
 * start. It signs receipts; /v1/health publishes the public part with its thumbprint (`kid`).
 * Several server processes serving one team must share this file.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { EC_ALG, keyIdOf, publicJwk, SIGN_ALG, type Signer } from '../lib/integrity/keys';
import { serverKeyJwk, type ServerKeyJwk } from '../lib/integrity/receipt';

export interface ServerKey { signer: Signer; jwk: ServerKeyJwk }

export async function loadOrCreateServerKey(path: string): Promise<ServerKey> {
  let priv: JsonWebKey;
  if (existsSync(path)) {
    try {
      priv = JSON.parse(readFileSync(path, 'utf8')) as JsonWebKey;
    } catch (e) {
      throw new Error(`cannot read the server key ${path}: ${(e as Error).message}`);
    }
    if (priv.kty !== 'EC' || priv.crv !== 'P-256' || !priv.d || !priv.x || !priv.y) throw new Error(`${path} is not a P-256 private key (JWK)`);
  } else {
    const pair = await crypto.subtle.generateKey(EC_ALG, true, ['sign', 'verify']);
    const j = await crypto.subtle.exportKey('jwk', pair.privateKey);
    priv = { kty: 'EC', crv: 'P-256', x: j.x, y: j.y, d: j.d };
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${JSON.stringify(priv, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  }
  const key = await crypto.subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', x: priv.x, y: priv.y, d: priv.d, ext: false }, EC_ALG, false, ['sign']);
  const pub = publicJwk(priv);
  return {
    signer: { keyId: keyIdOf(pub), publicKey: pub, sign: async (bytes) => new Uint8Array(await crypto.subtle.sign(SIGN_ALG, key, bytes)) },
    jwk: serverKeyJwk(pub),
  };
}
