/**
 * Case files per ASN (evidence manager tab): every record about one person, counts per violation
 * type, first and last capture, and the Bawaslu reporting deadline of each record with a live
 * countdown. The rule (lib/cases/deadline.ts): the deadline is the END of the 7th calendar day
 * after the day the violation became known (the capture time), in the monitor's time zone.
 */
import { useEffect, useState } from 'preact/hooks';
import { countdown, countdownText, type Deadline } from '../lib/cases/deadline';
import { nextOpenDeadline, type CaseFile } from '../lib/cases/group';
import type { Lang } from '../lib/i18n/messages';
import { wx } from '../lib/i18n/workbench-messages';
import type { CaseFilesResult } from '../lib/workbench-protocol';
import { formatTime, type T } from './i18n';
import { StatusChip } from './status';
import { sendWorkbench } from './workbench-api';

const ZONES = [['Asia/Jakarta', 'zone_WIB'], ['Asia/Makassar', 'zone_WITA'], ['Asia/Jayapura', 'zone_WIT']] as const;

/** The date alone: the time (and the comma or "pukul" before it) cut off, whatever the locale's format. */
export const day = (iso: string, lang: Lang, tz?: string) =>
  formatTime(iso, lang, tz).split(' (')[0]!.replace(/,?\s+(pukul\s+|at\s+)?\d{1,2}[.:]\d{2}([.:]\d{2})?.*$/, '').trim();

export function deadlineText(d: Deadline, lang: Lang): string {
  return formatTime(d.deadlineAt, lang, d.timeZone);
}

export function CaseFiles(props: { t: T; lang: Lang; onOpen(id: string): void }) {
  const { t, lang } = props;
  const [zone, setZone] = useState('');
  const [data, setData] = useState<CaseFilesResult | null>(null);
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    void sendWorkbench<CaseFilesResult>(zone ? { type: 'get-case-files', timeZone: zone } : { type: 'get-case-files' })
      .then((r) => { if (r?.ok) setData(r); });
  }, [zone]);
  useEffect(() => {
    const h = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(h);
  }, []);

  const cases = data?.cases ?? [];
  return (
    <section id="case-files">
      <h2>{wx(lang, 'casesTitle')}</h2>
      <p class="muted">{wx(lang, 'casesIntro')}</p>
      <p class="msg info" id="deadline-rule">{wx(lang, 'deadlineRule')}</p>
      <label for="case-zone">{wx(lang, 'zoneSelect')}</label>
      <select id="case-zone" value={zone} style={{ width: 'auto' }} onChange={(e) => setZone((e.target as HTMLSelectElement).value)}>
        <option value="">{wx(lang, 'zoneAuto')}</option>
        {ZONES.map(([z, k]) => <option key={z} value={z}>{wx(lang, k)}</option>)}
      </select>
      {!data && <p>{t('loading')}</p>}
      {data && cases.length === 0 && <p class="muted" id="cases-empty">{wx(lang, 'casesEmpty')}</p>}
      {data && cases.length > 0 && (
        <p class="muted" id="cases-count">{wx(lang, 'casesCount', { n: cases.length, records: cases.reduce((n, c) => n + c.records.length, 0) })}</p>
      )}
      {cases.map((c) => <CaseCard key={c.key} c={c} t={t} lang={lang} now={now} onOpen={props.onOpen} />)}
    </section>
  );
}

function CaseCard({ c, t, lang, now, onOpen }: { c: CaseFile; t: T; lang: Lang; now: number; onOpen(id: string): void }) {
  const next = nextOpenDeadline(c, now);
  const counts = Object.entries(c.countsByType) as Array<[string, number]>;
  return (
    <article class="case" data-key={c.key} data-count={c.records.length}
      style={{ border: '1px solid var(--line)', borderRadius: '8px', padding: '8px 12px', margin: '12px 0' }}>
      <h3 style={{ margin: '4px 0' }}>
        <span class="case-name">{c.name ?? wx(lang, 'unknownPerson')}</span>
        {c.nip && <> · <span class="nip">NIP <span class="mono nip">{c.nip}</span></span></>}
        <span class="muted"> · {wx(lang, 'caseRecords', { n: c.records.length })}</span>
      </h3>
      <div class="muted">
        {[c.agency, c.position, c.rank, c.employmentType !== 'unknown' ? t(`emp_${c.employmentType}`) : null]
          .map((v) => v?.trim()).filter(Boolean).join(' · ')}
      </div>
      {c.accounts.length > 0 && (
        <div class="muted case-accounts">
          {wx(lang, 'caseAccounts')}:{' '}
          {c.accounts.map((a, i) => <span key={a}>{i > 0 ? ', ' : ''}<span class="mono">{a}</span></span>)}
        </div>
      )}
      <div>{wx(lang, 'caseFirstLast', { first: day(c.firstAt, lang, c.records[0]?.timezone), last: day(c.lastAt, lang, c.records.at(-1)?.timezone) })}</div>
      <div class="case-counts">
        <strong>{wx(lang, 'caseCounts')}:</strong>{' '}
        {counts.length
          ? counts.map(([k, n], i) => <span key={k} data-type={k} data-n={n}>{i > 0 ? ', ' : ''}{t(`vt_${k}` as Parameters<T>[0])} {n}×</span>)
          : wx(lang, 'caseNoTypes')}
      </div>
      <p class={`msg case-next ${next ? 'info' : 'error'}`}>
        {next ? wx(lang, 'caseNextDeadline', { when: deadlineText(next, lang), left: countdownText(countdown(next, now), lang) }) : wx(lang, 'caseAllOverdue')}
      </p>
      <table class="list">
        <thead>
          <tr>
            <th scope="col">{wx(lang, 'colCaptured')}</th><th scope="col">{wx(lang, 'colViolation')}</th><th scope="col">{wx(lang, 'colDeadline')}</th>
            <th scope="col">{wx(lang, 'colLeft')}</th><th scope="col">{wx(lang, 'colActions')}</th>
          </tr>
        </thead>
        <tbody>
          {c.records.map((r) => {
            const cd = countdown(r.deadline, now);
            return (
              <tr key={r.id} data-id={r.id}>
                <td><span class="nowrap">{formatTime(r.capturedAt, lang, r.timezone).split(' (')[0]}</span> <StatusChip status={r.status as 'draft'} t={t} /></td>
                <td>
                  {r.types.map((v) => t(`vt_${v}`)).join(', ') || '—'}
                  <div class="muted" style={{ overflowWrap: 'anywhere' }}>{r.snippet}</div>
                </td>
                <td class="deadline" data-deadline={r.deadline.deadlineAt} data-zone={r.deadline.timeZone}>{deadlineText(r.deadline, lang)}</td>
                <td class="countdown" data-open={String(cd.open)} style={{ color: cd.open ? 'inherit' : '#b91c1c', fontWeight: 600 }}>
                  {countdownText(cd, lang)}
                </td>
                <td><button type="button" class="case-open" data-id={r.id} onClick={() => onOpen(r.id)}>{wx(lang, 'openRecord')}</button></td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </article>
  );
}
