/**
 * The form in which the monitor completes or corrects a record. Every value from the page is
 * rendered as text (never HTML), shows where it came from, and fields the page did not yield are
 * marked as needing the monitor.
 */
import type { ComponentChildren } from 'preact';
import type { StoredEvidence } from '../lib/db/evidence-db';
import type { Lang } from '../lib/i18n/messages';
import { wx } from '../lib/i18n/workbench-messages';
import { PICK_FIELDS, type EvidencePatch, type PickField } from '../lib/messages';
import { VIOLATION_REGULATIONS } from '../lib/violations/regulations';
import { EMPLOYMENT_TYPES, VIOLATION_TYPES, type ViolationType } from '../lib/record/schema';
import type { FormValues } from '../lib/record/form-draft';
import { formatTime, type T } from './i18n';

type Section = 'subject' | 'post' | 'comment';

export type FormState = FormValues;

/** The id of the control that edits `path` (the page focuses and marks it on a problem). */
export function inputId(path: string): string {
  const [section, key] = path.split('.');
  if (section === 'violation') return key === 'types' ? 'f-violation-types' : `f-${key}`;
  return `f-${section}-${key}`;
}

/** aria attributes and the description beside a control for its problem, if any. */
export function problemProps(id: string, message: string | undefined): Record<string, string> {
  return message ? { 'aria-invalid': 'true', 'aria-describedby': `${id}-error` } : {};
}
export function FieldError({ id, message }: { id: string; message: string | undefined }) {
  return message ? <p class="field-error" id={`${id}-error`}>{message}</p> : null;
}

export function initialForm(ev: StoredEvidence): FormState {
  const r = ev.record;
  const pick = (o: Record<string, unknown> | null, keys: string[]) =>
    Object.fromEntries(keys.map((k) => [k, o && o[k] != null ? String(o[k]) : '']));
  return {
    subject: pick(r.subject, ['name', 'accountUrl', 'handle', 'nip', 'agency', 'position', 'rank', 'employmentType']),
    post: pick(r.post, ['authorName', 'authorUrl', 'text', 'url', 'id']),
    comment: pick(r.comment, ['authorName', 'authorUrl', 'text', 'url', 'id']),
    types: [...r.violation.types],
    candidate: r.violation.candidate ?? '',
    election: r.violation.election ?? '',
    notes: r.violation.notes ?? '',
  };
}

export function formToPatch(f: FormState, ev: StoredEvidence): EvidencePatch {
  const nul = (v: string | undefined) => (v && v.trim() ? v.trim() : null);
  const sec = (s: Record<string, string>, keys: string[]) => Object.fromEntries(keys.map((k) => [k, nul(s[k])]));
  const patch: EvidencePatch = {
    subject: {
      ...sec(f.subject, ['name', 'accountUrl', 'handle', 'nip', 'agency', 'position', 'rank']),
      employmentType: (f.subject.employmentType || 'unknown') as 'unknown',
    },
    violation: { types: f.types, candidate: nul(f.candidate), election: nul(f.election), notes: nul(f.notes) },
  };
  if (ev.record.post || Object.values(f.post).some((v) => v.trim())) patch.post = sec(f.post, ['authorName', 'authorUrl', 'text', 'url', 'id']);
  if (ev.record.comment || Object.values(f.comment).some((v) => v.trim())) patch.comment = sec(f.comment, ['authorName', 'authorUrl', 'text', 'url', 'id']);
  return patch;
}

const LABELS: Record<string, Parameters<T>[0]> = {
  name: 'name', accountUrl: 'accountUrl', handle: 'handle', nip: 'nip', agency: 'agency',
  position: 'position', rank: 'rank', authorName: 'author', authorUrl: 'authorUrl', text: 'text',
  url: 'permalink', id: 'postId',
};

