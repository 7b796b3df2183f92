import type { EvidenceStatus } from '../lib/db/evidence-db';
import type { T } from './i18n';

const COLORS: Record<EvidenceStatus, string> = {
  draft: '#6b7280', queued: '#1d4ed8', sending: '#7c3aed', synced: '#15803d', failed: '#b91c1c',
};

export function StatusChip({ status, t }: { status: EvidenceStatus; t: T }) {
  return (
    <span class="chip" data-status={status} style={{ background: COLORS[status] }}>
      {t(`status_${status}`)}
    </span>
  );
}

export function StatusCounts({ counts, t }: { counts: Record<EvidenceStatus, number>; t: T }) {
  const order: EvidenceStatus[] = ['draft', 'queued', 'sending', 'synced', 'failed'];
  return (
    <ul class="counts" aria-label={t('counts')}>
      {order.map((s) => (
        <li key={s} data-status={s}>
          <strong data-count={s}>{counts[s] ?? 0}</strong>
          <span>{t(`status_${s}`)}</span>
        </li>
      ))}
    </ul>
  );
}
