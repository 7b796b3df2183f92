import { describe, expect, it } from 'vitest';
import { firstDuplicateKey } from '../../../lib/export/json-duplicates';
import { verifyBundle } from '../../../lib/export/verify';
import { makeBundle, rezip, text, bytes } from './helpers';
import { makeItem } from './make-record';

describe('duplicate member names (I-JSON)', () => {
  it('finds a repeated key at any depth, ignores strings that only look like keys, and escapes', () => {
    expect(firstDuplicateKey('{"a":1,"b":{"c":2,"c":3}}')).toBe('c');
    expect(firstDuplicateKey('{"a":"\\"a\\":1","b":["a","a"],"c":{"a":1},"d":{"a":2}}')).toBeNull();
    expect(firstDuplicateKey('{"\\u006e":1,"n":2}')).toBe('n');
    expect(firstDuplicateKey('[{"x":1},{"x":2}]')).toBeNull();
  });

  it('a manifest with "nip" twice (last one matching the signature) is refused', async () => {
    const { bytes: zip } = await makeBundle([makeItem()]);
    const forged = rezip(zip, (f) => {
      const t = text(f['manifest.json']!);
      f['manifest.json'] = bytes(t.replace('"nip": "198501012010011001"', '"nip": "199912312020121001", "nip": "198501012010011001"'));
    });
    const r = await verifyBundle(forged);
    expect(r.ok).toBe(false);
    expect(r.problems.map((p) => p.message).join('\n')).toMatch(/"nip" twice/);
  });
});
