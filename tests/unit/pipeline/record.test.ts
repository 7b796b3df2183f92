import { describe, expect, it } from 'vitest';
import { browserLabel, defaultViolationTypes } from '../../../lib/record/build';
import { applyPatch } from '../../../lib/record/edit';
import { sanitizeRecord } from '../../../lib/record/sanitize';
import { evidenceRecordSchema } from '../../../lib/record/schema';
import { extraction, input, record, SHA } from './make';

describe('buildRecord', () => {
  it('produces a schema-valid record with every capture fact', () => {
    const r = record();
    expect(evidenceRecordSchema.parse(r)).toEqual(r);
    expect(r).toMatchObject({
      id: '3f1c9a52-8a4e-4c1b-9d7e-2b5f0c7a1e11',
      schemaVersion: 1,
      capturedAt: '2024-09-13T02:15:04.123Z',
      timezone: 'Asia/Jakarta',
      platform: 'facebook',
      kind: 'comment',
      screenshot: {
        file: 'evidence/3f1c9a52-8a4e-4c1b-9d7e-2b5f0c7a1e11/screenshot.png', sha256: SHA, mime: 'image/png',
        width: 584, height: 124, devicePixelRatio: 1,
        full: { file: 'evidence/3f1c9a52-8a4e-4c1b-9d7e-2b5f0c7a1e11/full.png', width: 1280, height: 800 },
      },
      monitor: { name: 'Rahmat', nip: '199001012015031001', unit: 'Timwas' },
      violation: { types: ['comment'], gestures: [], candidate: null, election: null, notes: null },
    });
    expect(r.subject).toMatchObject({ name: 'Budi Santoso', nip: null, employmentType: 'unknown' });
    expect(r.fieldSources['violation.types']).toBe('heuristic');
  });

  it('keeps an empty monitor as nulls, not empty strings', () => {
    const r = record({ monitor: { name: ' ', nip: '', unit: '' } });
    expect(r.monitor).toEqual({ name: null, nip: null, unit: null });
  });

  it.each([
    ['comment', null, ['comment']],
    ['reply', null, ['comment']],
    ['post', null, ['post']],
    ['reaction', 'like', ['like']],
    ['reaction', 'angry', ['reaction']],
    ['page', null, []],
  ] as const)('proposes the violation for a %s (%s)', (kind, type, expected) => {
    const x = extraction({ kind, reaction: type ? { type, actorName: 'A', actorUrl: null } : null });
    expect(defaultViolationTypes(x)).toEqual(expected);
  });

  it.each([
    ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36', 'chrome 156'],
    ['Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 'firefox 128'],
    ['Mozilla/5.0 ... Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0', 'edge 131'],
    ['curl/8', 'unknown'],
  ])('labels the browser of %s', (ua, label) => expect(browserLabel(ua)).toBe(label));
});

describe('sanitizeRecord: hostile page values never lose the capture', () => {
  it('nulls a javascript: author link and an oversized name, keeps the rest', () => {
    const built = record({
      extraction: extraction({
        comment: { ...extraction().comment!, authorUrl: 'javascript:alert(1)' },
        subject: { name: 'x'.repeat(200_000) },
      }),
    });
    const { record: clean, dropped } = sanitizeRecord(built);
    expect(clean.comment!.authorUrl).toBeNull();
    expect(clean.subject.name).toBeNull();
    expect(clean.comment!.text).toBe('Siap menangkan nomor 2!');
    expect(dropped.sort()).toEqual(['comment.authorUrl', 'subject.name']);
  });

  it('refuses to paper over a broken capture fact', () => {
    const built = record();
    (built.screenshot as { sha256: string }).sha256 = 'nope';
    expect(() => sanitizeRecord(built)).toThrow(/screenshot\.sha256/);
  });
});

describe('applyPatch: the monitor corrects descriptive fields only', () => {
  it('records each change with old and new value and marks it as user-entered', () => {
    const r = record();
    const { record: next, changes } = applyPatch(r, {
      subject: { nip: '198503122010011002', agency: '  Dinas Pendidikan ', name: 'Budi Santoso' },
      violation: { types: ['comment', 'comment', 'gesture'], notes: '' },
    });
    expect(next.subject.nip).toBe('198503122010011002');
    expect(next.subject.agency).toBe('Dinas Pendidikan');
    expect(next.violation.types).toEqual(['comment', 'gesture']);
    expect(changes.map((c) => c.path).sort()).toEqual(['subject.agency', 'subject.nip', 'violation.types']);
    expect(changes.find((c) => c.path === 'subject.nip')).toEqual({ path: 'subject.nip', from: null, to: '198503122010011002' });
    expect(next.fieldSources['subject.nip']).toBe('user');
    expect(next.fieldSources['subject.name']).toBe('dom');
    expect(next.screenshot).toEqual(r.screenshot);
    expect(next.capturedAt).toBe(r.capturedAt);
    expect(r.subject.nip).toBeNull();
  });

  it('creates a comment section when the monitor fills one the page did not give', () => {
    const r = record({ extraction: extraction({ kind: 'post', comment: null }) });
    const { record: next } = applyPatch(r, { comment: { text: 'Dukung 02', authorName: 'Budi' } });
    expect(next.comment).toMatchObject({ text: 'Dukung 02', authorName: 'Budi', id: null });
    expect(evidenceRecordSchema.safeParse(next).success).toBe(true);
  });

  it('a NIP that is not 18 digits makes the record invalid (the form shows why)', () => {
    const { record: next } = applyPatch(record(), { subject: { nip: '12345' } });
    const res = evidenceRecordSchema.safeParse(next);
    expect(res.success).toBe(false);
  });

  void input;
});
