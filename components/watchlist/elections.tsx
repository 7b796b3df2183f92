/** The elections and candidates editor (ballot numbers, campaign accounts): data, not code. */
import { useEffect, useState } from 'preact/hooks';
import { newId, type Election } from '../../lib/watchlist/model';
import { electionsItem, saveElections, validateElection, type CandidateInput, type ElectionError } from '../../lib/watchlist/store';
import { entryErrorText, type X } from './text';
import { useStored } from './use-stored';

interface ElectionDraft { id: string; name: string; date: string; candidates: CandidateInput[] }
const toDraft = (e: Election): ElectionDraft => ({
  id: e.id, name: e.name, date: e.date,
  candidates: e.candidates.map((c) => ({ id: c.id, name: c.name, ballotNumber: String(c.ballotNumber), accounts: c.accounts.join('\n') })),
});

export function Elections({ x }: { x: X }) {
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
