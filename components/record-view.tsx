/**
 * The evidence manager's record view: the screenshot with its gesture marks (editable), every
 * field with its source (editable through the same form as the review window), the custody log
 * with old and new values of every edit and a check of its hash chain, and deletion with a
 * confirmation and a required reason (a tombstone goes to the deletion log).
 * Page-derived text is rendered as text only.
 */
import { useEffect, useState } from 'preact/hooks';
import type { CustodyEvent } from '../lib/db/evidence-db';
import type { Lang } from '../lib/i18n/messages';
import { wx } from '../lib/i18n/workbench-messages';
import { verifyCustody } from '../lib/integrity/custody';
import type { EvidenceView } from '../lib/messages';
import type { DeleteResult, GestureMark, SetGesturesResult } from '../lib/workbench-protocol';
import { send } from './api';
import { GestureEditor } from './gesture-editor';
import { formatTime, type T } from './i18n';
import { formToPatch, initialForm, RecordForm, type FormState } from './record-form';
import { SourcePanel } from './source-panel';
import { StatusChip } from './status';
import { sendWorkbench } from './workbench-api';

type SaveReply = { ok: true; status: string } | { ok: false; message: string };

const show = (v: unknown, lang: Lang): string => {
  if (v === null || v === undefined || v === '') return wx(lang, 'changeEmpty');
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
};

