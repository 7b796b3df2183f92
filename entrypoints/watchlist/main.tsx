/**
 * The watchlist page ("Daftar pantau"): the ASN being watched (add, edit, delete, CSV import with
 * every bad row listed and nothing half-imported), the switch for the in-page marks, and the
 * elections/candidates editor. Data lives in browser.storage.local (lib/watchlist/store.ts), read
 * directly: no background messages. Everything typed or imported is rendered as text only.
 */
import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import '../../assets/ui.css';
import { useLang } from '../../components/i18n';
import { describeRowError, tw, type WatchlistMessageKey } from '../../lib/i18n/watchlist-messages';
import { CSV_TEMPLATE, importCsv, validateEntry, type EntryError, type EntryInput, type ImportResult } from '../../lib/watchlist/csv';
import { newId, type Election, type EmploymentType, type WatchEntry } from '../../lib/watchlist/model';
import {
  electionsItem, saveElections, saveWatchlist, setMarking, validateElection, watchKeysItem, watchlistItem,
  type CandidateInput, type ElectionError,
} from '../../lib/watchlist/store';

const TYPES: readonly EmploymentType[] = ['PNS', 'PPPK', 'PTT', 'other', 'unknown'];
const MAX_CSV_KB = 2048;
const EMPTY_FORM: EntryInput = { name: '', nip: '', agency: '', position: '', rank: '', employmentType: 'unknown', accounts: '' };

function useStored<T>(item: { getValue(): Promise<T>; watch(cb: (v: T) => void): () => void }, fallback: T): T {
  const [v, setV] = useState<T>(fallback);
  useEffect(() => {
    void item.getValue().then(setV);
    return item.watch((n) => setV(n ?? fallback));
  }, []);
  return v;
}

function App() {
  const lang = useLang();
  const x = (key: WatchlistMessageKey, params?: Record<string, string | number>) => tw(lang, key, params);
  const entries = useStored<WatchEntry[]>(watchlistItem, []);
  const marking = useStored(watchKeysItem, { enabled: true, keys: [] as string[] });
  useEffect(() => { document.title = `${x('title')} · Tandai Bukti ASN`; }, [lang]);

  return (
    <main style={{ maxWidth: '1100px', margin: '24px auto', padding: '0 16px' }}>
      <h1>{x('title')}</h1>
      <p>{x('intro')}</p>
      <p class="muted">{x('storedLocally')}</p>
      <label style={{ display: 'flex', gap: '8px', alignItems: 'center', fontWeight: 400 }}>
        <input id="marking" type="checkbox" checked={marking.enabled !== false} onChange={(e) => void setMarking((e.target as HTMLInputElement).checked)} />
        {x('markingOn')}
      </label>
      <WatchList entries={entries} x={x} />
      <CsvImport entries={entries} x={x} lang={lang} />
      <Elections x={x} />
    </main>
  );
}

type X = (key: WatchlistMessageKey, params?: Record<string, string | number>) => string;

function entryErrorText(x: X, e: EntryError | ElectionError): string {
  return x(`err_${e.code}` as WatchlistMessageKey, { value: e.value ?? '' });
}

