/**
 * The export buttons and their result: how many records went into which file, that the file is in
 * the browser's Downloads folder (found through the downloads API by the download's id), a button
 * that shows it there, and the bundle's SHA-256.
 */
import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import type { T } from '../i18n';
import type { ExportMessageKey } from '../../lib/i18n/export-messages';
import type { ExportResult } from '../../lib/export-protocol';
import { downloadPlace, type DownloadInfo, type DownloadPlace } from '../../lib/manager/download-place';

type X = (k: ExportMessageKey, p?: Record<string, string | number>) => string;

/** Follow one download until it ends (or 60 s pass). */
function useDownloadPlace(id: number | null, requested: string): DownloadPlace | null {
  const [place, setPlace] = useState<DownloadPlace | null>(null);
  useEffect(() => {
    if (id === null) { setPlace(null); return; }
    let stop = false;
    const end = Date.now() + 60_000;
    const look = async () => {
      let item: DownloadInfo | undefined;
      try {
        item = (await browser.downloads.search({ id }))[0] as DownloadInfo | undefined;
      } catch { /* no downloads API here: say what was asked for */ }
      if (stop) return;
      const p = downloadPlace(item, requested);
      setPlace(p);
      if (p.state === 'pending' && Date.now() < end) setTimeout(() => void look(), 300);
    };
    void look();
    return () => { stop = true; };
  }, [id, requested]);
  return place;
}

export function ExportButtons({ exporting, selected, rows, x, onSelected, onFiltered }: {
  exporting: boolean; selected: number; rows: number; x: X; onSelected(): void; onFiltered(): void;
}) {
  return (
    <div style={{ display: 'flex', gap: '8px', flexWrap: 'wrap' }}>
      <button class="primary" id="export-selected" type="button" disabled={exporting || selected === 0} onClick={onSelected}>
        {x('exportSelected', { n: selected })}
      </button>
      <button id="export-filtered" type="button" disabled={exporting || rows === 0} onClick={onFiltered}>
        {x('exportFiltered', { n: rows })}
      </button>
    </div>
  );
}

export function ExportResultView({ result, x, t }: { result: ExportResult; x: X; t: T }) {
  const place = useDownloadPlace(result.ok ? result.downloadId : null, result.ok ? result.fileName : '');
  if (!result.ok) {
    return <div class="msg error" role="alert" id="export-result" data-ok="false">{result.message}</div>;
  }
  return (
    <div class="msg ok" role="alert" id="export-result" data-ok="true">
      <div>{x('exportDone', { n: result.recordCount, file: result.fileName })}</div>
      {place && (
        <div id="export-where" data-state={place.state}>
          {place.state === 'complete' ? t('exportSavedAs', { file: place.file })
            : place.state === 'failed' ? t('exportDownloadFailed', { file: place.file })
              : t('exportDownloadPending', { file: place.file })}
          {place.state === 'complete' && (
            <>
              {' '}
              <button type="button" id="export-show" onClick={() => void browser.downloads.show(result.downloadId)}>{t('exportShowFile')}</button>
            </>
          )}
        </div>
      )}
      <div class="muted">{x('exportSha')}</div>
      <div class="mono" id="export-sha256">{result.sha256}</div>
    </div>
  );
}
