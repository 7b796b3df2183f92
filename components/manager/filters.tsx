/** The evidence manager's filters: dates, person, status, platform, violation type. */
import type { T } from '../i18n';
import type { ExportMessageKey } from '../../lib/i18n/export-messages';
import type { WorkbenchMessageKey } from '../../lib/i18n/workbench-messages';
import {
  EMPTY_FILTER, EVIDENCE_STATUSES, PLATFORMS, toggle, VIOLATIONS, type FilterForm,
} from '../../lib/manager/filter';

type X = (k: ExportMessageKey, p?: Record<string, string | number>) => string;
type W = (k: WorkbenchMessageKey, p?: Record<string, string | number>) => string;

const choice = { display: 'inline-flex', gap: '4px', marginRight: '10px', fontWeight: 400 } as const;
const bare = { border: 0, padding: 0, margin: 0 } as const;

export function Filters({ form, setForm, t, x, w }: { form: FilterForm; setForm(f: FilterForm): void; t: T; x: X; w: W }) {
  return (
    <>
      <h2>{x('filters')}</h2>
      <div style={{ display: 'grid', gridTemplateColumns: 'repeat(4, 1fr)', gap: '0 12px' }}>
        <div>
          <label for="f-from">{x('dateFrom')}</label>
          <input id="f-from" type="date" value={form.from} onInput={(e) => setForm({ ...form, from: (e.target as HTMLInputElement).value })} />
        </div>
        <div>
          <label for="f-to">{x('dateTo')}</label>
          <input id="f-to" type="date" value={form.to} onInput={(e) => setForm({ ...form, to: (e.target as HTMLInputElement).value })} />
        </div>
        <div style={{ gridColumn: 'span 2' }}>
          <label for="f-subject">{x('subjectSearch')}</label>
          <input id="f-subject" type="text" placeholder={x('subjectSearchPlaceholder')} value={form.subject}
            onInput={(e) => setForm({ ...form, subject: (e.target as HTMLInputElement).value })} />
        </div>
      </div>
      <div style={{ display: 'flex', gap: '24px', flexWrap: 'wrap', marginTop: '6px' }}>
        <fieldset style={bare}>
          <legend class="muted">{x('statusFilter')}</legend>
          {EVIDENCE_STATUSES.map((s) => (
            <label key={s} style={choice}>
              <input type="checkbox" data-filter-status={s} checked={form.statuses.includes(s)}
                onChange={() => setForm({ ...form, statuses: toggle(form.statuses, s) })} />
              {t(`status_${s}`)}
            </label>
          ))}
        </fieldset>
        <fieldset style={bare}>
          <legend class="muted">{x('platformFilter')}</legend>
          {PLATFORMS.map((p) => (
            <label key={p} style={choice}>
              <input type="checkbox" data-filter-platform={p} checked={form.platforms.includes(p)}
                onChange={() => setForm({ ...form, platforms: toggle(form.platforms, p) })} />
              {x(`platform_${p}`)}
            </label>
          ))}
        </fieldset>
        <fieldset style={bare}>
          <legend class="muted">{w('violationTypeFilter')}</legend>
          {VIOLATIONS.map((v) => (
            <label key={v} style={choice}>
              <input type="checkbox" data-filter-violation={v} checked={form.violations.includes(v)}
                onChange={() => setForm({ ...form, violations: toggle(form.violations, v) })} />
              {t(`vt_${v}`)}
            </label>
          ))}
        </fieldset>
        <button id="reset-filters" type="button" onClick={() => setForm(EMPTY_FILTER)}>{x('resetFilters')}</button>
      </div>
    </>
  );
}
