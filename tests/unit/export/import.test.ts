import { describe, expect, it } from 'vitest';
import { planImport, readImportItems } from '../../../lib/export/import';
import { verifyBundle } from '../../../lib/export/verify';
import { makeBundle, rezip } from './helpers';
import { makeItem, sha256 } from './make-record';

describe('import plan', () => {
  it('adds new records, skips those already present, never duplicates', async () => {
    const items = [makeItem({}, 1), makeItem({}, 2), makeItem({}, 3)];
    const { bytes: zip, result } = await makeBundle(items);
    const v = await verifyBundle(zip);
    const plan = planImport(v, new Set([items[1]!.record.id]));
    expect(plan.ok).toBe(true);
    expect(plan.toAdd.map((i) => i.record.id)).toEqual([items[0]!.record.id, items[2]!.record.id]);
    expect(plan.alreadyPresent.map((i) => i.record.id)).toEqual([items[1]!.record.id]);
    expect(plan.toAdd[0]!.custody.map((c) => c.action)).toEqual(['capture', 'export']);

    const got = [];
    for await (const it of readImportItems(zip, plan, { actor: 'Inspektorat', at: '2024-09-15T00:00:00.000Z', bundleSha256: result.sha256! })) got.push(it);
    expect(got).toHaveLength(2);
    expect(sha256(got[0]!.screenshot)).toBe(items[0]!.record.screenshot.sha256);
    expect(got[1]!.custody.at(-1)).toMatchObject({ action: 'import', actor: 'Inspektorat', bundleSha256: result.sha256 });

    // importing the same bundle again adds nothing
    const again = planImport(v, new Set(items.map((i) => i.record.id)));
    expect(again.toAdd).toEqual([]);
    expect(again.alreadyPresent).toHaveLength(3);
  });

  it('with a Map of stored screenshot hashes, a same-id-different-evidence record is a conflict', async () => {
    const items = [makeItem({}, 1), makeItem({}, 2)];
    const { bytes: zip } = await makeBundle(items);
    const v = await verifyBundle(zip);
    const plan = planImport(v, new Map([[items[0]!.record.id, items[0]!.record.screenshot.sha256], [items[1]!.record.id, 'f'.repeat(64)]]));
    expect(plan.alreadyPresent.map((i) => i.record.id)).toEqual([items[0]!.record.id]);
    expect(plan.conflicts.map((i) => i.record.id)).toEqual([items[1]!.record.id]);
    expect(plan.toAdd).toEqual([]);
  });

  it('imports nothing from a bundle that fails verification', async () => {
    const items = [makeItem({}, 1), makeItem({}, 2)];
    const { bytes: zip } = await makeBundle(items);
    const name = `evidence/${items[1]!.record.id}/screenshot.png`;
    const bad = rezip(zip, (f) => { const b = f[name]!.slice(); b[40]! ^= 1; f[name] = b; });
    const v = await verifyBundle(bad);
    const plan = planImport(v, new Set());
    expect(plan.ok).toBe(false);
    expect(plan.toAdd).toEqual([]);
    expect(plan.problems.map((p) => p.file)).toContain(name);
    await expect(async () => { for await (const _ of readImportItems(bad, plan, { actor: null })) void _; }).rejects.toThrow(/failed verification/);
    const truncated = planImport(await verifyBundle(zip.subarray(0, 200)), new Set());
    expect(truncated.ok).toBe(false);
    expect(truncated.toAdd).toEqual([]);
  });

  it('stops if a screenshot changed after verification', async () => {
    const items = [makeItem({}, 1)];
    const { bytes: zip } = await makeBundle(items);
    const plan = planImport(await verifyBundle(zip), new Set());
    const name = `evidence/${items[0]!.record.id}/screenshot.png`;
    const swapped = rezip(zip, (f) => { const b = f[name]!.slice(); b[40]! ^= 1; f[name] = b; });
    await expect(async () => { for await (const _ of readImportItems(swapped, plan, { actor: null })) void _; }).rejects.toThrow(/changed since verification/);
  });
});
