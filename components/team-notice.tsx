/**
 * The review form's notice about the team's findings on the ASN being reviewed ("Sudah 3 temuan
 * tim untuk ASN ini (terakhir 12 Nov 2026)."). Asked of the background (lib/team/service.ts) a
 * moment after the NIP or account changes; the form never waits for it: until an answer comes,
 * and when there is none (offline without a cached answer, no server, a refusal, an older server),
 * nothing is shown. A cached answer used offline says from when it is.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Lang } from '../lib/i18n/messages';
import type { KnownView } from '../lib/team/knowledge';
import { noticeText } from '../lib/team/text';
import { send } from './api';
import type { T } from './i18n';

/** Wait this long after the last keystroke in the NIP or account field before asking. */
const ASK_DELAY_MS = 400;

const isView = (v: unknown): v is KnownView => !!v && typeof v === 'object'
  && Number.isInteger((v as KnownView).findings) && (v as KnownView).findings > 0;

export function TeamNotice({ nip, accountUrl, lang, t }: { nip: string; accountUrl: string; lang: Lang; t: T }) {
  const [view, setView] = useState<KnownView | null>(null);
  useEffect(() => {
    let alive = true;
    setView(null);
    const timer = setTimeout(() => {
      send<unknown>({ type: 'team-knowledge', nip: nip.trim() || null, accountUrl: accountUrl.trim() || null })
        .then((v) => alive && setView(isView(v) ? v : null))
        .catch(() => undefined);
    }, ASK_DELAY_MS);
    return () => {
      alive = false;
      clearTimeout(timer);
    };
  }, [nip, accountUrl]);
  if (!view) return null;
  const { main, asOf } = noticeText(view, lang);
  return (
    <div class="msg info" id="team-notice" role="status" title={t('teamNoticeHint')}>
      <strong id="team-notice-main">{main}</strong>
      {view.open > 0 && <> {t('teamNoticeOpen', { open: view.open })}</>}
      {asOf && <div class="muted" id="team-notice-asof">{asOf}</div>}
    </div>
  );
}
