/**
 * The evidence manager ("Kelola bukti"): list and filter the stored evidence, export a selection
 * or everything matching the filter as an evidence bundle (downloaded by the background), and
 * verify a bundle file - naming every failing file - then import it without duplicates.
 * Page-derived text (names, comment text, file names inside a bundle) is rendered as text only.
 */
import { render } from 'preact';
import { VaultGate } from '../../components/vault';
import { useEffect, useMemo, useState } from 'preact/hooks';
import '../../assets/ui.css';
import { CaseFiles } from '../../components/case-files';
import { DeletionLog } from '../../components/deletion-log';
import { sendExport, uploadBundle } from '../../components/export-api';
import { exportBundle } from '../../lib/background/export';
import { RecordView } from '../../components/record-view';
import { sendWorkbench } from '../../components/workbench-api';
import { wx } from '../../lib/i18n/workbench-messages';
import type { TypedListResult, TypedRow } from '../../lib/workbench-protocol';
import { formatTime, useT } from '../../components/i18n';
import { StatusChip } from '../../components/status';
import type { EvidenceStatus } from '../../lib/db/evidence-db';
import type {
  EvidenceFilter, EvidenceRow, ExportResult, ImportResponse, ListResult, VerifyResponse,
} from '../../lib/export-protocol';
import { tx, type ExportMessageKey } from '../../lib/i18n/export-messages';
import type { Platform, ViolationType } from '../../lib/record/schema';

// Local lists (type-checked) so this page does not pull zod or idb in.
const EVIDENCE_STATUSES: readonly EvidenceStatus[] = ['draft', 'queued', 'sending', 'synced', 'failed'];
const PLATFORMS: readonly Platform[] = ['facebook', 'instagram', 'tiktok', 'other'];
const VIOLATIONS: readonly ViolationType[] = [
  'like', 'reaction', 'comment', 'share', 'post', 'gesture', 'photo_with_candidate',
  'campaign_attribute', 'profile_picture', 'follow', 'other',
];

/** Largest file the verify screen reads (the background holds it in memory). */
const MAX_FILE_MB = 256;

interface FilterForm {
  from: string; to: string; statuses: EvidenceStatus[]; platforms: Platform[]; subject: string; violations: ViolationType[];
}
const EMPTY: FilterForm = { from: '', to: '', statuses: [], platforms: [], subject: '', violations: [] };

function toFilter(f: FilterForm): EvidenceFilter {
  const out: EvidenceFilter = {};
  if (f.from) out.from = f.from;
  if (f.to) out.to = f.to;
  if (f.statuses.length) out.statuses = f.statuses;
  if (f.platforms.length) out.platforms = f.platforms;
  if (f.subject.trim()) out.subject = f.subject.trim();
  return out;
}

/** The verifier's messages may start with the file name, which the list already shows. */
const withoutFile = (file: string, message: string) => (message.startsWith(`${file}: `) ? message.slice(file.length + 2) : message);

const toggle = <T,>(list: T[], v: T): T[] => (list.includes(v) ? list.filter((x) => x !== v) : [...list, v]);

type Tab = 'list' | 'cases' | 'deletions';