export function RecordView(props: {
  id: string; t: T; lang: Lang; onClose(): void; onDeleted(message: string): void;
}) {
  const { id, t, lang } = props;
  const [view, setView] = useState<EvidenceView | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [form, setForm] = useState<FormState | null>(null);
  const [gestures, setGestures] = useState<GestureMark[]>([]);
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState('');
  const [deleteError, setDeleteError] = useState<string | null>(null);

  const load = async () => {
    const v = await send<EvidenceView | { ok: false; message: string }>({ type: 'get-evidence', id });
    if (v && 'evidence' in v) {
      setView(v);
      setForm(initialForm(v.evidence));
      setGestures(v.evidence.record.violation.gestures.map((g) => ({ type: g.type, box: { ...g.box } })));
    } else setLoadError(v?.message ?? t('err_notFound'));
  };
  useEffect(() => { void load(); }, [id]);

  if (loadError) return <section id="record-view"><p class="msg error" role="alert">{loadError}</p><button onClick={props.onClose}>{wx(lang, 'backToList')}</button></section>;
  if (!view || !form) return <section id="record-view"><p>{t('loading')}</p></section>;
  const ev = view.evidence;
  const r = ev.record;
  const locked = ev.status === 'synced' || ev.status === 'sending';
  const chain = verifyCustody(ev.id, ev.custody);

  const save = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setMsg(null);
    try {
      let changed = false;
      if (JSON.stringify(gestures) !== JSON.stringify(r.violation.gestures)) {
        const g = await sendWorkbench<SetGesturesResult>({ type: 'set-gestures', id, gestures });
        if (!g.ok) { setMsg({ ok: false, text: wx(lang, 'saveFailed', { reason: g.message }) }); return; }
        changed ||= g.changed;
      }
      const before = ev.custody.length;
      const res = await send<SaveReply>({ type: 'save-evidence', id, patch: formToPatch(form, ev), finalize: false });
      if (!res.ok) { setMsg({ ok: false, text: wx(lang, 'saveFailed', { reason: res.message }) }); return; }
      await load();
      const after = (await send<EvidenceView>({ type: 'get-evidence', id })).evidence?.custody.length ?? before;
      changed ||= after > before;
      setMsg({ ok: true, text: changed ? wx(lang, 'editsSaved') : wx(lang, 'noChanges') });
    } catch (err) {
      setMsg({ ok: false, text: wx(lang, 'saveFailed', { reason: String((err as Error)?.message ?? err) }) });
    } finally {
      setBusy(false);
    }
  };

  const doDelete = async () => {
    setDeleteError(null);
    if (!reason.trim()) { setDeleteError(wx(lang, 'errReasonRequired')); return; }
    setBusy(true);
    try {
      const res = await sendWorkbench<DeleteResult>({ type: 'delete-evidence', id, reason });
      if (res.ok) props.onDeleted(wx(lang, 'deleted'));
      else setDeleteError(wx(lang, 'deleteFailed', { reason: res.message }));
    } catch (err) {
      setDeleteError(wx(lang, 'deleteFailed', { reason: String((err as Error)?.message ?? err) }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section id="record-view" data-id={ev.id}>
      <p><button id="record-close" type="button" onClick={props.onClose}>← {wx(lang, 'backToList')}</button></p>
      <h2>{wx(lang, 'recordTitle')} <span class="mono">{ev.id}</span> <StatusChip status={ev.status} t={t} /></h2>
      <p class="muted">{wx(lang, 'recordIntro')}</p>
      {locked && <p class="msg info" id="record-locked">{wx(lang, 'lockedHint', { status: t(`status_${ev.status}`) })}</p>}

      <h2>{wx(lang, 'gesturesTitle')}</h2>
      {view.screenshotUrl && (
        <GestureEditor src={view.screenshotUrl} imgId="record-screenshot" alt={t('screenshot')} lang={lang}
          natural={{ width: r.screenshot.width, height: r.screenshot.height }} gestures={gestures} readOnly={locked}
          onChange={(next) => {
            setGestures(next);
            if (next.length > gestures.length && !form.types.includes('gesture')) setForm({ ...form, types: [...form.types, 'gesture'] });
          }} />
      )}
      <p><strong>{t('hash')}:</strong> <span class="mono" id="record-sha256">{r.screenshot.sha256}</span> · {r.screenshot.width}×{r.screenshot.height} px</p>
      <p><strong>{t('capturedAt')}:</strong> {formatTime(r.capturedAt, lang, r.timezone)} · {t('timezone')}: {r.timezone}</p>
      <p><strong>{t('pageUrl')}:</strong> <span class="mono">{r.page.url}</span></p>
      <p><strong>{t('platform')}:</strong> {r.platform} · <strong>{t('kind')}:</strong> {t(`kind_${r.kind}`)}</p>

      <form onSubmit={save}>
        <fieldset disabled={locked} style={{ border: 0, padding: 0, margin: 0 }}>
          <RecordForm ev={ev} form={form} onChange={setForm} t={t} lang={lang} />
        </fieldset>
        {msg && <p class={`msg ${msg.ok ? 'ok' : 'error'}`} role="status" id={msg.ok ? 'record-save-ok' : 'record-save-error'}>{msg.text}</p>}
        {!locked && (
          <p><button class="primary" type="submit" id="record-save" disabled={busy}>{wx(lang, 'saveEdits')}</button></p>
        )}
      </form>

      <details>
        <summary class="muted">fieldSources</summary>
        <ul class="mono" id="field-sources">
          {Object.entries(r.fieldSources).sort().map(([k, v]) => <li key={k}>{k}: {t(`source_${v}`)}</li>)}
        </ul>
      </details>

      <SourcePanel record={r} source={view.source} lang={lang} />

      <h2>{wx(lang, 'custodyTitle')}</h2>
      <p id="custody-check" data-ok={String(chain.ok)} class={`msg ${chain.ok ? 'ok' : 'error'}`}>
        {chain.ok ? wx(lang, 'custodyOk', { n: chain.length }) : wx(lang, 'custodyBroken', { index: chain.index + 1, reason: chain.reason })}
      </p>
      <ol id="custody-log">
        {ev.custody.map((c, i) => <CustodyItem key={i} c={c} lang={lang} />)}
      </ol>

      <h2>{wx(lang, 'deleteTitle')}</h2>
      <p class="muted">{wx(lang, 'deleteIntro')}</p>
      {!confirming ? (
        <button id="delete-open" type="button" disabled={busy || ev.status === 'sending'} onClick={() => setConfirming(true)}>{wx(lang, 'deleteButton')}</button>
      ) : (
        <div class="msg error" id="delete-dialog" role="alertdialog" aria-labelledby="delete-reason-label">
          <label for="delete-reason" id="delete-reason-label">{wx(lang, 'deleteReason')}</label>
          <textarea id="delete-reason" value={reason} onInput={(e) => setReason((e.target as HTMLTextAreaElement).value)} />
          {deleteError && <p role="alert" id="delete-error">{deleteError}</p>}
          <p style={{ display: 'flex', gap: '8px' }}>
            <button class="primary" id="delete-confirm" type="button" disabled={busy || !reason.trim()} onClick={() => void doDelete()}>
              {busy ? wx(lang, 'deleting') : wx(lang, 'deleteConfirm')}
            </button>
            <button id="delete-cancel" type="button" onClick={() => { setConfirming(false); setReason(''); setDeleteError(null); }}>{wx(lang, 'cancel')}</button>
          </p>
        </div>
      )}
    </section>
  );
}

function CustodyItem({ c, lang }: { c: CustodyEvent; lang: Lang }) {
  const changes = Array.isArray(c.details?.changes) ? (c.details.changes as Array<{ path: string; from: unknown; to: unknown }>) : [];
  return (
    <li data-action={c.action}>
      <strong>{wx(lang, `action_${c.action}`)}</strong> · {formatTime(c.at, lang).split(' (')[0]} · {c.actor ?? wx(lang, 'unknownActor')}
      {changes.length > 0 && (
        <ul class="custody-changes">
          {changes.map((ch, i) => (
            <li key={i} data-path={ch.path}>
              <span class="mono">{ch.path}</span>: <del class="from">{show(ch.from, lang)}</del> → <ins class="to">{show(ch.to, lang)}</ins>
            </li>
          ))}
        </ul>
      )}
      {c.hash && <div class="mono muted">#{c.hash.slice(0, 16)}…</div>}
    </li>
  );
}
