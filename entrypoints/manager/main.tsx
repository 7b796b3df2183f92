/** The evidence manager page ("Kelola bukti"): wiring only; the page is components/manager/manager-page.tsx. */
import { render } from 'preact';
import '../../assets/ui.css';
import '../../assets/lists.css';
import { ManagerPage } from '../../components/manager/manager-page';
import { VaultGate } from '../../components/vault';

render(<VaultGate><ManagerPage /></VaultGate>, document.getElementById('app')!);