function Manager() {
  const [t, lang] = useT();
  const [tab, setTab] = useState<Tab>('list');
  const [openId, setOpenId] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const w = (key: Parameters<typeof wx>[1], params?: Record<string, string | number>) => wx(lang, key, params);
  const x = (key: ExportMessageKey, params?: Record<string, string | number>) => tx(lang, key, params);
  const [form, setForm] = useState<FilterForm>(EMPTY);
  const [list, setList] = useState<(ListResult & { rows: Array<EvidenceRow & Partial<TypedRow>> }) | TypedListResult | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [exporting, setExporting] = useState(false);
  const [exported, setExported] = useState<ExportResult | null>(null);

  const filter = useMemo(() => toFilter(form), [form]);
  const load = async () => {
    // The violation-type filter and column come from the workbench handler; the plain list is
    // the fallback (an older background without it).
    const typed = await sendWorkbench<TypedListResult | undefined>({ type: 'list-evidence-typed', filter, violationTypes: form.violations })
      .catch(() => undefined);
    if (typed?.ok) { setList(typed); return; }
    const r = await sendExport<ListResult>({ type: 'list-evidence', filter });
    if (r?.ok) setList(r);
  };
  useEffect(() => { void load(); }, [filter, form.violations]);
  // Opened from the popup's "Ekspor semua": export everything once the page is up.
  useEffect(() => {
    if (new URLSearchParams(location.search).get('export') === 'all') {
      history.replaceState(null, '', location.pathname);
      void doExport({});
    }
  }, []);

  const rows = list?.rows ?? [];
  const visibleSelected = rows.filter((r) => selected.has(r.id)).map((r) => r.id);
  const allChecked = rows.length > 0 && visibleSelected.length === rows.length;

  const doExport = async (f: EvidenceFilter) => {
    setExporting(true);
    setExported(null);
    try {
      // Built here, in the page, not in the service worker: a page can hand the ZIP to the
      // downloads API as a blob: URL, whatever its size (a worker would need a data: URL, which
      // Chrome refuses past ~60-100 MB and which doubles the memory).
      setExported(await exportBundle(f, lang));
    } catch (e) {
      setExported({ ok: false, code: 'error', message: x('exportFailed', { reason: String((e as Error)?.message ?? e) }) });
    } finally {
      setExporting(false);
      void load();
    }
  };

  return (
    <main style={{ maxWidth: '1100px', margin: '24px auto', padding: '0 16px' }}>
      <h1>{x('managerTitle')} · {t('appName')}</h1>
      <nav role="tablist" style={{ display: 'flex', gap: '8px', margin: '8px 0' }}>
        {(['list', 'cases', 'deletions'] as const).map((k) => (
          <button key={k} id={`tab-${k}`} role="tab" aria-selected={tab === k && !openId} class={tab === k && !openId ? 'primary' : ''}
            onClick={() => { setTab(k); setOpenId(null); setNotice(null); }}>
            {w(k === 'list' ? 'tabList' : k === 'cases' ? 'tabCases' : 'tabDeletions')}
          </button>
        ))}
      </nav>
      {notice && <p class="msg ok" role="status" id="manager-notice">{notice}</p>}
      {openId && (
        <RecordView key={openId} id={openId} t={t} lang={lang}
          onClose={() => { setOpenId(null); void load(); }}
          onDeleted={(m) => { setOpenId(null); setNotice(m); setSelected(new Set()); void load(); }} />
      )}
      {!openId && tab === 'cases' && <CaseFiles t={t} lang={lang} onOpen={(id) => { setNotice(null); setOpenId(id); }} />}
      {!openId && tab === 'deletions' && <DeletionLog lang={lang} />}
      <div style={{ display: !openId && tab === 'list' ? 'block' : 'none' }}>

      <h2>{x('filters')}</h2>
      <div style={{ display: 'grid', gridTemplateColumns: 'repeat(4, 1fr)', gap: '0 12px' }}>
        <div>
          <label for="f-from">{x('dateFrom')}</label>
          <input id="f-from" type="date" value={form.from} onInput={(e) => setForm({ ...form, from: (e.target as HTMLInputElement).value })} />
        </div>
        <div>
          <label for="f-to">{x('dateTo')}</label>
          <input id="f-to" type="date" value={form.to} onInput={(e) => setForm({ ...form, to: (e.target as HTMLInputElement).value })} />
        </div>
        <div style={{ gridColumn: 'span 2' }}>
          <label for="f-subject">{x('subjectSearch')}</label>
          <input id="f-subject" type="text" placeholder={x('subjectSearchPlaceholder')} value={form.subject}
            onInput={(e) => setForm({ ...form, subject: (e.target as HTMLInputElement).value })} />
        </div>
      </div>
      <div style={{ display: 'flex', gap: '24px', flexWrap: 'wrap', marginTop: '6px' }}>
        <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
          <legend class="muted">{x('statusFilter')}</legend>
          {EVIDENCE_STATUSES.map((s) => (
            <label key={s} style={{ display: 'inline-flex', gap: '4px', marginRight: '10px', fontWeight: 400 }}>
              <input type="checkbox" data-filter-status={s} checked={form.statuses.includes(s)}
                onChange={() => setForm({ ...form, statuses: toggle(form.statuses, s) })} />
              {t(`status_${s}`)}
            </label>
          ))}
        </fieldset>
        <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
          <legend class="muted">{x('platformFilter')}</legend>
          {PLATFORMS.map((p) => (
            <label key={p} style={{ display: 'inline-flex', gap: '4px', marginRight: '10px', fontWeight: 400 }}>
              <input type="checkbox" data-filter-platform={p} checked={form.platforms.includes(p)}
                onChange={() => setForm({ ...form, platforms: toggle(form.platforms, p) })} />
              {x(`platform_${p}`)}
            </label>
          ))}
        </fieldset>
        <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
          <legend class="muted">{w('violationTypeFilter')}</legend>
          {VIOLATIONS.map((v) => (
            <label key={v} style={{ display: 'inline-flex', gap: '4px', marginRight: '10px', fontWeight: 400 }}>
              <input type="checkbox" data-filter-violation={v} checked={form.violations.includes(v)}
                onChange={() => setForm({ ...form, violations: toggle(form.violations, v) })} />
              {t(`vt_${v}`)}
            </label>
          ))}
        </fieldset>
        <button id="reset-filters" onClick={() => setForm(EMPTY)}>{x('resetFilters')}</button>
      </div>

      <h2>{x('exportTitle')}</h2>
      <p class="muted" id="list-count">
        {list ? x('listCount', { n: rows.length, total: list.total }) : x('loading')}
      </p>
      <div style={{ display: 'flex', gap: '8px', flexWrap: 'wrap' }}>
        <button class="primary" id="export-selected" disabled={exporting || visibleSelected.length === 0}
          onClick={() => void doExport({ ids: visibleSelected })}>
          {x('exportSelected', { n: visibleSelected.length })}
        </button>
        <button id="export-filtered" disabled={exporting || rows.length === 0} onClick={() => void doExport(form.violations.length ? { ids: rows.map((r) => r.id) } : filter)}>
          {x('exportFiltered', { n: rows.length })}
        </button>
      </div>
      {exporting && <p class="msg info" id="export-progress">{x('exporting')}</p>}
      {exported && (
        <div class={`msg ${exported.ok ? 'ok' : 'error'}`} role="alert" id="export-result" data-ok={String(exported.ok)}>
          {exported.ok ? (
            <>
              <div>{x('exportDone', { n: exported.recordCount, file: exported.fileName })}</div>
              <div class="muted">{x('exportSha')}</div>
              <div class="mono" id="export-sha256">{exported.sha256}</div>
            </>
          ) : exported.message}
        </div>
      )}

      {list && rows.length === 0 && <p class="muted" id="list-empty">{x('listEmpty')}</p>}
      {rows.length > 0 && (
        <table id="evidence-list" style={{ width: '100%', borderCollapse: 'collapse', marginTop: '8px' }}>
          <thead>
            <tr style={{ textAlign: 'left', borderBottom: '1px solid var(--line)' }}>
              <th>
                <input type="checkbox" id="select-all" aria-label={x('selectAll')} checked={allChecked}
                  onChange={() => setSelected(allChecked ? new Set() : new Set(rows.map((r) => r.id)))} />
              </th>
              <th>{x('colTime')}</th><th>{x('colStatus')}</th><th>{x('colPlatform')}</th>
              <th>{x('colSubject')}</th><th>{w('colViolation')}</th><th>{x('colText')}</th><th>{x('colHash')}</th><th>{w('colActions')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <Row key={r.id} r={r} checked={selected.has(r.id)} lang={lang} t={t} x={x}
                onToggle={() => setSelected(new Set(toggle([...selected], r.id)))}
                openLabel={w('openRecord')} onOpen={() => { setNotice(null); setOpenId(r.id); }} />
            ))}
          </tbody>
        </table>
      )}

      <VerifySection x={x} lang={lang} onImported={() => void load()} />
      </div>
    </main>
  );
}

