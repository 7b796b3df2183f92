import { render } from 'preact';
import { VaultGate } from '../../components/vault';
import { useEffect, useState } from 'preact/hooks';
import '../../assets/ui.css';
import { send } from '../../components/api';
import { formatTime, useT } from '../../components/i18n';
import { GestureEditor } from '../../components/gesture-editor';
import { formToPatch, initialForm, RecordForm, type FormState } from '../../components/record-form';
import { SourcePanel } from '../../components/source-panel';
import { StatusChip } from '../../components/status';
import { sendWorkbench } from '../../components/workbench-api';
import { wx } from '../../lib/i18n/workbench-messages';
import { pickResultKey, type EvidenceView, type PickField, type PickResult } from '../../lib/messages';
import { browser } from 'wxt/browser';
import type { GestureMark, SetGesturesResult } from '../../lib/workbench-protocol';

type SaveReply = { ok: true; status: string } | { ok: false; message: string };

function Review({ id }: { id: string }) {
  const [t, lang] = useT();
  const [view, setView] = useState<EvidenceView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [form, setForm] = useState<FormState | null>(null);
  const [gestures, setGestures] = useState<GestureMark[]>([]);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const [picking, setPicking] = useState<PickField | null>(null);
  const [pickMsg, setPickMsg] = useState<{ ok: boolean; text: string } | null>(null);

  const load = async () => {
    const v = await send<EvidenceView | { ok: false; message: string }>({ type: 'get-evidence', id });
    if ('evidence' in v) {
      setView(v);
      setForm(initialForm(v.evidence));
      setGestures(v.evidence.record.violation.gestures.map((g) => ({ type: g.type, box: { ...g.box } })));
    } else setError(v.message);
  };
  useEffect(() => void load(), [id]);
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
  }, [id]);
  const pick = async (field: PickField) => {
    setPickMsg(null);
    setPicking(field);
    const r = await send<{ ok: boolean; message?: string }>({ type: 'pick-start', id, field });
    if (!r?.ok) {
      setPicking(null);
      setPickMsg({ ok: false, text: r?.message ?? t('pickNoTab') });
    }
  };

  if (error && !view) return <main class="wrap"><p class="msg error" role="alert">{error}</p></main>;
  if (!view || !form) return <main class="wrap"><p>{t('loading')}</p></main>;
  const ev = view.evidence;
  const r = ev.record;

  const save = async (e: Event) => {
    e.preventDefault();
    setSaving(true);
    setSaved(null);
    setError(null);
    try {
      // Gesture marks first (their own message; the background checks every box lies inside the
      // screenshot and logs the change), then the form, which queues the record.
      if (JSON.stringify(gestures) !== JSON.stringify(ev.record.violation.gestures)) {
        const g = await sendWorkbench<SetGesturesResult>({ type: 'set-gestures', id, gestures });
        if (!g.ok) {
          setError(g.message);
          return;
        }
      }
      const res = await send<SaveReply>({ type: 'save-evidence', id, patch: formToPatch(form, ev), finalize: true });
      if (res.ok) {
        setSaved(t('saved'));
        await load();
      } else setError(res.message);
    } catch (err) {
      setError(t('err_generic', { reason: String((err as Error)?.message ?? err) }));
    } finally {
      setSaving(false);
    }
  };

  return (
    <main style={{ maxWidth: '720px', margin: '0 auto', padding: '16px' }}>
      <h1>{t('reviewTitle')} <StatusChip status={ev.status} t={t} /></h1>
      {ev.warnings.map((w) => <p class="msg error" key={w.code}>{w.message}</p>)}
      <h2>{t('section_capture')}</h2>
      {view.screenshotUrl && (
        <figure style={{ margin: 0 }}>
          <div><strong>{wx(lang, 'gesturesTitle')}</strong></div>
          <GestureEditor src={view.screenshotUrl} imgId="screenshot" alt={t('screenshot')} lang={lang}
            natural={{ width: r.screenshot.width, height: r.screenshot.height }} gestures={gestures}
            readOnly={ev.status === 'synced' || ev.status === 'sending'}
            onChange={(next) => {
              setGestures(next);
              // Marking a gesture ticks the "hand gesture" violation.
              if (next.length > gestures.length && !form.types.includes('gesture')) setForm({ ...form, types: [...form.types, 'gesture'] });
            }} />
          <figcaption class="muted">
            {t('selectedElement')} {r.screenshot.width}×{r.screenshot.height} px
            {r.screenshot.truncated ? ` · ${t('screenshotTruncated')}` : ''}
          </figcaption>
        </figure>
      )}
      <p><strong>{t('hash')}:</strong> <span class="mono" id="sha256">{r.screenshot.sha256}</span></p>
      <p><strong>{t('capturedAt')}:</strong> {formatTime(r.capturedAt, lang, r.timezone)} · {t('timezone')}: {r.timezone}</p>
      <p><strong>{t('pageUrl')}:</strong> <span class="mono">{r.page.url}</span></p>
      <p><strong>{t('platform')}:</strong> {r.platform} · <strong>{t('kind')}:</strong> {t(`kind_${r.kind}`)}</p>
      <form onSubmit={save}>
        <RecordForm ev={ev} form={form} onChange={setForm} t={t} lang={lang}
          onPick={ev.status === 'synced' || ev.status === 'sending' ? undefined : (f) => void pick(f)} picking={picking} />
        {pickMsg && <p class={`msg ${pickMsg.ok ? 'ok' : 'error'}`} role="status" id="pick-result">{pickMsg.text}</p>}
        {error && <p class="msg error" role="alert" id="save-error">{error}</p>}
        {saved && <p class="msg ok" role="status" id="save-ok">{saved}</p>}
        <p style={{ display: 'flex', gap: '8px', position: 'sticky', bottom: 0, background: '#fff', padding: '8px 0' }}>
          <button class="primary" type="submit" id="save" disabled={saving}>{saving ? t('saving') : t('save')}</button>
          <button type="button" onClick={() => window.close()}>{t('close')}</button>
        </p>
      </form>
      <SourcePanel record={r} source={view.source} lang={lang} />
    </main>
  );
}

const id = new URLSearchParams(location.search).get('id') ?? '';
render(<VaultGate><Review id={id} /></VaultGate>, document.getElementById('app')!);
