/**
 * Test helpers (others may reuse): valid EvidenceRecords and real small PNGs.
 */
import { createHash, randomUUID } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import type { EvidenceRecord } from '../../../lib/record/schema';
import type { BundleItem } from '../../../lib/export/bundle';
import { attest } from '../../../lib/integrity/attestation';
import { appendSignedCustody, type CustodyLink } from '../../../lib/integrity/custody';
import { generateSigningKey, type SigningKey } from '../../../lib/integrity/keys';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();
function crc32(buf: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 255]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), Buffer.from(data)]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** A real RGB PNG (signature + IHDR + IDAT + IEND), colour derived from `seed`. */
export function makePng(width = 4, height = 3, seed = 1): Uint8Array {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; ihdr[9] = 2; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 3 + 1)] = 0;
    for (let x = 0; x < width; x++) {
      const o = y * (width * 3 + 1) + 1 + x * 3;
      raw[o] = (seed * 37 + x * 50) & 255; raw[o + 1] = (seed * 91 + y * 80) & 255; raw[o + 2] = (seed * 13) & 255;
    }
  }
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return new Uint8Array(Buffer.concat([sig, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0))]));
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object | null ? DeepPartial<NonNullable<T[K]>> | T[K] : T[K] };

/** A valid EvidenceRecord (a Facebook comment by a PNS); `over` replaces top-level parts. */
export function makeRecord(over: Partial<EvidenceRecord> = {}, png?: Uint8Array): EvidenceRecord {
  const id = over.id ?? randomUUID();
  const shot = png ?? makePng();
  const rec: EvidenceRecord = {
    id,
    schemaVersion: 1,
    capturedAt: '2024-09-13T02:15:04.123Z',
    timezone: 'Asia/Jakarta',
    platform: 'facebook',
    kind: 'comment',
    page: { url: 'https://www.facebook.com/permalink.php?story_fbid=pfbid0abc&id=1000', title: 'Facebook' },
    post: {
      id: 'pfbid0abc', url: 'https://www.facebook.com/permalink.php?story_fbid=pfbid0abc&id=1000',
      authorName: 'Paslon Nomor 2', authorUrl: 'https://www.facebook.com/paslon2', text: 'Ayo dukung paslon 2!',
      postedAt: '2024-09-12T10:00:00.000Z', postedAtLabel: 'Kemarin pukul 17.00', mediaType: 'photo',
    },
    comment: {
      id: '123456', url: 'https://www.facebook.com/permalink.php?story_fbid=pfbid0abc&id=1000&comment_id=123456',
      parentId: null, authorName: 'Budi Santoso', authorUrl: 'https://www.facebook.com/budi.santoso',
      text: 'Mantap, lanjutkan! 👍', postedAt: null, postedAtLabel: '2 j',
    },
    reaction: null,
    subject: {
      name: 'Budi Santoso', accountUrl: 'https://www.facebook.com/budi.santoso', handle: 'budi.santoso',
      nip: '198501012010011001', agency: 'Dinas Pendidikan Kota Contoh', position: 'Guru Ahli Muda',
      rank: 'Penata, III/c', employmentType: 'PNS',
    },
    violation: { types: ['comment'], gestures: [], candidate: 'Paslon 2', election: 'Pilkada 2024', notes: null },
    screenshot: {
      file: `evidence/${id}/screenshot.png`, sha256: sha256(shot), mime: 'image/png', width: 4, height: 3,
      devicePixelRatio: 1, region: { x: 0, y: 100, width: 4, height: 3 },
    },
    monitor: { name: 'Siti Aminah', nip: '199001012015022002', unit: 'Timwas Medsos Kota Contoh' },
    fieldSources: { 'comment.text': 'dom', 'subject.nip': 'user' },
    client: { extensionVersion: '0.2.0', browser: 'Chrome 130' },
    ...over,
  };
  return rec;
}

/** A bundle item with a real PNG whose hash is in the record. */
export function makeItem(over: Partial<EvidenceRecord> = {}, seed = 1): BundleItem & { screenshot: Uint8Array } {
  const png = makePng(4, 3, seed);
  const record = makeRecord(over, png);
  return {
    record,
    screenshot: png,
    custody: [{ at: record.capturedAt, action: 'capture', actor: record.monitor.name, details: { sha256: record.screenshot.sha256 } }],
  };
}

let testKey: Promise<SigningKey> | null = null;
/** One installation key for the test process (as one browser profile has one). */
export function testSigningKey(): Promise<SigningKey> {
  testKey ??= generateSigningKey();
  return testKey;
}

/**
 * What the extension does at capture and on every custody append: sign the record as captured
 * and sign each custody entry (unless the record is already signed).
 */
export async function signItem<T extends BundleItem>(item: T, key?: SigningKey): Promise<T> {
  if (item.record.attestation) return item;
  const k = key ?? (await testSigningKey());
  // signedAt = the capture time; a record with an unreadable capturedAt (tests of invalid records) is signed "now"
  const captured = new Date(item.record.capturedAt);
  const record = { ...item.record, attestation: await attest(item.record, k, Number.isNaN(captured.getTime()) ? new Date() : captured) };
  const entries = (item.custody ?? []).map(({ recordId: _r, prevHash: _p, hash: _h, keyId: _k, sig: _s, ...e }) => e as CustodyLink);
  const custody = await appendSignedCustody(record.id, [], entries, k) as BundleItem['custody'];
  return { ...item, record, custody };
}

export async function signItems<T extends BundleItem>(items: readonly T[], key?: SigningKey): Promise<T[]> {
  const out: T[] = [];
  for (const i of items) out.push(await signItem(i, key));
  return out;
}

export type { DeepPartial };
