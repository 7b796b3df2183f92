/**
 * The evidence manager's "verify a bundle" section: reads a bundle file, shows the verifier's
 * verdict (naming every failing file), then imports it without duplicates.
 */
import { useState } from 'preact/hooks';
import { sendExport, uploadBundle } from './export-api';
import { formatTime } from './i18n';
import type { ExportMessageKey } from '../lib/i18n/export-messages';
import type { BundleProblemView, ImportResponse, VerifyResponse } from '../lib/export-protocol';
import { groupProblems, type ProblemRecord } from '../lib/export/problems';

/** Largest file the verify screen reads (the background holds it in memory). */
const MAX_FILE_MB = 256;

/** The verifier's messages may start with the file name, which the list already shows. */
const withoutFile = (file: string, message: string) => (message.startsWith(`${file}: `) ? message.slice(file.length + 2) : message);

type X = (k: ExportMessageKey, p?: Record<string, string | number>) => string;

/** "Bukti 2 dari 3: Raden Mas ..., NIP 1985..., Instagram, ditangkap 28 Nov 2026 11.00.00 WITA" */
function recordHeading(rec: ProblemRecord | null, total: number | null, x: X, lang: 'id' | 'en'): string {
  if (!rec) return x('verifyBundleWide');
  const platform = rec.platform ? x(`platform_${rec.platform}` as ExportMessageKey) : null;
  const who = [
    rec.name ?? x('verifyUnnamedAsn'),
    rec.nip ? `NIP ${rec.nip}` : null,
    platform && !platform.startsWith('platform_') ? platform : null,
    rec.capturedAt ? x('verifyCaptured', { when: formatTime(rec.capturedAt, lang, rec.timezone ?? undefined) }) : null,
  ].filter(Boolean).join(', ');
  return total ? x('verifyRecordHeading', { n: rec.index, total, who }) : x('verifyRecordHeadingNoTotal', { n: rec.index, who });
}

/** The problems per record, the ASN and the record first, what is wrong in plain words, file and hashes as detail. */
function ProblemList({ problems, x, lang, id }: { problems: BundleProblemView[]; x: X; lang: 'id' | 'en'; id?: string }) {
  return (
    <div id={id} class="verify-problems" style={{ margin: '6px 0 0' }}>
      {groupProblems(problems).map((g) => (
        <div key={g.record?.id ?? '-'} class="verify-group" data-record={g.record?.id ?? ''}>
          <div class="verify-record"><strong>{recordHeading(g.record, null, x, lang)}</strong></div>
          <ul style={{ margin: '2px 0 6px', paddingLeft: '18px' }}>
            {g.problems.map((p, i) => (
              <li key={i} data-file={p.file} data-code={p.code}>
                <span class="problem-summary">{p.summary ?? withoutFile(p.file, p.message)}</span>
                <details class="problem-detail">
                  <summary class="muted">{x('verifyDetail')}</summary>
                  <span class="mono" style={{ overflowWrap: 'anywhere' }}>{p.file}</span>: <span style={{ overflowWrap: 'anywhere' }}>{withoutFile(p.file, p.message)}</span>
                </details>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </div>
  );
}

export function VerifySection({ x, lang, onImported }: {
  x: X; lang: 'id' | 'en'; onImported: () => void;
}) {
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState<'verify' | 'import' | null>(null);
  const [verified, setVerified] = useState<VerifyResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [imported, setImported] = useState<ImportResponse | null>(null);

  const verify = async (f: File) => {
    setFile(f);
    setVerified(null);
    setImported(null);
    setError(null);
    if (f.size > MAX_FILE_MB * 1024 * 1024) {
      setError(x('fileTooLarge', { size: Math.ceil(f.size / 1048576), max: MAX_FILE_MB }));
      return;
    }
    setBusy('verify');
    try {
      const src = await uploadBundle(f);
      setVerified(await sendExport<VerifyResponse>({ type: 'verify-bundle', ...src }));
    } catch (e) {
      setError(x('fileReadError', { reason: String((e as Error)?.message ?? e) }));
    } finally {
      setBusy(null);
    }
  };

  const doImport = async () => {
    if (!file) return;
    setBusy('import');
    setImported(null);
    try {
      const src = await uploadBundle(file);
      setImported(await sendExport<ImportResponse>({ type: 'import-bundle', ...src }));
    } catch (e) {
      setImported({ ok: false, problems: [], message: x('importFailed', { reason: String((e as Error)?.message ?? e) }) });
    } finally {
      setBusy(null);
      onImported();
    }
  };

  return (
    <section>
      <h2>{x('verifyTitle')}</h2>
      <p class="muted">{x('verifyIntro')}</p>
      <label for="verify-file">{x('verifyFile')}</label>
      <input id="verify-file" type="file" accept=".zip,application/zip" disabled={busy !== null}
        onChange={(e) => {
          const f = (e.target as HTMLInputElement).files?.[0];
          if (f) void verify(f);
        }} />
      {busy === 'verify' && <p class="msg info" id="verify-progress">{x('verifying')}</p>}
      {error && <p class="msg error" role="alert" id="verify-error">{error}</p>}
      {verified && (verified.ok ? (
        <div class="msg ok" role="status" id="verify-result" data-ok="true">
          <div><strong>{x('verifyOk', { n: verified.recordCount })}</strong></div>
          <div>{x('verifyFrom', {
            when: formatTime(verified.createdAt, lang),
            who: [verified.createdBy.name, verified.createdBy.unit].filter(Boolean).join(', ') || x('unknownMonitor'),
          })}</div>
          <div class="muted" style={{ fontSize: '12px' }}>{x('verifyBundleSha')} <span class="mono" style={{ overflowWrap: 'anywhere' }}>{verified.sha256}</span></div>
          <div id="verify-plan">{x('verifyPlan', { new: verified.newCount, present: verified.presentCount })}</div>
          {verified.conflictIds.map((id) => <div key={id} class="conflict">{x('verifyConflict', { id })}</div>)}
          <p style={{ margin: '8px 0 0' }}>
            <button class="primary" id="import" disabled={busy !== null} onClick={() => void doImport()}>
              {busy === 'import' ? x('importing') : x('importButton')}
            </button>
          </p>
        </div>
      ) : (
        <div class="msg error" role="alert" id="verify-result" data-ok="false">
          <div><strong>{verified.message ?? x('verifyBad', { n: verified.problems.length })}</strong></div>
          <ProblemList id="verify-problems" problems={verified.problems} x={x} lang={lang} />
        </div>
      ))}
      {imported && (
        <div class={`msg ${imported.ok ? 'ok' : 'error'}`} role="alert" id="import-result" data-ok={String(imported.ok)}>
          {imported.ok ? (
            <>
              <span data-added={imported.added} data-present={imported.alreadyPresent}>
                {x('importDone', { added: imported.added, present: imported.alreadyPresent })}
              </span>
              {imported.conflictIds.map((id) => <div key={id} class="conflict">{x('verifyConflict', { id })}</div>)}
            </>
          ) : (
            <>
              <div>{imported.message}</div>
              {imported.problems.length > 0 && <ProblemList problems={imported.problems} x={x} lang={lang} />}
            </>
          )}
        </div>
      )}
    </section>
  );
}

