/**
 * The evidence manager's "verify a bundle" section: reads a bundle file, shows the verifier's
 * verdict (naming every failing file), then imports it without duplicates.
 */
import { useState } from 'preact/hooks';
import { sendExport, uploadBundle } from './export-api';
import { formatTime } from './i18n';
import type { ExportMessageKey } from '../lib/i18n/export-messages';
import type { ImportResponse, VerifyResponse } from '../lib/export-protocol';

/** Largest file the verify screen reads (the background holds it in memory). */
const MAX_FILE_MB = 256;

/** The verifier's messages may start with the file name, which the list already shows. */
const withoutFile = (file: string, message: string) => (message.startsWith(`${file}: `) ? message.slice(file.length + 2) : message);

export function VerifySection({ x, lang, onImported }: {
  x: (k: ExportMessageKey, p?: Record<string, string | number>) => string; lang: 'id' | 'en'; onImported: () => void;
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
            when: formatTime(verified.createdAt, lang).split(' (')[0]!,
            who: [verified.createdBy.name, verified.createdBy.unit].filter(Boolean).join(', ') || x('unknownMonitor'),
          })}</div>
          <div class="mono">SHA-256: {verified.sha256}</div>
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
          <ul id="verify-problems" style={{ margin: '6px 0 0', paddingLeft: '18px' }}>
            {verified.problems.map((p, i) => (
              <li key={i} data-file={p.file} data-code={p.code}>
                <span class="mono">{p.file}</span>: {withoutFile(p.file, p.message)}
              </li>
            ))}
          </ul>
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
              {imported.problems.length > 0 && (
                <ul style={{ margin: '6px 0 0', paddingLeft: '18px' }}>
                  {imported.problems.map((p, i) => <li key={i} data-file={p.file}><span class="mono">{p.file}</span>: {withoutFile(p.file, p.message)}</li>)}
                </ul>
              )}
            </>
          )}
        </div>
      )}
    </section>
  );
}

