/** The toolbar popup: wiring only; the page is components/popup/popup-page.tsx. */
import { render } from 'preact';
import '../../assets/ui.css';
import '../../assets/popup.css';
import { PopupPage } from '../../components/popup/popup-page';

render(<PopupPage />, document.getElementById('app')!);
