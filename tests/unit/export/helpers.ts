import { unzipSync, zipSync, type Zippable } from 'fflate';
import { bundleToBytes, type BundleItem } from '../../../lib/export/bundle';
import { signerOf } from '../../../lib/integrity/keys';
import { signItems, testSigningKey } from './make-record';

export const CREATED_BY = { name: 'Siti Aminah', nip: '199001012015022002', unit: 'Timwas Medsos Kota Contoh' };

/** A bundle as the extension writes it: records signed at capture, custody signed, bundle signed. */
export async function makeBundle(items: BundleItem[], extra: Partial<Parameters<typeof bundleToBytes>[0]> = {}) {
  const key = await testSigningKey();
  return bundleToBytes({
    items: await signItems(items, key), createdBy: CREATED_BY, extensionVersion: '0.2.0', createdAt: '2024-09-14T01:00:00.000Z',
    signer: signerOf(key), ...extra,
  });
}

/** Unzip, let `edit` change the files, zip again (what someone editing a bundle would do). */
export function rezip(bytes: Uint8Array, edit: (files: Record<string, Uint8Array>) => void): Uint8Array {
  const files = unzipSync(bytes);
  edit(files);
  const z: Zippable = {};
  for (const [k, v] of Object.entries(files)) z[k] = [v, { level: 0 }];
  return zipSync(z);
}

export const text = (b: Uint8Array) => new TextDecoder().decode(b);
export const bytes = (s: string) => new TextEncoder().encode(s);
