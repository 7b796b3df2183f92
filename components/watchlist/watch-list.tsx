/**
 * The watched ASN: the table (search, edit, delete) and the add/edit form with its checks
 * (valid NIP, no NIP or account twice). Everything typed is rendered as text only.
 */
import { useMemo, useState } from 'preact/hooks';
import type { WatchlistMessageKey } from '../../lib/i18n/watchlist-messages';
import { validateEntry, type EntryInput } from '../../lib/watchlist/csv';
import { newId, type EmploymentType, type WatchEntry } from '../../lib/watchlist/model';
import { saveWatchlist } from '../../lib/watchlist/store';
import { entryErrorText, type X } from './text';

const TYPES: readonly EmploymentType[] = ['PNS', 'PPPK', 'PTT', 'other', 'unknown'];
const EMPTY_FORM: EntryInput = { name: '', nip: '', agency: '', position: '', rank: '', employmentType: 'unknown', accounts: '' };

/** `team`: per entry id, what the team's server knows ("sudah 3 temuan tim"); absent = nothing known. */
export function WatchList({ entries, x, team = {} }: { entries: WatchEntry[]; x: X; team?: Record<string, string> }) {
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
          <p class="muted" id="wl-team-hint">{x('teamColHint')}</p>
          <div style={{ overflowX: 'auto' }}>
            <table id="wl-table" class="list">
              <thead>
                <tr>
                  {(['colName', 'colNip', 'colAgency', 'colPosition', 'colRank', 'colType', 'colAccounts', 'colTeam', 'colActions'] as const).map((k) => (
                    <th key={k} scope="col">{x(k)}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {shown.map((e) => (
                  <tr key={e.id} data-id={e.id}>
                    <td data-col="name">{e.name}</td>
                    <td class="mono nip" data-col="nip">{e.nip ?? '—'}</td>
                    <td data-col="agency">{e.agency ?? '—'}</td>
                    <td>{e.position ?? '—'}</td>
                    <td>{e.rank ?? '—'}</td>
                    <td>{x(`type_${e.employmentType}` as WatchlistMessageKey)}</td>
                    <td class="mono">{e.accounts.map((a) => <div key={a}>{a}</div>)}</td>
                    <td data-col="team" class={team[e.id] ? 'team-known' : 'muted'}>{team[e.id] ?? x('teamNone')}</td>
                    <td class="nowrap">
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
