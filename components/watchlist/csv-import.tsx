/** CSV import of the watchlist: every bad row listed, nothing half-imported. */
import { useMemo, useState } from 'preact/hooks';
import { describeRowError } from '../../lib/i18n/watchlist-messages';
import { CSV_TEMPLATE, importCsv, type ImportResult } from '../../lib/watchlist/csv';
import type { WatchEntry } from '../../lib/watchlist/model';
import { saveWatchlist } from '../../lib/watchlist/store';
import type { X } from './text';

const MAX_CSV_KB = 2048;

export function CsvImport({ entries, x, lang }: { entries: WatchEntry[]; x: X; lang: 'id' | 'en' }) {
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
