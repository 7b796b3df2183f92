/**
 * The review form's window ("Lengkapi bukti"), opened after "Tandai": the screenshot, the record's
 * fields, and the save. What the monitor depends on here:
 * - the save answers at the sticky button and in a toast; invalid fields are marked
 *   (aria-invalid), described beside them in the monitor's words, and the first one is focused
 *   and scrolled into view;
 * - nothing typed is lost: the values are kept as a draft while typing (components/use-form-draft.ts),
 *   restored on reopen, and closing with unsaved input asks first ("unsaved" is defined in
 *   lib/record/form-draft.ts);
 * - with no monitor identity in the settings, the form asks for it (components/monitor-fields.tsx);
 * - a synced record opens read-only; "Koreksi" explains that a correction is logged and sent again
 *   as an amendment, then allows editing.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import type { FormDraft, MonitorValues } from '../lib/record/form-draft';
import { sameGestures, sameValues } from '../lib/record/form-draft';
import { pickResultKey, type EvidenceView, type PickField, type PickResult, type SaveEvidenceReply } from '../lib/messages';
import { cleanMonitor, getSettings, settingsItem } from '../lib/settings';
import type { GestureMark, SetGesturesResult } from '../lib/workbench-protocol';
import { send } from './api';
import { CapturePanel } from './capture-panel';
import { Modal, Toast, type Feedback } from './form-feedback';
import { formatTime, useT } from './i18n';
import { MonitorFields, monitorProblems } from './monitor-fields';
import { formToPatch, initialForm, RecordForm, type FormState } from './record-form';
import { SourcePanel } from './source-panel';
import { TeamNotice } from './team-notice';
import { StatusChip } from './status';
import { useFormDraft } from './use-form-draft';
import { sendWorkbench } from './workbench-api';

const copyGestures = (gs: readonly GestureMark[]): GestureMark[] => gs.map((g) => ({ type: g.type, box: { ...g.box } }));

export function ReviewPage({ id }: { id: string }) {
  const [t, lang] = useT();
  const [view, setView] = useState<EvidenceView | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [baseline, setBaseline] = useState<{ form: FormState; gestures: GestureMark[] } | null>(null);
  const [form, setForm] = useState<FormState | null>(null);
  const [gestures, setGestures] = useState<GestureMark[]>([]);
  const [askMonitor, setAskMonitor] = useState(false);
  const [monitor, setMonitor] = useState<MonitorValues>({ name: '', nip: '', unit: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [feedback, setFeedback] = useState<Feedback | null>(null);
  const [toast, setToast] = useState<Feedback | null>(null);
  const [focusTick, setFocusTick] = useState(0);
  const [saving, setSaving] = useState(false);
  const [correcting, setCorrecting] = useState(false);
  const [dialog, setDialog] = useState<'close' | 'correct' | null>(null);
  const [restoredAt, setRestoredAt] = useState<string | null>(null);
  const [storedDraft, setStoredDraft] = useState(false);
  const [picking, setPicking] = useState<PickField | null>(null);
  const [pickMsg, setPickMsg] = useState<{ ok: boolean; text: string } | null>(null);
  /** set when the monitor chose to close: the browser's own prompt is then not shown again */
  const closing = useRef(false);

  const load = async (first: boolean) => {
    const [v, settings] = await Promise.all([
      send<EvidenceView | { ok: false; message: string }>({ type: 'get-evidence', id }),
      getSettings(),
    ]);
    if (!v || !('evidence' in v)) {
      setLoadError(v?.message ?? t('err_notFound'));
      return;
    }
    const ev = v.evidence;
    const base = { form: initialForm(ev), gestures: copyGestures(ev.record.violation.gestures) };
    const needMonitor = !settings.monitor.name.trim();
    let next = { form: base.form, gestures: base.gestures, monitor: { ...settings.monitor } };
    const draft = first ? (ev.extras?.formDraft as FormDraft | undefined) : undefined;
    if (draft && ev.status !== 'sending') {
      next = { form: draft.form, gestures: copyGestures(draft.gestures), monitor: draft.monitor && needMonitor ? draft.monitor : next.monitor };
      setRestoredAt(draft.at);
      setStoredDraft(true);
      if (ev.status === 'synced') setCorrecting(true);
    }
    setView(v);
    setBaseline(base);
    setAskMonitor(needMonitor);
    setForm(next.form);
    setGestures(next.gestures);
    setMonitor(next.monitor);
  };
  useEffect(() => void load(true), [id]);

  // The page answers a pick through storage.session (lib/background/pick.ts).
  useEffect(() => {
    const key = pickResultKey(id);
    const onChanged = (changes: Record<string, { newValue?: unknown }>, area: string) => {
      const r = changes[key]?.newValue as PickResult | undefined;
      if (area !== 'session' || !r) return;
      setPicking(null);
      if (r.value === null) {
        setPickMsg({ ok: false, text: t('pickCancelled') });
        return;
      }
      const [section, k] = r.field.split('.') as ['subject' | 'post' | 'comment', string];
      setForm((f) => (f ? { ...f, [section]: { ...f[section], [k]: r.value! } } : f));
      setPickMsg({ ok: true, text: t('pickDone') });
      window.focus();
    };
    browser.storage.onChanged.addListener(onChanged);
    return () => browser.storage.onChanged.removeListener(onChanged);
  }, [id, lang]);

  const ev = view?.evidence;
  const status = ev?.status;
  const readOnly = status === 'sending' || (status === 'synced' && !correcting);
  const dirty = !!(form && baseline) && (
    !sameValues(form, baseline.form) || !sameGestures(gestures, baseline.gestures)
    || (askMonitor && Object.values(monitor).some((x) => x.trim() !== '')));
  const draft: Omit<FormDraft, 'at'> | null = dirty && form ? { form, gestures, ...(askMonitor ? { monitor } : {}) } : null;
  const autosave = useFormDraft({ id, draft, enabled: !!form && !readOnly && !saving, stored: storedDraft });

  // Closing the window with unsaved input asks first (the browser's own prompt).
  useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      if (closing.current) return;
      e.preventDefault();
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [dirty]);

  // After a refused save: the first invalid field gets the focus and comes into view.
  useEffect(() => {
    if (!focusTick) return;
    const first = document.querySelector<HTMLElement>('[aria-invalid="true"]');
    if (!first) return;
    first.focus({ preventScroll: true });
    first.scrollIntoView({ block: 'center' });
  }, [focusTick]);

  if (loadError && !view) return <main class="wrap"><p class="msg error" role="alert">{loadError}</p></main>;
  if (!view || !ev || !form) return <main class="wrap"><p>{t('loading')}</p></main>;
  const r = ev.record;

  const report = (f: Feedback) => {
    setFeedback(f);
    setToast(f);
  };
  const refuse = (problems: Record<string, string>, summary: string) => {
    setErrors(problems);
    report({ ok: false, text: summary });
    setFocusTick((n) => n + 1);
  };
  const summaryOf = (messages: string[]) =>
    messages.length > 1 ? t('saveInvalidMany', { n: messages.length, problem: messages[0]! }) : t('saveInvalidOne', { problem: messages[0]! });

  const save = async (): Promise<boolean> => {
    setSaving(true);
    setFeedback(null);
    setToast(null);
    try {
      await autosave.flush();
      if (askMonitor) {
        const problems = monitorProblems(monitor, t);
        if (Object.keys(problems).length) {
          refuse(problems, summaryOf(Object.values(problems)));
          return false;
        }
        const s = await settingsItem.getValue();
        await settingsItem.setValue({ ...s, monitor: cleanMonitor(monitor).value });
      }
      // Gesture marks first (their own message; the background checks every box lies inside the
      // screenshot and logs the change), then the form, which queues the record.
      if (!sameGestures(gestures, baseline!.gestures)) {
        const g = await sendWorkbench<SetGesturesResult>({ type: 'set-gestures', id, gestures, ...(correcting ? { amend: true } : {}) });
        if (!g.ok) {
          setErrors({});
          report({ ok: false, text: t('saveFailed', { reason: g.message }) });
          return false;
        }
      }
      const res = await send<SaveEvidenceReply>({ type: 'save-evidence', id, patch: formToPatch(form, ev), finalize: true, ...(correcting ? { amend: true } : {}) });
      if (!res.ok) {
        const fields = Object.fromEntries((res.problems ?? []).filter((p) => p.path).map((p) => [p.path, p.message]));
        refuse(fields, res.message);
        return false;
      }
      autosave.markCleared();
      setStoredDraft(false);
      setErrors({});
      setRestoredAt(null);
      report({ ok: true, text: correcting ? (res.changed ? t('correctionSaved') : t('noChanges')) : t('saved') });
      setCorrecting(false);
      await load(false);
      return true;
    } catch (err) {
      report({ ok: false, text: t('saveFailed', { reason: String((err as Error)?.message ?? err) }) });
      return false;
    } finally {
      setSaving(false);
    }
  };
  const pick = async (field: PickField) => {
    setPickMsg(null);
    setPicking(field);
    const res = await send<{ ok: boolean; message?: string }>({ type: 'pick-start', id, field });
    if (!res?.ok) {
      setPicking(null);
      setPickMsg({ ok: false, text: res?.message ?? t('pickNoTab') });
    }
  };
  const closeWindow = () => {
    closing.current = true;
    setDialog(null);
    window.close();
  };
  const statusId = feedback ? (feedback.ok ? 'save-ok' : 'save-error') : undefined;
  const autosaveText = autosave.state.kind === 'saving' ? t('autosaving')
    : autosave.state.kind === 'saved' ? t('autosaved')
      : autosave.state.kind === 'error' ? t('autosaveFailed', { reason: autosave.state.reason }) : '';

  return (
    <main class="review">
      <h1>{t('reviewTitle')} <StatusChip status={ev.status} t={t} /></h1>
      {ev.warnings.map((w) => <p class="msg error" key={w.code}>{w.message}</p>)}
      {restoredAt && <p class="msg info" id="draft-restored">{t('draftRestored', { time: formatTime(restoredAt, lang) })}</p>}
      {status === 'synced' && !correcting && <p class="msg info" id="read-only-note">{t('readOnlyNote')}</p>}
      {status === 'sending' && <p class="msg info" id="read-only-note">{t('sendingNote')}</p>}
      {correcting && <p class="msg info" id="correcting-note">{t('correcting')}</p>}
      <CapturePanel record={r} screenshotUrl={view.screenshotUrl} gestures={gestures} lang={lang} t={t}
        readOnly={ev.status === 'synced' || ev.status === 'sending'}
        onGestures={(next) => {
          setGestures(next);
          // Marking a gesture ticks the "hand gesture" violation.
          if (next.length > gestures.length && !form.types.includes('gesture')) setForm({ ...form, types: [...form.types, 'gesture'] });
        }} />
      <form id="review-form" noValidate onSubmit={(e) => { e.preventDefault(); void save(); }}>
        {askMonitor && !readOnly && <MonitorFields values={monitor} onChange={setMonitor} errors={errors} t={t} />}
        <div id="record-fields">
          <RecordForm ev={ev} form={form} onChange={setForm} t={t} lang={lang} errors={errors} readOnly={readOnly}
            onPick={readOnly ? undefined : (f) => void pick(f)} picking={picking}
            subjectNote={<TeamNotice nip={form.subject.nip ?? ''} accountUrl={form.subject.accountUrl ?? ''} lang={lang} t={t} />} />
        </div>
        {pickMsg && <p class={`msg ${pickMsg.ok ? 'ok' : 'error'}`} role="status" id="pick-result">{pickMsg.text}</p>}
        <div class="save-bar">
          <div class="save-actions">
            {status === 'synced' && !correcting ? (
              <button class="primary" type="button" id="correct" onClick={() => setDialog('correct')}>{t('correct')}</button>
            ) : status !== 'sending' && (
              <button class="primary" type="submit" id="save" disabled={saving} aria-describedby={statusId}>
                {saving ? t('saving') : correcting ? t('saveCorrection') : t('save')}
              </button>
            )}
            <button type="button" id="close" onClick={() => (dirty ? setDialog('close') : closeWindow())}>{t('close')}</button>
            {autosaveText && <span class="muted autosave" id="autosave">{autosaveText}</span>}
          </div>
          {feedback && <p id={statusId} class={`save-status msg ${feedback.ok ? 'ok' : 'error'}`}>{feedback.text}</p>}
        </div>
      </form>
      <SourcePanel record={r} source={view.source} lang={lang} />
      <Toast feedback={toast} dismissLabel={t('toastDismiss')} onDismiss={() => setToast(null)} />
      {dialog === 'close' && (
        <Modal id="close-dialog" title={t('closeTitle')} onCancel={() => setDialog(null)}>
          <p id="close-dialog-body">{t('closeBody')}</p>
          <p class="dialog-actions">
            <button class="primary" type="button" id="close-save" disabled={saving}
              onClick={() => { setDialog(null); void save().then((ok) => ok && closeWindow()); }}>{t('closeSave')}</button>
            <button type="button" id="close-later" onClick={() => void autosave.flush().then(closeWindow)}>{t('closeLater')}</button>
            <button type="button" id="close-back" onClick={() => setDialog(null)}>{t('closeBack')}</button>
          </p>
        </Modal>
      )}
      {dialog === 'correct' && (
        <Modal id="correct-dialog" title={t('correctTitle')} onCancel={() => setDialog(null)}>
          <p>{t('correctBody')}</p>
          <p class="dialog-actions">
            <button class="primary" type="button" id="correct-confirm" onClick={() => { setDialog(null); setCorrecting(true); setFeedback(null); }}>
              {t('correctStart')}
            </button>
            <button type="button" id="correct-cancel" onClick={() => setDialog(null)}>{t('formCancel')}</button>
          </p>
        </Modal>
      )}
    </main>
  );
}