export function RecordForm(props: {
  ev: StoredEvidence;
  form: FormState;
  onChange(f: FormState): void;
  t: T;
  /** UI language (for the regulation references' labels); default Indonesian */
  lang?: Lang;
  /** "Pilih di halaman": offered next to the fields a click in the page can fill */
  onPick?(field: PickField): void;
  /** the field being picked now, if any */
  picking?: PickField | null;
  /** problems by dot path (lib/record/validation.ts): marked and described beside the field */
  errors?: Record<string, string>;
  /** show the values as text, no inputs (a synced record before "Koreksi") */
  readOnly?: boolean;
  /** shown under the ASN section's heading (the team's findings about this ASN) */
  subjectNote?: ComponentChildren;
}) {
  const { ev, form, onChange, t } = props;
  const errors = props.errors ?? {};
  const ro = !!props.readOnly;
  const roValue = (v: string) => <p class={`ro-value${v ? '' : ' muted'}`}>{v || t('emptyValue')}</p>;
  const lang = props.lang ?? 'id';
  const sources = ev.record.fieldSources;
  const missing = new Set(ev.missing);
  // People the page showed in the flagged item when the adapter was not sure who it is (never filled in)
  const offered = (ev.extras?.candidates ?? {}) as Record<string, Array<{ name: string; url: string }>>;
  const candidates = (path: string): Array<{ name: string; url: string }> =>
    path === 'subject.name' ? Object.values(offered)[0] ?? [] : /^(?:post|comment)\.authorName$/.test(path) ? offered[path] ?? [] : [];
  const field = (section: Section, key: string, opts: { multiline?: boolean; hint?: string } = {}) => {
    const path = `${section}.${key}`;
    const id = `f-${section}-${key}`;
    const value = form[section][key] ?? '';
    const src = sources[path];
    const needs = !value && (missing.has(path) || section === 'subject');
    const set = (v: string) => onChange({ ...form, [section]: { ...form[section], [key]: v } });
    const label = t(section === 'comment' && key === 'id' ? 'commentId' : LABELS[key]!);
    if (ro) {
      return (
        <div class="ro-field" data-field={path}>
          <div class="ro-label">{label}{src && <span class="src" data-source={src}>· {t(`source_${src}`)}</span>}</div>
          {roValue(value)}
        </div>
      );
    }
    const err = errors[path];
    return (
      <div>
        <label for={id}>
          {label}
          {opts.hint && <span class="muted"> ({opts.hint})</span>}
          {src && <span class="src" data-source={src}>· {t(`source_${src}`)}</span>}
          {needs && <span class="need">{t('needsMonitor')}</span>}
        </label>
        {opts.multiline ? (
          <textarea id={id} value={value} {...problemProps(id, err)} onInput={(e) => set((e.target as HTMLTextAreaElement).value)} />
        ) : (
          <input id={id} value={value} {...problemProps(id, err)} onInput={(e) => set((e.target as HTMLInputElement).value)} />
        )}
        <FieldError id={id} message={err} />
        {!value && candidates(path).length > 0 && (
          <p class="candidates" data-candidates-for={path}>
            <span class="muted">{t('candidatesLabel')} </span>
            {candidates(path).map((c) => (
              <button type="button" key={c.url} class="candidate" title={c.url}
                onClick={() => {
                  const urlKey = key === 'name' ? 'accountUrl' : 'authorUrl';
                  onChange({ ...form, [section]: { ...form[section], [key]: c.name, [urlKey]: form[section][urlKey] || c.url } });
                }}>{c.name}</button>
            ))}
          </p>
        )}
        {props.onPick && !ro && (PICK_FIELDS as readonly string[]).includes(path) && (
          <button type="button" class="pick" data-pick={path} aria-label={`${t('pickButton')}: ${t(section === 'comment' && key === 'id' ? 'commentId' : LABELS[key]!)}`}
            disabled={!!props.picking} onClick={() => props.onPick!(path as PickField)}>
            {props.picking === path ? t('pickWaiting') : t('pickButton')}
          </button>
        )}
      </div>
    );
  };
  const toggle = (v: ViolationType) =>
    onChange({ ...form, types: form.types.includes(v) ? form.types.filter((x) => x !== v) : [...form.types, v] });

  return (
    <div>
      <h2>{t('section_subject')}</h2>
      {props.subjectNote}
      <div class="grid2">
        {field('subject', 'name')}
        {field('subject', 'handle')}
      </div>
      {field('subject', 'accountUrl')}
      <div class="grid2">
        {field('subject', 'nip', { hint: t('nipHint') })}
        {ro ? (
          <div class="ro-field" data-field="subject.employmentType">
            <div class="ro-label">{t('employmentType')}</div>
            {roValue(t(`emp_${(form.subject.employmentType || 'unknown') as (typeof EMPLOYMENT_TYPES)[number]}`))}
          </div>
        ) : (
          <div>
            <label for="f-subject-employmentType">{t('employmentType')}</label>
            <select id="f-subject-employmentType" value={form.subject.employmentType || 'unknown'}
              {...problemProps('f-subject-employmentType', errors['subject.employmentType'])}
              onChange={(e) => onChange({ ...form, subject: { ...form.subject, employmentType: (e.target as HTMLSelectElement).value } })}>
              {EMPLOYMENT_TYPES.map((e) => <option key={e} value={e}>{t(`emp_${e}`)}</option>)}
            </select>
            <FieldError id="f-subject-employmentType" message={errors['subject.employmentType']} />
          </div>
        )}
        {field('subject', 'agency')}
        {field('subject', 'position')}
        {field('subject', 'rank')}
      </div>

      <h2>{t('section_violation')}</h2>
      {ro ? (
        <>
          <div class="ro-field" data-field="violation.types">
            <div class="ro-label">{t('violationTypes')}</div>
            {roValue(form.types.map((v) => t(`vt_${v}`)).join(', '))}
          </div>
          <div class="grid2">
            <div class="ro-field"><div class="ro-label">{t('candidate')}</div>{roValue(form.candidate)}</div>
            <div class="ro-field"><div class="ro-label">{t('election')}</div>{roValue(form.election)}</div>
          </div>
          <div class="ro-field"><div class="ro-label">{t('notes')}</div>{roValue(form.notes)}</div>
        </>
      ) : (
        <>
          <div class="checks" role="group" aria-label={t('violationTypes')} {...(errors['violation.types'] ? { 'aria-describedby': 'f-violation-types-error' } : {})}>
            {VIOLATION_TYPES.map((v, i) => (
              <div key={v}>
                <label>
                  <input type="checkbox" name="violation" value={v} checked={form.types.includes(v)} onChange={() => toggle(v)}
                    {...(i === 0 ? { id: 'f-violation-types', ...(errors['violation.types'] ? { 'aria-invalid': 'true' } : {}) } : {})} />
                  {t(`vt_${v}`)}
                </label>
                {form.types.includes(v) && (
                  <div class="refs" data-refs-for={v} style={{ margin: '0 0 6px 22px', fontSize: '12px' }}>
                    <div class="muted">
                      {lang === 'id' ? VIOLATION_REGULATIONS[v].label_id : VIOLATION_REGULATIONS[v].label_en} · {wx(lang, 'refsTitle')}:
                    </div>
                    <ul style={{ margin: '2px 0 0', paddingLeft: '16px' }}>
                      {VIOLATION_REGULATIONS[v].refs.map((r) => <li key={r}>{r}</li>)}
                    </ul>
                  </div>
                )}
              </div>
            ))}
          </div>
          <FieldError id="f-violation-types" message={errors['violation.types']} />
          {form.types.length > 0 && <p class="muted" id="refs-disclaimer">{wx(lang, 'refsDisclaimer')}</p>}
          <div class="grid2">
            <div>
              <label for="f-candidate">{t('candidate')}</label>
              <input id="f-candidate" value={form.candidate} {...problemProps('f-candidate', errors['violation.candidate'])}
                onInput={(e) => onChange({ ...form, candidate: (e.target as HTMLInputElement).value })} />
              <FieldError id="f-candidate" message={errors['violation.candidate']} />
            </div>
            <div>
              <label for="f-election">{t('election')}</label>
              <input id="f-election" value={form.election} {...problemProps('f-election', errors['violation.election'])}
                onInput={(e) => onChange({ ...form, election: (e.target as HTMLInputElement).value })} />
              <FieldError id="f-election" message={errors['violation.election']} />
            </div>
          </div>
          <label for="f-notes">{t('notes')}</label>
          <textarea id="f-notes" value={form.notes} {...problemProps('f-notes', errors['violation.notes'])}
            onInput={(e) => onChange({ ...form, notes: (e.target as HTMLTextAreaElement).value })} />
          <FieldError id="f-notes" message={errors['violation.notes']} />
        </>
      )}

      {(ev.record.comment || ev.record.kind === 'comment' || ev.record.kind === 'reply') && (
        <>
          <h2>{t('section_comment')}</h2>
          <div class="grid2">{field('comment', 'authorName')}{field('comment', 'authorUrl')}</div>
          {field('comment', 'text', { multiline: true })}
          <div class="grid2">{field('comment', 'url')}{field('comment', 'id')}</div>
        </>
      )}
      {ev.record.reaction && (
        <>
          <h2>{t('section_reaction')}</h2>
          <p>
            <strong>{t('reactionType')}:</strong> {t(`formReaction_${ev.record.reaction.type}`)} · {ev.record.reaction.actorName ?? t('emptyValue')}
          </p>
        </>
      )}
      <h2>{t('section_post')}</h2>
      <div class="grid2">{field('post', 'authorName')}{field('post', 'authorUrl')}</div>
      {field('post', 'text', { multiline: true })}
      <div class="grid2">{field('post', 'url')}{field('post', 'id')}</div>
      {ev.record.post?.postedAtLabel && (
        <p class="muted">
          {t('postedAt')}: {ev.record.post.postedAt ? `${formatTime(ev.record.post.postedAt, lang, ev.record.timezone)} · ` : ''}
          &ldquo;{ev.record.post.postedAtLabel}&rdquo;
        </p>
      )}
    </div>
  );
}
