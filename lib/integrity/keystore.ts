/**
 * The installation's signing key, generated once with WebCrypto and kept in its own IndexedDB
 * database. The private key is non-extractable: it can sign here, and never be read out.
 */
import { openDB } from 'idb';
import { generateSigningKey, signerOf, type Signer, type SigningKey } from './keys';

const DB = 'asn-keys';
let cached: Promise<SigningKey> | null = null;

export function installationKey(): Promise<SigningKey> {
  cached ??= (async () => {
    const db = await openDB(DB, 1, { upgrade: (d) => void d.createObjectStore('keys') });
    try {
      const existing = (await db.get('keys', 'installation')) as SigningKey | undefined;
      if (existing?.privateKey) return existing;
      const key = await generateSigningKey();
      const tx = db.transaction('keys', 'readwrite', { durability: 'strict' });
      // add(), not put(): two workers racing at first start must not replace each other's key.
      await tx.store.add({ ...key, createdAt: new Date().toISOString() }, 'installation').catch(() => undefined);
      await tx.done.catch(() => undefined);
      return ((await db.get('keys', 'installation')) as SigningKey | undefined) ?? key;
    } finally {
      db.close();
    }
  })().catch((e) => {
    cached = null;
    throw e;
  });
  return cached;
}

/** The installation key as a Signer (capture signatures, custody entries, bundles). */
export async function installationSigner(): Promise<Signer> {
  return signerOf(await installationKey());
}

/** The public part, for the options page and for registering the installation with a team. */
export async function installationPublicKey(): Promise<Pick<SigningKey, 'publicKey' | 'keyId'>> {
  const k = await installationKey();
  return { publicKey: k.publicKey, keyId: k.keyId };
}
