/**
 * The popup's record lists: records the server refused (with its reason and "Coba lagi") and the
 * most recent records. Both live in the popup's scrolling region, so the popup keeps its actions
 * in view at any number of records. Page-derived text is rendered as text only.
 */
import { formatTime, type T } from '../i18n';
import { StatusChip } from '../status';
import type { Lang } from '../../lib/i18n/messages';
import { tx } from '../../lib/i18n/export-messages';
import type { StatusSummary } from '../../lib/messages';

const PLATFORM_KEYS = new Set(['facebook', 'instagram', 'tiktok', 'other']);
const KIND_KEYS = new Set(['post', 'comment', 'reply', 'reaction', 'profile', 'page']);

export function platformName(platform: string, lang: Lang): string {
  return tx(lang, `platform_${(PLATFORM_KEYS.has(platform) ? platform : 'other') as 'other'}`);
}

export function FailedList({ failed, t, onOpen, onRetry }: {
  failed: StatusSummary['failed']; t: T; onOpen(id: string): void; onRetry(): void;
}) {
  if (failed.length === 0) return null;
  return (
    <section id="failed" aria-labelledby="failed-title">
      <h2 id="failed-title">{t('status_failed')}</h2>
      <ul class="plain">
        {failed.map((f) => (
          <li key={f.id} class="msg error failed-item" data-id={f.id}>
            <strong>{f.subjectName ?? t('unknownValue')}</strong>: {t('failedReason', { reason: f.message })}
            <div><button type="button" class="open-failed" onClick={() => onOpen(f.id)}>{t('open')}</button></div>
          </li>
        ))}
      </ul>
      <button id="retry-failed" type="button" onClick={onRetry}>{t('retry')}</button>
    </section>
  );
}

export function RecentList({ recent, t, lang, onOpen }: {
  recent: StatusSummary['recent']; t: T; lang: Lang; onOpen(id: string): void;
}) {
  return (
    <section id="recent" aria-labelledby="recent-title">
      <h2 id="recent-title">{t('recent')}</h2>
      {recent.length === 0 && <p class="muted" id="recent-empty">{t('popupRecentEmpty')}</p>}
      <ul class="plain">
        {recent.map((r) => (
          <li key={r.id} class="recent-item" data-id={r.id}>
            <div class="recent-row">
              <StatusChip status={r.status} t={t} />
              <span class="muted">{formatTime(r.capturedAt, lang).split(' (')[0]}</span>
            </div>
            <div class="recent-row">
              <div class="ellipsis">
                <strong>{r.subjectName ?? t('unknownValue')}</strong>
                {' · '}{platformName(r.platform, lang)}
                {KIND_KEYS.has(r.kind) ? <> · {t(`kind_${r.kind as 'post'}`)}</> : null}
                <div class="muted ellipsis">{r.title}</div>
              </div>
              <button type="button" class="open-recent" onClick={() => onOpen(r.id)}>{r.status === 'draft' ? t('complete') : t('open')}</button>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
