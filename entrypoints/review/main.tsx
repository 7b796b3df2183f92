import { render } from 'preact';
import '../../assets/ui.css';
import { ReviewPage } from '../../components/review-page';
import { VaultGate } from '../../components/vault';

const id = new URLSearchParams(location.search).get('id') ?? '';
render(<VaultGate><ReviewPage id={id} /></VaultGate>, document.getElementById('app')!);
