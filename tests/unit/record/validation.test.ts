/**
 * Schema problems as the monitor reads them (lib/record/validation.ts): every field of the form
 * that the schema can refuse maps to a sentence that names the field by its LABEL, in Indonesian
 * (English when chosen), never by its path ("subject.nip") and never in the schema's English.
 */
import { describe, expect, it } from 'vitest';
import { evidenceRecordSchema, type EvidenceRecord } from '../../../lib/record/schema';
import { EDITABLE_PATHS, fieldLabel, fieldProblems, problemMessage } from '../../../lib/record/validation';
import { t } from '../../../lib/i18n/messages';
import { record } from '../pipeline/make';

const LONG = 'x'.repeat(100_001);
/** one value the schema refuses, for every field the monitor edits */
const INVALID: Record<string, unknown> = {
  'subject.name': LONG, 'subject.accountUrl': 'facebook.com/budi', 'subject.handle': LONG, 'subject.nip': '1985 0312',
  'subject.agency': LONG, 'subject.position': LONG, 'subject.rank': LONG, 'subject.employmentType': 'ASN',
  'post.authorName': LONG, 'post.authorUrl': 'www.facebook.com/x', 'post.text': LONG, 'post.url': 'ftp://x', 'post.id': LONG,
  'comment.authorName': LONG, 'comment.authorUrl': 'javascript:alert(1)', 'comment.text': LONG, 'comment.url': 'x', 'comment.id': LONG,
  'violation.types': ['bogus'], 'violation.candidate': LONG, 'violation.election': LONG, 'violation.notes': LONG,
  'monitor.name': LONG, 'monitor.nip': LONG, 'monitor.unit': LONG,
};

const ENGLISH = /\b(must|digits?|invalid|should|required|characters?|expected|string|received|too|record|field)\b/i;
const DOTTED = /\b(subject|post|comment|violation|monitor|screenshot)\.[a-zA-Z]/;

function withValue(path: string, value: unknown): EvidenceRecord {
  const r = structuredClone(record()) as unknown as Record<string, Record<string, unknown>>;
  const [section, key] = path.split('.') as [string, string];
  r[section]![key] = value;
  return r as unknown as EvidenceRecord;
}

describe('zod issues -> the field label, in the monitor language', () => {
  it('has an invalid case for every editable field', () => {
    expect(Object.keys(INVALID).sort()).toEqual([...EDITABLE_PATHS].sort());
    expect(evidenceRecordSchema.safeParse(record()).success).toBe(true);
  });

  for (const path of EDITABLE_PATHS) {
    it(`${path}: one problem on that field, named by its label, Indonesian without path or English`, () => {
      const parsed = evidenceRecordSchema.safeParse(withValue(path, INVALID[path]));
      expect(parsed.success).toBe(false);
      const problems = fieldProblems(parsed.error!.issues);
      expect(problems.map((p) => p.path)).toEqual([path]);
      const id = problemMessage(problems[0]!, 'id');
      const en = problemMessage(problems[0]!, 'en');
      expect(id).toContain(fieldLabel(path, 'id')!);
      expect(en).toContain(fieldLabel(path, 'en')!);
      expect(id).not.toMatch(DOTTED);
      expect(en).not.toMatch(DOTTED);
      expect(id).not.toMatch(ENGLISH);
      expect(id).not.toBe(en);
      // the schema's own English never leaks through
      for (const issue of parsed.error!.issues) expect(id).not.toContain(issue.message);
    });
  }

  it('says what is wrong with a NIP, a web address and a long text', () => {
    const msg = (path: string, lang: 'id' | 'en' = 'id') =>
      problemMessage(fieldProblems(evidenceRecordSchema.safeParse(withValue(path, INVALID[path])).error!.issues)[0]!, lang);
    expect(msg('subject.nip')).toMatch(/^NIP harus 18 angka/);
    expect(msg('subject.nip', 'en')).toMatch(/^NIP must be 18 digits/);
    expect(msg('subject.accountUrl')).toMatch(/^Alamat akun harus alamat web lengkap/);
    expect(msg('post.url')).toMatch(/^Tautan permanen \(postingan\) harus alamat web/);
    expect(msg('comment.text')).toMatch(/^Teks \(komentar\) terlalu panjang/);
    expect(msg('subject.employmentType')).toBe('Pilih salah satu pilihan untuk Status kepegawaian.');
  });

  it('a problem outside the form (the captured data) is one plain sentence, no path', () => {
    const r = structuredClone(record());
    r.screenshot.sha256 = 'nope';
    r.id = 'not-a-uuid';
    const problems = fieldProblems(evidenceRecordSchema.safeParse(r).error!.issues);
    expect(problems).toEqual([{ path: '', kind: 'other' }]);
    expect(problemMessage(problems[0]!, 'id')).toBe(t('id', 'v_record'));
    expect(problemMessage(problems[0]!, 'id')).not.toMatch(/sha256|screenshot|uuid/i);
  });

  it('several bad fields: one problem each, in the order zod reports them', () => {
    const r = withValue('subject.nip', '12');
    (r.post as unknown as Record<string, unknown>).url = 'x';
    const problems = fieldProblems(evidenceRecordSchema.safeParse(r).error!.issues);
    expect(problems.map((p) => p.path).sort()).toEqual(['post.url', 'subject.nip']);
  });
});
