/**
 * The flagged item's stored source HTML (shown as text, never rendered) and the "Salah baca?"
 * export: a fixture case the maintainers run as it is (lib/record/misread-case.ts).
 */
import { useState } from 'preact/hooks';
import type { Lang } from '../lib/i18n/messages';
import { wx } from '../lib/i18n/workbench-messages';
import { downloadBlob } from '../lib/export/download';
import { correctedFields, misreadCase } from '../lib/record/misread-case';
import type { EvidenceRecord } from '../lib/record/schema';

export const MISREAD_FOLDER = 'tandai-salah-baca';

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

export function SourcePanel({ record, source, lang }: { record: EvidenceRecord; source: string | null | undefined; lang: Lang }) {
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const corrected = correctedFields(record);
  if (!record.source || source == null) {
    return <section id="source-panel"><h2>{wx(lang, 'sourceTitle')}</h2><p class="muted">{wx(lang, 'sourceNone')}</p></section>;
  }
  const save = async () => {
    setMsg(null);
    try {
      const c = misreadCase(record, source);
      await downloadBlob(new Blob([c.html], { type: 'text/html;charset=utf-8' }), `${MISREAD_FOLDER}/${c.name}.html`);
      await downloadBlob(new Blob([c.caseJson], { type: 'application/json' }), `${MISREAD_FOLDER}/${c.name}.case.json`);
      setMsg({ ok: true, text: wx(lang, 'misreadSaved', { folder: MISREAD_FOLDER, n: corrected.length }) });
    } catch (e) {
      setMsg({ ok: false, text: wx(lang, 'misreadFailed', { reason: String((e as Error)?.message ?? e) }) });
    }
  };
  return (
    <section id="source-panel">
      <h2>{wx(lang, 'sourceTitle')}</h2>
      <p class="muted">{wx(lang, 'sourceIntro', { sha: record.source.sha256, size: kb(record.source.bytes) })}</p>
      {record.source.truncated && <p class="msg info">{wx(lang, 'sourceTruncated')}</p>}
      <details>
        <summary>{wx(lang, 'sourceShow')}</summary>
        <pre id="source-html" class="mono" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all', maxHeight: '320px', overflow: 'auto' }}>{source}</pre>
      </details>
      <h3>{wx(lang, 'misreadTitle')}</h3>
      <p class="muted">{wx(lang, 'misreadIntro')}</p>
      {corrected.length === 0
        ? <p class="muted" id="misread-none">{wx(lang, 'misreadNone')}</p>
        : <p><button type="button" id="misread-save" onClick={() => void save()}>{wx(lang, 'misreadButton')}</button></p>}
      {msg && <p class={`msg ${msg.ok ? 'ok' : 'error'}`} role="status" id="misread-result">{msg.text}</p>}
    </section>
  );
}
