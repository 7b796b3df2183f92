/** The deletion log (evidence manager tab): every deleted record's tombstone, and the chain check. */
import { useEffect, useState } from 'preact/hooks';
import { t, type Lang } from '../lib/i18n/messages';
import { wx } from '../lib/i18n/workbench-messages';
import type { DeletionsResult } from '../lib/workbench-protocol';
import { formatTime } from './i18n';
import { sendWorkbench } from './workbench-api';

export function DeletionLog({ lang }: { lang: Lang }) {
  const [data, setData] = useState<DeletionsResult | null>(null);
  useEffect(() => { void sendWorkbench<DeletionsResult>({ type: 'get-deletions' }).then((r) => { if (r?.ok) setData(r); }); }, []);
  if (!data) return <section id="deletions"><p>{t(lang, 'loading')}</p></section>;
  const { entries, check } = data;
  return (
    <section id="deletions">
      <h2>{wx(lang, 'deletionsTitle')}</h2>
      <p class="muted">{wx(lang, 'deletionsIntro')}</p>
      <p id="deletions-check" data-ok={String(check.ok)} class={`msg ${check.ok ? 'ok' : 'error'}`}>
        {check.ok ? wx(lang, 'deletionsOk', { n: check.length }) : wx(lang, 'deletionsBroken', { index: check.index + 1, reason: check.reason })}
      </p>
      {entries.length === 0 ? <p class="muted" id="deletions-empty">{wx(lang, 'deletionsEmpty')}</p> : (
        <table id="deletions-log" class="list">
          <thead><tr>
            <th scope="col">{wx(lang, 'colDeletedAt')}</th><th scope="col">{wx(lang, 'colRecordId')}</th><th scope="col">ASN</th>
            <th scope="col">{wx(lang, 'colReason')}</th><th scope="col">{wx(lang, 'colActor')}</th><th scope="col">SHA-256</th>
          </tr></thead>
          <tbody>
            {[...entries].reverse().map((e) => (
              <tr key={e.hash ?? e.id} data-id={e.id}>
                <td class="nowrap">{formatTime(e.at, lang).split(' (')[0]}</td>
                <td class="mono">{e.id}</td>
                <td>{e.subjectName ?? t(lang, 'unknownValue')}</td>
                <td style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{e.reason}</td>
                <td>{e.actor ?? wx(lang, 'unknownActor')}</td>
                <td class="mono" title={e.sha256}>{e.sha256.slice(0, 12)}…</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
