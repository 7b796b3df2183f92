/** The watchlist page ("Daftar pantau"): wiring only; the page is components/watchlist/watchlist-page.tsx. */
import { render } from 'preact';
import '../../assets/ui.css';
import '../../assets/lists.css';
import { WatchlistPage } from '../../components/watchlist/watchlist-page';

render(<WatchlistPage />, document.getElementById('app')!);
