/**
 * The evidence list: one row per record. Headers and cells are padded apart, the NIP never wraps,
 * the platform and the kind are words. Page-derived text (names, snippets) is rendered as text.
 */
import { formatTime, type T } from '../i18n';
import { StatusChip } from '../status';
import type { Lang } from '../../lib/i18n/messages';
import type { ExportMessageKey } from '../../lib/i18n/export-messages';
import type { EvidenceRow } from '../../lib/export-protocol';
import type { TypedRow } from '../../lib/workbench-protocol';

type X = (k: ExportMessageKey, p?: Record<string, string | number>) => string;
export type ListRow = EvidenceRow & Partial<TypedRow>;

export function EvidenceTable({ rows, selected, onSelect, t, x, lang, colViolation, colActions, openLabel, onOpen }: {
  rows: ListRow[]; selected: Set<string>; onSelect(next: Set<string>): void; t: T; x: X; lang: Lang;
  colViolation: string; colActions: string; openLabel: string; onOpen(id: string): void;
}) {
  const allChecked = rows.length > 0 && rows.every((r) => selected.has(r.id));
  const flip = (id: string) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    onSelect(next);
  };
  return (
    <div class="table-scroll">
      <table id="evidence-list" class="list">
        <thead>
          <tr>
            <th scope="col">
              <input type="checkbox" id="select-all" aria-label={x('selectAll')} checked={allChecked}
                onChange={() => onSelect(allChecked ? new Set() : new Set(rows.map((r) => r.id)))} />
            </th>
            <th scope="col">{x('colTime')}</th>
            <th scope="col">{x('colStatus')}</th>
            <th scope="col">{x('colPlatform')}</th>
            <th scope="col">{x('colSubject')}</th>
            <th scope="col">{colViolation}</th>
            <th scope="col">{x('colText')}</th>
            <th scope="col">{x('colHash')}</th>
            <th scope="col">{colActions}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} data-id={r.id}>
              <td><input type="checkbox" class="row-select" aria-label={x('colSelect')} checked={selected.has(r.id)} onChange={() => flip(r.id)} /></td>
              <td class="muted nowrap">{formatTime(r.capturedAt, lang).split(' (')[0]}</td>
              <td>
                <StatusChip status={r.status} t={t} />
                {r.exports > 0 && <div class="muted">{x('exportedTimes', { n: r.exports })}</div>}
              </td>
              <td class="platform">{x(`platform_${r.platform}`)} · {t(`kind_${r.kind}`)}</td>
              <td>
                <strong>{r.subjectName ?? t('unknownValue')}</strong>
                {r.subjectNip && <div class="mono nip">{r.subjectNip}</div>}
              </td>
              <td class="row-types">
                {(r.types ?? []).map((v) => t(`vt_${v}`)).join(', ') || '—'}
                {r.gestureCount ? <div class="muted">✋ {r.gestureCount}</div> : null}
              </td>
              <td class="snippet">{r.snippet}</td>
              <td class="mono nowrap" title={r.sha256}>{r.sha256.slice(0, 12)}…</td>
              <td><button type="button" class="open-record" data-id={r.id} onClick={() => onOpen(r.id)}>{openLabel}</button></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