function Row({ r, checked, onToggle, lang, t, x, onOpen, openLabel }: {
  r: EvidenceRow & Partial<TypedRow>; checked: boolean; onToggle: () => void; lang: 'id' | 'en'; onOpen: () => void; openLabel: string;
  t: ReturnType<typeof useT>[0]; x: (k: ExportMessageKey, p?: Record<string, string | number>) => string;
}) {
  return (
    <tr data-id={r.id} style={{ borderBottom: '1px solid var(--line)', verticalAlign: 'top' }}>
      <td><input type="checkbox" class="row-select" aria-label={x('colSelect')} checked={checked} onChange={onToggle} /></td>
      <td class="muted">{formatTime(r.capturedAt, lang).split(' (')[0]}</td>
      <td>
        <StatusChip status={r.status} t={t} />
        {r.exports > 0 && <div class="muted">{x('exportedTimes', { n: r.exports })}</div>}
      </td>
      <td>{x(`platform_${r.platform}`)} · {t(`kind_${r.kind}`)}</td>
      <td><strong>{r.subjectName ?? '—'}</strong>{r.subjectNip && <div class="mono">{r.subjectNip}</div>}</td>
      <td class="row-types">
        {(r.types ?? []).map((v) => t(`vt_${v}`)).join(', ') || '—'}
        {r.gestureCount ? <div class="muted">✋ {r.gestureCount}</div> : null}
      </td>
      <td style={{ maxWidth: '320px', overflowWrap: 'anywhere' }}>{r.snippet}</td>
      <td class="mono" title={r.sha256}>{r.sha256.slice(0, 12)}…</td>
      <td><button type="button" class="open-record" data-id={r.id} onClick={onOpen}>{openLabel}</button></td>
    </tr>
  );
}

function VerifySection({ x, lang, onImported }: {
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

render(<VaultGate><Manager /></VaultGate>, document.getElementById('app')!);
