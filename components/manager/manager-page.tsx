/**
 * The evidence manager ("Kelola bukti"): list and filter the stored evidence, export a selection
 * or everything matching the filter as an evidence bundle, open a record, the case files and the
 * deletion log, and verify a bundle file then import it without duplicates.
 * Page-derived text (names, comment text, file names inside a bundle) is rendered as text only.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { CaseFiles } from '../case-files';
import { DeletionLog } from '../deletion-log';
import { sendExport } from '../export-api';
import { useT } from '../i18n';
import { RecordView } from '../record-view';
import { VerifySection } from '../verify-section';
import { sendWorkbench } from '../workbench-api';
import { EvidenceTable, type ListRow } from './evidence-table';
import { ExportButtons, ExportResultView } from './export-panel';
import { Filters } from './filters';
import { exportBundle } from '../../lib/background/export';
import { tx, type ExportMessageKey } from '../../lib/i18n/export-messages';
import { tw } from '../../lib/i18n/watchlist-messages';
import { wx, type WorkbenchMessageKey } from '../../lib/i18n/workbench-messages';
import type { EvidenceFilter, ExportResult, ListResult } from '../../lib/export-protocol';
import { EMPTY_FILTER, toFilter, type FilterForm } from '../../lib/manager/filter';
import type { TypedListResult } from '../../lib/workbench-protocol';

type Tab = 'list' | 'cases' | 'deletions';
const TAB_LABEL: Record<Tab, WorkbenchMessageKey> = { list: 'tabList', cases: 'tabCases', deletions: 'tabDeletions' };

export function ManagerPage() {
  const [t, lang] = useT();
  const [tab, setTab] = useState<Tab>('list');
  const [openId, setOpenId] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const w = (key: WorkbenchMessageKey, params?: Record<string, string | number>) => wx(lang, key, params);
  const x = (key: ExportMessageKey, params?: Record<string, string | number>) => tx(lang, key, params);
  const [form, setForm] = useState<FilterForm>(EMPTY_FILTER);
  const [list, setList] = useState<{ rows: ListRow[]; total: number } | null>(null);
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

  const doExport = async (f: EvidenceFilter) => {
    setExporting(true);
    setExported(null);
    try {
      // Built here, in the page, not in the service worker: a page can hand the ZIP to the
      // downloads API as a blob: URL, whatever its size.
      setExported(await exportBundle(f, lang));
    } catch (e) {
      setExported({ ok: false, code: 'error', message: x('exportFailed', { reason: String((e as Error)?.message ?? e) }) });
    } finally {
      setExporting(false);
      void load();
    }
  };
  // Opened from the popup's "Ekspor semua": export everything once the page is up.
  useEffect(() => {
    if (new URLSearchParams(location.search).get('export') === 'all') {
      history.replaceState(null, '', location.pathname);
      void doExport({});
    }
  }, []);

  const rows = list?.rows ?? [];
  const visibleSelected = rows.filter((r) => selected.has(r.id)).map((r) => r.id);
  const open = (id: string) => { setNotice(null); setOpenId(id); };

  return (
    <main style={{ maxWidth: '1100px', margin: '24px auto', padding: '0 16px' }}>
      <h1>{x('managerTitle')} · {t('appName')}</h1>
      <div class="page-nav">
        <nav role="tablist" aria-label={x('managerTitle')} style={{ display: 'flex', gap: '8px' }}>
          {(['list', 'cases', 'deletions'] as const).map((k) => (
            <button key={k} id={`tab-${k}`} type="button" role="tab" aria-selected={tab === k && !openId} class={tab === k && !openId ? 'primary' : ''}
              onClick={() => { setTab(k); setOpenId(null); setNotice(null); }}>
              {w(TAB_LABEL[k])}
            </button>
          ))}
        </nav>
        <a id="to-watchlist" href={browser.runtime.getURL('/watchlist.html')}>{tw(lang, 'navLink')}</a>
      </div>
      {notice && <p class="msg ok" role="status" id="manager-notice">{notice}</p>}
      {openId && (
        <RecordView key={openId} id={openId} t={t} lang={lang}
          onClose={() => { setOpenId(null); void load(); }}
          onDeleted={(m) => { setOpenId(null); setNotice(m); setSelected(new Set()); void load(); }} />
      )}
      {!openId && tab === 'cases' && <CaseFiles t={t} lang={lang} onOpen={open} />}
      {!openId && tab === 'deletions' && <DeletionLog lang={lang} />}
      <div style={{ display: !openId && tab === 'list' ? 'block' : 'none' }}>
        <Filters form={form} setForm={setForm} t={t} x={x} w={w} />
        <h2>{x('exportTitle')}</h2>
        <p class="muted" id="list-count">{list ? x('listCount', { n: rows.length, total: list.total }) : x('loading')}</p>
        <ExportButtons exporting={exporting} selected={visibleSelected.length} rows={rows.length} x={x}
          onSelected={() => void doExport({ ids: visibleSelected })}
          onFiltered={() => void doExport(form.violations.length ? { ids: rows.map((r) => r.id) } : filter)} />
        {exporting && <p class="msg info" id="export-progress">{x('exporting')}</p>}
        {exported && <ExportResultView result={exported} x={x} t={t} />}
        {list && rows.length === 0 && <p class="muted" id="list-empty">{x('listEmpty')}</p>}
        {rows.length > 0 && (
          <EvidenceTable rows={rows} selected={selected} onSelect={setSelected} t={t} x={x} lang={lang}
            colViolation={w('colViolation')} colActions={w('colActions')} openLabel={w('openRecord')} onOpen={open} />
        )}
        <VerifySection x={x} lang={lang} onImported={() => void load()} />
      </div>
    </main>
  );
}
