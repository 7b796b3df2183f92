import { render } from 'preact';
import '../../assets/ui.css';
import '../../components/setup/setup.css';
import { useT } from '../../components/i18n';
import { OptionsForm } from '../../components/setup/options-form';
import { VaultSection } from '../../components/vault';

function Options() {
  const [t, lang] = useT();
  return (
    <main class="setup-page">
      <h1>{t('settings')} · {t('appName')}</h1>
      <OptionsForm t={t} lang={lang} />
      <VaultSection />
    </main>
  );
}

render(<Options />, document.getElementById('app')!);
