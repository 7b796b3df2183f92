/**
 * The monitor's identity, asked inside the form when the settings have none (a fresh install):
 * the form does not save before it is given. What is typed here goes to the settings on save
 * (lib/settings.ts), so it is asked once: the save's custody entries name the monitor, and every
 * record flagged afterwards carries it in record.monitor.
 */
import type { MonitorValues } from '../lib/record/form-draft';
import { FieldError, problemProps } from './record-form';
import type { T } from './i18n';

export function MonitorFields(props: { values: MonitorValues; onChange(v: MonitorValues): void; errors: Record<string, string>; t: T }) {
  const { values, onChange, errors, t } = props;
  const field = (key: keyof MonitorValues, label: Parameters<T>[0], hint?: string) => {
    const id = `f-monitor-${key}`;
    const err = errors[`monitor.${key}`];
    return (
      <div>
        <label for={id}>{t(label)}{hint && <span class="muted"> ({hint})</span>}</label>
        <input id={id} value={values[key]} {...problemProps(id, err)} autocomplete={key === 'name' ? 'name' : 'off'}
          onInput={(e) => onChange({ ...values, [key]: (e.target as HTMLInputElement).value })} />
        <FieldError id={id} message={err} />
      </div>
    );
  };
  return (
    <section id="monitor-ask">
      <h2>{t('section_monitor')}</h2>
      <p class="msg info">{t('monitorAsk')}</p>
      <div class="grid2">
        {field('name', 'monitorName')}
        {field('nip', 'monitorNip', t('nipHint'))}
      </div>
      {field('unit', 'monitorUnit')}
    </section>
  );
}

/** Problems of the monitor's identity (name required; NIP empty or 18 digits), by dot path. */
export function monitorProblems(v: MonitorValues, t: T): Record<string, string> {
  const out: Record<string, string> = {};
  if (!v.name.trim()) out['monitor.name'] = t('v_required', { label: t('monitorName') });
  if (v.nip.trim() && !/^\d{18}$/.test(v.nip.trim())) out['monitor.nip'] = t('v_nip', { label: t('monitorNip') });
  return out;
}
