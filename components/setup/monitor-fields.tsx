/** The monitor's identity (name, NIP, unit), shared by the options page and the first-run page. */
import type { T } from '../i18n';
import type { MonitorSettings } from '../../lib/settings';

export function MonitorFields({ t, value, onChange, nipError }: {
  t: T;
  value: MonitorSettings;
  onChange: (v: MonitorSettings) => void;
  /** shown under the NIP field, which is then marked invalid */
  nipError: string | null;
}) {
  const set = (k: keyof MonitorSettings) => (e: Event) => onChange({ ...value, [k]: (e.target as HTMLInputElement).value });
  return (
    <div>
      <label for="m-name">{t('monitorName')}</label>
      <input id="m-name" type="text" autoComplete="name" value={value.name} onInput={set('name')} />
      <label for="m-nip">{t('monitorNip')}</label>
      <p class="hint" id="m-nip-hint">{t('nipHint')}</p>
      <input id="m-nip" type="text" inputMode="numeric" value={value.nip} onInput={set('nip')}
        aria-invalid={nipError ? 'true' : 'false'} aria-describedby={nipError ? 'm-nip-hint m-nip-error' : 'm-nip-hint'} />
      {nipError && <p class="field-error" id="m-nip-error">{nipError}</p>}
      <label for="m-unit">{t('monitorUnit')}</label>
      <input id="m-unit" type="text" value={value.unit} onInput={set('unit')} />
    </div>
  );
}
