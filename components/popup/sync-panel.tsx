/**
 * The popup's sync state: one panel with an icon, a title and what to do (never colour alone),
 * the "Sinkronkan sekarang" button, disabled with the reason shown when it cannot work, and a
 * way to the settings when that is where the fix is.
 */
import type { Lang } from '../../lib/i18n/messages';
import { t } from '../../lib/i18n/messages';
import { syncDisplay, syncDisplayText, syncNowBlocked } from '../../lib/background/sync-display';
import type { StatusSummary } from '../../lib/messages';

export function SyncPanel({ status, configured, lang, onSyncNow, onOpenSettings, syncing }: {
  status: StatusSummary; configured: boolean; lang: Lang; syncing: boolean;
  onSyncNow(): void; onOpenSettings(): void;
}) {
  const state = syncDisplay({
    state: status.sync.state, httpStatus: status.sync.httpStatus ?? null, configured,
    locked: status.vault.enabled && !status.vault.unlocked, counts: status.counts,
  });
  const d = syncDisplayText(state, lang, status.counts);
  const blocked = syncing ? t(lang, 'sd_syncNow_running') : syncNowBlocked(state, lang, status.counts);
  // The engine's own words name the cause of a pause (refused token, device not approved, key revoked).
  // Said once: the engine's "Sinkronisasi dijeda: ..." loses the words the title already says.
  const detail = state === 'paused' && status.sync.message ? withoutPrefix(status.sync.message, d.title) : null;
  const toSettings = state === 'unconfigured' || state === 'paused' || state === 'offline';
  return (
    <section id="sync-status" class={`sync-panel msg ${d.tone}`} data-state={state} data-engine-state={status.sync.state}
      aria-labelledby="sync-title" style={{ borderLeftColor: d.color }}>
      <p class="sync-title" id="sync-title">
        <span class="sync-icon" aria-hidden="true" style={{ background: d.color }}>{d.icon}</span>
        <strong>{d.title}</strong>
      </p>
      {detail && <p class="sync-detail" id="sync-detail">{detail}</p>}
      <p class="sync-todo" id="sync-todo">{d.todo}</p>
      <div class="sync-actions">
        <button id="sync-now" type="button" disabled={!!blocked} aria-describedby={blocked ? 'sync-now-reason' : undefined}
          onClick={onSyncNow}>{t(lang, 'syncNow')}</button>
        {toSettings && <button id="sync-settings" type="button" onClick={onOpenSettings}>{t(lang, 'sd_openSettings')}</button>}
      </div>
      {blocked && <p class="sync-reason" id="sync-now-reason">{blocked}</p>}
    </section>
  );
}

function withoutPrefix(message: string, title: string): string {
  if (!message.toLowerCase().startsWith(`${title.toLowerCase()}:`)) return message;
  const rest = message.slice(title.length + 1).trim();
  return rest ? rest[0]!.toUpperCase() + rest.slice(1) : message;
}