function WatchList({ entries, x }: { entries: WatchEntry[]; x: X }) {
  const [query, setQuery] = useState('');
  const [editing, setEditing] = useState<string | null>(null);
  const [form, setForm] = useState<EntryInput>(EMPTY_FORM);
  const [errors, setErrors] = useState<string[]>([]);
  const [saved, setSaved] = useState('');

  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    if (!q) return entries;
    return entries.filter((e) => [e.name, e.nip, e.agency, e.position, ...e.accounts].some((v) => v?.toLowerCase().includes(q)));
  }, [entries, query]);

  const edit = (e: WatchEntry) => {
    setEditing(e.id);
    setErrors([]);
    setSaved('');
    setForm({
      name: e.name, nip: e.nip ?? '', agency: e.agency ?? '', position: e.position ?? '', rank: e.rank ?? '',
      employmentType: e.employmentType, accounts: e.accounts.join('\n'),
    });
    document.getElementById('w-form')?.scrollIntoView();
  };
  const cancel = () => {
    setEditing(null);
    setForm(EMPTY_FORM);
    setErrors([]);
  };
  const save = async (ev: Event) => {
    ev.preventDefault();
    setSaved('');
    const v = validateEntry(form);
    if (!v.ok) {
      setErrors(v.errors.map((e) => entryErrorText(x, e)));
      return;
    }
    const d = v.entry;
    const problems: string[] = [];
    for (const other of entries) {
      if (other.id === editing) continue;
      if (d.nip && other.nip === d.nip) problems.push(`${x('colNip')} ${d.nip}: ${other.name}`);
      for (const a of d.accounts) {
        if (other.accounts.some((o) => o.toLowerCase() === a.toLowerCase())) problems.push(x('err_account_conflict', { value: a, other: other.name }));
      }
    }
    if (problems.length) {
      setErrors(problems);
      return;
    }
    const now = new Date().toISOString();
    const next = editing
      ? entries.map((e) => (e.id === editing ? { ...e, ...d, updatedAt: now } : e))
      : [...entries, { id: newId(), ...d, addedAt: now, updatedAt: now }];
    await saveWatchlist(next);
    setSaved(x('entrySaved', { name: d.name }));
    cancel();
  };
  const remove = async (e: WatchEntry) => {
    if (!confirm(x('confirmDelete', { name: e.name }))) return;
    await saveWatchlist(entries.filter((o) => o.id !== e.id));
    if (editing === e.id) cancel();
  };
  const field = (key: keyof EntryInput, label: WatchlistMessageKey, id: string) => (
    <div>
      <label for={id}>{x(label)}</label>
      <input id={id} type="text" value={form[key]} onInput={(e) => setForm({ ...form, [key]: (e.target as HTMLInputElement).value })} />
    </div>
  );

  return (
    <section>
      <h2>{x('listTitle', { n: entries.length })}</h2>
      {entries.length === 0 ? <p id="wl-empty" class="muted">{x('listEmpty')}</p> : (
        <>
          <input id="wl-search" type="text" placeholder={x('search')} aria-label={x('search')} value={query}
            onInput={(e) => setQuery((e.target as HTMLInputElement).value)} style={{ maxWidth: '360px', marginBottom: '8px' }} />
          <div style={{ overflowX: 'auto' }}>
            <table id="wl-table" style={{ width: '100%', borderCollapse: 'collapse' }}>
              <thead>
                <tr>
                  {(['colName', 'colNip', 'colAgency', 'colPosition', 'colRank', 'colType', 'colAccounts', 'colActions'] as const).map((k) => (
                    <th key={k} style={{ textAlign: 'left', borderBottom: '1px solid var(--line)', padding: '4px' }}>{x(k)}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {shown.map((e) => (
                  <tr key={e.id} data-id={e.id} style={{ borderBottom: '1px solid var(--line)', verticalAlign: 'top' }}>
                    <td style={{ padding: '4px' }} data-col="name">{e.name}</td>
                    <td style={{ padding: '4px' }} class="mono" data-col="nip">{e.nip ?? '—'}</td>
                    <td style={{ padding: '4px' }} data-col="agency">{e.agency ?? '—'}</td>
                    <td style={{ padding: '4px' }}>{e.position ?? '—'}</td>
                    <td style={{ padding: '4px' }}>{e.rank ?? '—'}</td>
                    <td style={{ padding: '4px' }}>{x(`type_${e.employmentType}` as WatchlistMessageKey)}</td>
                    <td style={{ padding: '4px' }} class="mono">{e.accounts.map((a) => <div key={a}>{a}</div>)}</td>
                    <td style={{ padding: '4px', whiteSpace: 'nowrap' }}>
                      <button type="button" class="edit" onClick={() => edit(e)}>{x('edit')}</button>{' '}
                      <button type="button" class="delete" onClick={() => void remove(e)}>{x('delete')}</button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      <form id="w-form" onSubmit={(e) => void save(e)} style={{ marginTop: '12px' }}>
        <h2>{editing ? x('editTitle', { name: form.name }) : x('addTitle')}</h2>
        <div class="grid2">
          {field('name', 'fName', 'w-name')}
          {field('nip', 'fNip', 'w-nip')}
          {field('agency', 'fAgency', 'w-agency')}
          {field('position', 'fPosition', 'w-position')}
          {field('rank', 'fRank', 'w-rank')}
          <div>
            <label for="w-type">{x('fType')}</label>
            <select id="w-type" value={form.employmentType} onChange={(e) => setForm({ ...form, employmentType: (e.target as HTMLSelectElement).value })}>
              {TYPES.map((t) => <option key={t} value={t}>{x(`type_${t}` as WatchlistMessageKey)}</option>)}
            </select>
          </div>
        </div>
        <label for="w-accounts">{x('fAccounts')}</label>
        <textarea id="w-accounts" value={form.accounts} onInput={(e) => setForm({ ...form, accounts: (e.target as HTMLTextAreaElement).value })} />
        <p class="muted">{x('fAccountsHint')}</p>
        {errors.length > 0 && (
          <div id="w-errors" class="msg error" role="alert">
            {x('entryInvalid')}
            <ul>{errors.map((m, i) => <li key={i}>{m}</li>)}</ul>
          </div>
        )}
        {saved && <p id="w-saved" class="msg ok" role="status">{saved}</p>}
        <button id="w-save" type="submit" class="primary">{x('saveEntry')}</button>{' '}
        {editing && <button type="button" id="w-cancel" onClick={cancel}>{x('cancel')}</button>}
      </form>
    </section>
  );
}

function CsvImport({ entries, x, lang }: { entries: WatchEntry[]; x: X; lang: 'id' | 'en' }) {
  const [result, setResult] = useState<ImportResult | null>(null);
  const [problem, setProblem] = useState('');
  const [done, setDone] = useState('');
  const [busy, setBusy] = useState(false);

  const templateHref = useMemo(() => URL.createObjectURL(new Blob([CSV_TEMPLATE], { type: 'text/csv' })), []);
  const onFile = async (input: HTMLInputElement) => {
    setResult(null);
    setProblem('');
    setDone('');
    const file = input.files?.[0];
    if (!file) return;
    if (file.size > MAX_CSV_KB * 1024) {
      setProblem(x('csvTooLarge', { size: Math.ceil(file.size / 1024), max: MAX_CSV_KB }));
      return;
    }
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(await file.arrayBuffer());
    } catch {
      setProblem(x('csvNotUtf8'));
      return;
    }
    setResult(importCsv(text, entries));
  };
  const doImport = async () => {
    if (!result?.ok) return;
    setBusy(true);
    try {
      await saveWatchlist(result.entries);
      setDone(x('csvDone', { added: result.added, updated: result.updated }));
      setResult(null);
      const input = document.getElementById('csv-file') as HTMLInputElement | null;
      if (input) input.value = '';
    } finally {
      setBusy(false);
    }
  };

  return (
    <section>
      <h2>{x('csvTitle')}</h2>
      <p>{x('csvIntro')}</p>
      <p><a id="csv-template" href={templateHref} download="daftar-pantau.csv">{x('csvTemplate')}</a></p>
      <label for="csv-file">{x('csvFile')}</label>
      <input id="csv-file" type="file" accept=".csv,text/csv,text/plain" onChange={(e) => void onFile(e.target as HTMLInputElement)} />
      {problem && <p id="csv-problem" class="msg error" role="alert">{problem}</p>}
      {result && !result.ok && (
        <div id="csv-errors" class="msg error" role="alert">
          <strong>{x('csvErrors', { n: result.errors.length })}</strong>
          <ul>{result.errors.map((e, i) => <li key={i} data-line={e.line}>{describeRowError(lang, e)}</li>)}</ul>
        </div>
      )}
      {result?.ok && (
        <div id="csv-ready" class="msg info">
          <p style={{ margin: '0 0 6px' }}>{x('csvReady', { rows: result.rows, added: result.added, updated: result.updated })}</p>
          <button id="csv-import" type="button" class="primary" disabled={busy} onClick={() => void doImport()}>{x('csvImport')}</button>
        </div>
      )}
      {done && <p id="csv-done" class="msg ok" role="status">{done}</p>}
    </section>
  );
}

interface ElectionDraft { id: string; name: string; date: string; candidates: CandidateInput[] }
const toDraft = (e: Election): ElectionDraft => ({
  id: e.id, name: e.name, date: e.date,
  candidates: e.candidates.map((c) => ({ id: c.id, name: c.name, ballotNumber: String(c.ballotNumber), accounts: c.accounts.join('\n') })),
});

function Elections({ x }: { x: X }) {
  const stored = useStored<Election[]>(electionsItem, []);
  const [drafts, setDrafts] = useState<ElectionDraft[]>([]);
  const [errors, setErrors] = useState<Record<string, ElectionError[]>>({});
  const [saved, setSaved] = useState(false);
  useEffect(() => setDrafts(stored.map(toDraft)), [stored]);

  const update = (id: string, f: (d: ElectionDraft) => ElectionDraft) => {
    setSaved(false);
    setDrafts((ds) => ds.map((d) => (d.id === id ? f(d) : d)));
  };
  const save = async () => {
    const out: Election[] = [];
    const errs: Record<string, ElectionError[]> = {};
    for (const d of drafts) {
      const v = validateElection(d);
      if (v.ok) out.push(v.election);
      else errs[d.id] = v.errors;
    }
    setErrors(errs);
    if (Object.keys(errs).length) return;
    await saveElections(out);
    setSaved(true);
  };
  const addElection = () => {
    setSaved(false);
    setDrafts((ds) => [...ds, { id: newId(), name: '', date: '', candidates: [] }]);
  };
  const removeElection = (d: ElectionDraft) => {
    if (!confirm(x('confirmDeleteElection', { name: d.name || '—' }))) return;
    setSaved(false);
    setDrafts((ds) => ds.filter((o) => o.id !== d.id));
  };

  return (
    <section id="elections">
      <h2>{x('electionsTitle')}</h2>
      <p>{x('electionsIntro')}</p>
      {drafts.length === 0 && <p class="muted" id="elections-empty">{x('electionsEmpty')}</p>}
      {drafts.map((d) => (
        <fieldset key={d.id} data-election-id={d.id} style={{ border: '1px solid var(--line)', borderRadius: '6px', margin: '8px 0', padding: '8px 12px' }}>
          <div class="grid2">
            <div>
              <label>{x('eName')}
                <input class="e-name" type="text" value={d.name} onInput={(e) => update(d.id, (o) => ({ ...o, name: (e.target as HTMLInputElement).value }))} />
              </label>
            </div>
            <div>
              <label>{x('eDate')}
                <input class="e-date" type="date" value={d.date} onInput={(e) => update(d.id, (o) => ({ ...o, date: (e.target as HTMLInputElement).value }))} />
              </label>
            </div>
          </div>
          <h3 style={{ fontSize: '14px', margin: '10px 0 4px' }}>{x('candidates')}</h3>
          {d.candidates.length === 0 && <p class="muted">{x('noCandidates')}</p>}
          {d.candidates.map((c) => {
            const setC = (patch: Partial<CandidateInput>) =>
              update(d.id, (o) => ({ ...o, candidates: o.candidates.map((k) => (k.id === c.id ? { ...k, ...patch } : k)) }));
            return (
              <div key={c.id} data-candidate-id={c.id} style={{ display: 'grid', gridTemplateColumns: '90px 1fr 1.4fr auto', gap: '8px', alignItems: 'end', margin: '4px 0' }}>
                <label>{x('cBallot')}<input class="c-ballot" type="text" inputMode="numeric" value={c.ballotNumber} onInput={(e) => setC({ ballotNumber: (e.target as HTMLInputElement).value })} /></label>
                <label>{x('cName')}<input class="c-name" type="text" value={c.name} onInput={(e) => setC({ name: (e.target as HTMLInputElement).value })} /></label>
                <label>{x('cAccounts')}<textarea class="c-accounts" rows={2} value={c.accounts} onInput={(e) => setC({ accounts: (e.target as HTMLTextAreaElement).value })} /></label>
                <button type="button" onClick={() => update(d.id, (o) => ({ ...o, candidates: o.candidates.filter((k) => k.id !== c.id) }))}>{x('delete')}</button>
              </div>
            );
          })}
          {(errors[d.id] ?? []).length > 0 && (
            <ul class="msg error e-errors" role="alert">
              {errors[d.id]!.map((e, i) => <li key={i}>{entryErrorText(x, e)}</li>)}
            </ul>
          )}
          <p style={{ display: 'flex', gap: '8px' }}>
            <button type="button" class="c-add" onClick={() => update(d.id, (o) => ({
              ...o, candidates: [...o.candidates, { id: newId(), name: '', ballotNumber: String(o.candidates.length + 1), accounts: '' }],
            }))}>{x('addCandidate')}</button>
            <button type="button" onClick={() => removeElection(d)}>{x('deleteElection')}</button>
          </p>
        </fieldset>
      ))}
      <p style={{ display: 'flex', gap: '8px', alignItems: 'center' }}>
        <button id="e-add" type="button" onClick={addElection}>{x('addElection')}</button>
        <button id="e-save" type="button" class="primary" onClick={() => void save()}>{x('saveEntry')}</button>
        {saved && <span id="e-saved" class="msg ok" role="status">{x('saved')}</span>}
      </p>
      <p class="muted">{x('fAccountsHint')}</p>
    </section>
  );
}

render(<App />, document.getElementById('app')!);
