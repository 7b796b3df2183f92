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
import { sendExport } from '../../components/export-api';
import { exportBundle } from '../../lib/background/export';
import { RecordView } from '../../components/record-view';
import { VerifySection } from '../../components/verify-section';
import { sendWorkbench } from '../../components/workbench-api';
import { wx } from '../../lib/i18n/workbench-messages';
import type { TypedListResult, TypedRow } from '../../lib/workbench-protocol';
import { formatTime, useT } from '../../components/i18n';
import { StatusChip } from '../../components/status';
import type { EvidenceStatus } from '../../lib/db/evidence-db';
import type {
  EvidenceFilter, EvidenceRow, ExportResult, ListResult,
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

render(<VaultGate><Manager /></VaultGate>, document.getElementById('app')!);
