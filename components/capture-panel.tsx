/**
 * The form's "Tangkapan layar" section: the screenshot shown large (a whole-post capture must be
 * readable, not a thumbnail), a button to see it at full size, the hand-gesture marking on it,
 * and what is known about the capture in words (platform names, local time).
 */
import { useState } from 'preact/hooks';
import type { Lang } from '../lib/i18n/messages';
import type { EvidenceRecord } from '../lib/record/schema';
import type { GestureMark } from '../lib/workbench-protocol';
import { Modal } from './form-feedback';
import { GestureEditor } from './gesture-editor';
import { formatTime, type T } from './i18n';

export function platformName(platform: EvidenceRecord['platform'], t: T): string {
  return t(`formPlatform_${platform}`);
}

export function CapturePanel(props: {
  record: EvidenceRecord;
  screenshotUrl: string | null;
  gestures: GestureMark[];
  onGestures(next: GestureMark[]): void;
  readOnly: boolean;
  t: T;
  lang: Lang;
}) {
  const { record: r, screenshotUrl, t, lang } = props;
  const [full, setFull] = useState(false);
  return (
    <section id="capture">
      <h2>{t('section_capture')}</h2>
      {screenshotUrl && (
        <>
          <p class="muted">
            {t('selectedElement')}
            {r.screenshot.truncated ? ` ${t('screenshotTruncated')}` : ''}
          </p>
          <p><button type="button" id="screenshot-full" onClick={() => setFull(true)}>{t('captureOpenFull')}</button></p>
          <h3>{t('captureGestureTitle')}</h3>
          <GestureEditor src={screenshotUrl} imgId="screenshot" alt={t('screenshot')} lang={lang} maxHeight="none"
            natural={{ width: r.screenshot.width, height: r.screenshot.height }} gestures={props.gestures}
            readOnly={props.readOnly} onChange={props.onGestures} />
          {full && (
            <Modal id="screenshot-dialog" title={t('captureFullTitle')} onCancel={() => setFull(false)} wide>
              <p><button type="button" id="screenshot-full-close" onClick={() => setFull(false)}>{t('captureCloseFull')}</button></p>
              <div class="full-image">
                <img src={screenshotUrl} alt={t('screenshot')} width={r.screenshot.width} height={r.screenshot.height} />
              </div>
            </Modal>
          )}
        </>
      )}
      <dl class="capture-facts">
        <dt>{t('capturedAt')}</dt><dd>{formatTime(r.capturedAt, lang, r.timezone)}</dd>
        <dt>{t('platform')}</dt><dd id="platform">{platformName(r.platform, t)} · {t(`kind_${r.kind}`)}</dd>
        <dt>{t('pageUrl')}</dt><dd class="mono">{r.page.url}</dd>
        <dt>{t('hash')}</dt><dd class="mono" id="sha256">{r.screenshot.sha256}</dd>
      </dl>
    </section>
  );
}
