/**
 * A coordinator's or auditor's bundle from the backend (docs/server.md, "Exports"): the same
 * format as the extension's, verifiable by the CLI and tools/verify_bundle.py, signed by the
 * server's key. Each record keeps the monitor's signed capture and custody log as received; the
 * server then appends, signed with its own key, an `import` entry (it now holds the record; the
 * entry lists the public keys of the monitor's installation and carries the countersigned receipt)
 * and the bundle writer's `export` entry, so the strict rule holds with the server as the
 * exporting installation, and a verifier given the server key trusts the receipts.
 */
import { writeBundle, type BundleItem, type CustodyInput } from '../lib/export/bundle';
import type { TeamHistory } from '../lib/export/report';
import type { CustodyLink } from '../lib/integrity/custody';
import { appendSignedCustody } from '../lib/integrity/custody';
import { isPublicJwk, keyIdOf, type PublicJwk } from '../lib/integrity/keys';
import type { FileStore } from './files/store';
import type { ServerKey } from './keys';
import { recordKeys } from '../lib/integrity/record-check';
import type { EvidenceStorage, StoredEvidence } from './storage';
import { SERVER_VERSION } from './version';

export const EXPORT_MAX_RECORDS = 2000;

export async function exportRecords(opts: {
  rows: readonly StoredEvidence[];
  storage: EvidenceStorage;
  files: FileStore;
  serverKey: ServerKey;
  exportedBy: string;
  /** the team's findings about these ASN: a section of the report */
  history?: TeamHistory;
  onChunk: (chunk: Uint8Array, final: boolean) => void | Promise<void>;
}): Promise<{ sha256: string | null; size: number; recordCount: number }> {
  const registry = new Map((await opts.storage.listKeys()).map((k) => [k.keyId, k.publicKey]));
  const at = new Date().toISOString();
  const items = () => (async function* (): AsyncGenerator<BundleItem> {
    for (const row of opts.rows) {
      const record = JSON.parse(row.recordJson) as BundleItem['record'];
      const custody = JSON.parse(row.custodyJson) as (CustodyLink & { recordId: string })[];
      // the record's own keys, plus the registered keys (the monitor's installations) that signed its log
      const keys = recordKeys(record, custody);
      for (const e of custody) {
        const k = e.keyId ? registry.get(e.keyId) : undefined;
        if (e.keyId && isPublicJwk(k) && keyIdOf(k) === e.keyId) keys.set(e.keyId, { kty: 'EC', crv: 'P-256', x: k.x, y: k.y });
      }
      const receipt = JSON.parse(row.receiptJson) as unknown;
      const held = await appendSignedCustody<CustodyLink>(row.id, custody.map(({ recordId: _r, ...e }) => e), [{
        at, action: 'import', actor: opts.exportedBy,
        details: { from: 'server', monitor: row.monitor, receivedAt: row.receivedAt, keys: [...keys].map(([keyId, publicKey]) => ({ keyId, publicKey })), ...(receipt ? { receipt } : {}) },
      }], opts.serverKey.signer);
      const read = async (rel: string | null): Promise<Uint8Array | null> => {
        if (!rel) return null;
        const bytes = await opts.files.get(rel);
        if (!bytes) throw new Error(`record ${row.id}: stored file ${rel} is missing`);
        return new Uint8Array(bytes);
      };
      yield {
        record,
        screenshot: (await read(row.screenshotPath))!,
        full: await read(row.fullPath),
        source: await read(row.sourcePath),
        custody: held.map((e) => ({ ...e, recordId: row.id })) as CustodyInput[],
      };
    }
  })();
  const result = await writeBundle({
    items,
    createdBy: { name: opts.exportedBy, nip: null, unit: null },
    createdAt: at,
    extensionVersion: `server ${SERVER_VERSION}`,
    embedScreenshotsInReport: opts.rows.length <= 100,
    signer: opts.serverKey.signer,
    history: opts.history,
    onChunk: opts.onChunk,
  });
  return { sha256: result.sha256, size: result.size, recordCount: result.recordCount };
}
