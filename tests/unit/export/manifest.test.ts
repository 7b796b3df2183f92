import { describe, expect, it } from 'vitest';
import { assertManifest, checkManifest, manifestSchema } from '../../../lib/export/manifest';
import { makeRecord } from './make-record';

function manifest(over: Record<string, unknown> = {}) {
  const r = makeRecord();
  return {
    format: 'asn-evidence-bundle', formatVersion: 1, createdAt: '2024-09-14T01:00:00.000Z',
    createdBy: { name: 'Siti', nip: null, unit: 'Timwas' }, extensionVersion: '0.1.0',
    records: [r],
    custody: [{ recordId: r.id, at: r.capturedAt, action: 'capture', actor: 'Siti', details: { sha256: r.screenshot.sha256 } }],
    ...over,
  };
}

describe('manifest schema', () => {
  it('accepts a valid manifest', () => {
    const c = checkManifest(manifest());
    expect(c.ok).toBe(true);
    expect(manifestSchema.safeParse(manifest()).success).toBe(true);
  });

  it('names a wrong format precisely', () => {
    const c = checkManifest(manifest({ format: 'something-else' }));
    expect(c.ok).toBe(false);
    if (c.ok) return;
    expect(c.code).toBe('manifest_format');
    expect(c.message).toContain('"something-else"');
    expect(c.message).toContain('asn-evidence-bundle');
    expect(c.messageId).toContain('bukan paket bukti ASN');
  });

  it('names an unsupported version precisely', () => {
    const c = checkManifest(manifest({ formatVersion: 2 }));
    expect(c.ok).toBe(false);
    if (c.ok) return;
    expect(c.code).toBe('manifest_version');
    expect(c.message).toMatch(/formatVersion 2 is not supported .*version 1.*update/);
    const missing = checkManifest(manifest({ formatVersion: undefined }));
    expect(!missing.ok && missing.code).toBe('manifest_version');
  });

  it('rejects non-objects, invalid records, duplicate ids, foreign custody entries, bad actions', () => {
    expect(checkManifest([]).ok).toBe(false);
    expect(checkManifest(null).ok).toBe(false);
    const bad = manifest({ records: [{ ...makeRecord(), capturedAt: 'yesterday' }] });
    const c = checkManifest(bad);
    expect(!c.ok && c.code).toBe('manifest_schema');
    expect(!c.ok && c.message).toContain('capturedAt');
    const r = makeRecord();
    expect(checkManifest(manifest({ records: [r, r], custody: [] })).ok).toBe(false);
    expect(checkManifest(manifest({ custody: [{ recordId: makeRecord().id, at: '2024-09-13T02:15:04.123Z', action: 'export', actor: null }] })).ok).toBe(false);
    const m = manifest();
    (m.custody as { action: string }[])[0]!.action = 'stolen';
    expect(checkManifest(m).ok).toBe(false);
  });

  it('assertManifest throws a clear error', () => {
    expect(() => assertManifest(manifest({ formatVersion: 3 }))).toThrow(/Refusing to write the bundle: manifest.json: formatVersion 3/);
    expect(assertManifest(manifest()).records).toHaveLength(1);
  });
});
