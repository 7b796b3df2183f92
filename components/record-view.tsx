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
import { Modal } from './form-feedback';
import { platformName } from './capture-panel';
import { fieldLabel } from '../lib/record/validation';
import { SourcePanel } from './source-panel';
import { StatusChip } from './status';
import { sendWorkbench } from './workbench-api';

import type { SaveEvidenceReply } from '../lib/messages';

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
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [focusTick, setFocusTick] = useState(0);
  const [correcting, setCorrecting] = useState(false);
  const [askCorrect, setAskCorrect] = useState(false);

  const load = async () => {
    const v = await send<EvidenceView | { ok: false; message: string }>({ type: 'get-evidence', id });
    if (v && 'evidence' in v) {
      setView(v);
      setForm(initialForm(v.evidence));
      setGestures(v.evidence.record.violation.gestures.map((g) => ({ type: g.type, box: { ...g.box } })));
    } else setLoadError(v?.message ?? t('err_notFound'));
  };
  useEffect(() => { void load(); }, [id]);
  // After a refused save: the first invalid field gets the focus and comes into view.
  useEffect(() => {
    if (!focusTick) return;
    const first = document.querySelector<HTMLElement>('#record-view [aria-invalid="true"]');
    first?.focus({ preventScroll: true });
    first?.scrollIntoView({ block: 'center' });
  }, [focusTick]);

  if (loadError) return <section id="record-view"><p class="msg error" role="alert">{loadError}</p><button onClick={props.onClose}>{wx(lang, 'backToList')}</button></section>;
  if (!view || !form) return <section id="record-view"><p>{t('loading')}</p></section>;
  const ev = view.evidence;
  const r = ev.record;
  // A synced record is read-only until "Koreksi" (a logged correction, sent again as an amendment).
  const locked = ev.status === 'sending' || (ev.status === 'synced' && !correcting);
  const chain = verifyCustody(ev.id, ev.custody);

  const save = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setMsg(null);
    try {
      let changed = false;
      if (JSON.stringify(gestures) !== JSON.stringify(r.violation.gestures)) {
        const g = await sendWorkbench<SetGesturesResult>({ type: 'set-gestures', id, gestures, ...(correcting ? { amend: true } : {}) });
        if (!g.ok) { setMsg({ ok: false, text: wx(lang, 'saveFailed', { reason: g.message }) }); return; }
        changed ||= g.changed;
      }
      const before = ev.custody.length;
      const res = await send<SaveEvidenceReply>({ type: 'save-evidence', id, patch: formToPatch(form, ev), finalize: false, ...(correcting ? { amend: true } : {}) });
      if (!res.ok) {
        setErrors(Object.fromEntries((res.problems ?? []).filter((p) => p.path).map((p) => [p.path, p.message])));
        setMsg({ ok: false, text: res.message });
        setFocusTick((n) => n + 1);
        return;
      }
      setErrors({});
      if (correcting && res.changed) {
        setCorrecting(false);
        await load();
        setMsg({ ok: true, text: t('correctionSaved') });
        return;
      }
      setCorrecting(false);
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
      {ev.status === 'synced' && !correcting && <p class="msg info" id="record-locked">{t('readOnlyNote')}</p>}
      {ev.status === 'sending' && <p class="msg info" id="record-locked">{t('sendingNote')}</p>}
      {correcting && <p class="msg info" id="record-correcting">{t('correcting')}</p>}

      <h2>{wx(lang, 'gesturesTitle')}</h2>
      {view.screenshotUrl && (
        <GestureEditor src={view.screenshotUrl} imgId="record-screenshot" alt={t('screenshot')} lang={lang}
          natural={{ width: r.screenshot.width, height: r.screenshot.height }} gestures={gestures} readOnly={ev.status === 'synced' || ev.status === 'sending'}
          onChange={(next) => {
            setGestures(next);
            if (next.length > gestures.length && !form.types.includes('gesture')) setForm({ ...form, types: [...form.types, 'gesture'] });
          }} />
      )}
      <p><strong>{t('hash')}:</strong> <span class="mono" id="record-sha256">{r.screenshot.sha256}</span></p>
      <p><strong>{t('capturedAt')}:</strong> {formatTime(r.capturedAt, lang, r.timezone)}</p>
      <p><strong>{t('pageUrl')}:</strong> <span class="mono">{r.page.url}</span></p>
      <p><strong>{t('platform')}:</strong> {platformName(r.platform, t)} · <strong>{t('kind')}:</strong> {t(`kind_${r.kind}`)}</p>

      <form onSubmit={save} noValidate>
        <RecordForm ev={ev} form={form} onChange={setForm} t={t} lang={lang} errors={errors} readOnly={locked} />
        {msg && <p class={`msg ${msg.ok ? 'ok' : 'error'}`} role={msg.ok ? 'status' : 'alert'} id={msg.ok ? 'record-save-ok' : 'record-save-error'}>{msg.text}</p>}
        <div class="save-bar">
          <div class="save-actions">
            {ev.status === 'synced' && !correcting && (
              <button class="primary" type="button" id="record-correct" onClick={() => setAskCorrect(true)}>{t('correct')}</button>
            )}
            {!locked && (
              <button class="primary" type="submit" id="record-save" disabled={busy}>{correcting ? t('saveCorrection') : wx(lang, 'saveEdits')}</button>
            )}
          </div>
        </div>
      </form>
      {askCorrect && (
        <Modal id="record-correct-dialog" title={t('correctTitle')} onCancel={() => setAskCorrect(false)}>
          <p>{t('correctBody')}</p>
          <p class="dialog-actions">
            <button class="primary" type="button" id="record-correct-confirm" onClick={() => { setAskCorrect(false); setCorrecting(true); setMsg(null); }}>{t('correctStart')}</button>
            <button type="button" onClick={() => setAskCorrect(false)}>{t('formCancel')}</button>
          </p>
        </Modal>
      )}

      <details>
        <summary class="muted">{t('fieldSourcesTitle')}</summary>
        <ul id="field-sources">
          {Object.entries(r.fieldSources).sort().map(([k, v]) => (
            <li key={k} data-path={k}>{fieldLabel(k, lang) ?? sourceSubject(k, t)}: {t(`source_${v}`)}</li>
          ))}
        </ul>
      </details>

      <SourcePanel record={r} source={view.source} lang={lang} />

      <h2>{wx(lang, 'custodyTitle')}</h2>
      <p id="custody-check" data-ok={String(chain.ok)} class={`msg ${chain.ok ? 'ok' : 'error'}`}>
        {chain.ok ? wx(lang, 'custodyOk', { n: chain.length }) : wx(lang, 'custodyBroken', { index: chain.index + 1, reason: chain.reason })}
      </p>
      <ol id="custody-log">
        {ev.custody.map((c, i) => <CustodyItem key={i} c={c} lang={lang} t={t} />)}
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

/** A record part that is not a form field (platform, kind, gestures...), in words. */
function sourceSubject(path: string, t: T): string {
  if (path === 'platform') return t('platform');
  if (path === 'kind') return t('kind');
  if (path === 'violation.gestures') return t('vt_gesture');
  if (path.startsWith('post.postedAt')) return `${t('postedAt')} (${t('section_post').toLowerCase()})`;
  if (path.startsWith('comment.postedAt')) return `${t('postedAt')} (${t('section_comment').toLowerCase()})`;
  if (path === 'reaction.type') return t('reactionType');
  const section = path.split('.')[0];
  if (section === 'post' || section === 'comment' || section === 'reaction' || section === 'subject') return t(`section_${section}`);
  return path;
}

function CustodyItem({ c, lang, t }: { c: CustodyEvent; lang: Lang; t: T }) {
  const changes = Array.isArray(c.details?.changes) ? (c.details.changes as Array<{ path: string; from: unknown; to: unknown }>) : [];
  return (
    <li data-action={c.action}>
      <strong>{wx(lang, `action_${c.action}`)}</strong> · {formatTime(c.at, lang).split(' (')[0]} · {c.actor ?? wx(lang, 'unknownActor')}
      {changes.length > 0 && (
        <ul class="custody-changes">
          {changes.map((ch, i) => (
            <li key={i} data-path={ch.path}>
              <span>{fieldLabel(ch.path, lang) ?? sourceSubject(ch.path, t)}</span>: <del class="from">{show(ch.from, lang)}</del> → <ins class="to">{show(ch.to, lang)}</ins>
            </li>
          ))}
        </ul>
      )}
      {c.hash && <div class="mono muted">#{c.hash.slice(0, 16)}…</div>}
    </li>
  );
}
