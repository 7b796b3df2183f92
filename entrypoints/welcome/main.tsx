import { render } from 'preact';
import '../../assets/ui.css';
import '../../components/setup/setup.css';
import { useT } from '../../components/i18n';
import { Welcome } from '../../components/setup/welcome';

function Page() {
  const [t, lang] = useT();
  return <Welcome t={t} lang={lang} />;
}

render(<Page />, document.getElementById('app')!);
