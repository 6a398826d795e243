import { useEffect, useRef, useState } from 'preact/hooks';
import { describe } from '../shared/http';
import { keptMarker } from '../shared/shaking';
import { History } from './History';
import { LoginForm } from './LoginForm';
import { OpenOrders } from './OpenOrders';
import { OrderTicket } from './OrderTicket';
import { PortfolioView } from './PortfolioView';
import { QuotesBoard } from './QuotesBoard';
import { usePortfolioFeed } from './portfolioSamples';
import { SessionContext, currentUser, logOut, useSession as useSessionFromContext, type SessionState, type User } from './session';

const ROUTES = [
  { route: 'quotes', label: 'Quotes' },
  { route: 'trade', label: 'Trade' },
  { route: 'orders', label: 'Orders' },
  { route: 'history', label: 'History' },
  { route: 'portfolio', label: 'Portfolio' },
] as const;

type Route = (typeof ROUTES)[number]['route'];

/** `#/trade` → trade; anything unknown is the quotes board. */
function routeOf(hash: string): Route {
  const name = hash.replace(/^#\/?/, '').split(/[/?]/)[0];
  return ROUTES.find((r) => r.route === name)?.route ?? 'quotes';
}

/** Signed in, known; signed out; or not known yet (the first `GET /api/users/me` is on its way). */
type Who = { kind: 'checking' } | { kind: 'out' } | { kind: 'in'; user: User };

/**
 * The trader app. The session is an HttpOnly cookie the app cannot see: on load it asks the API
 * who the cookie belongs to. Sections are hash routes, so a reload or a bookmark keeps the view
 * and the gateway only ever serves index.html.
 */
export function App() {
  const [who, setWho] = useState<Who>({ kind: 'checking' });
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const [route, setRoute] = useState<Route>(routeOf(location.hash));
  const [tradeSymbol, setTradeSymbol] = useState<string | undefined>(undefined);
  const moved = useRef(false);

  useEffect(() => {
    currentUser()
      .then((user) => setWho(user ? { kind: 'in', user } : { kind: 'out' }))
      .catch((error: unknown) => {
        setWho({ kind: 'out' });
        setNotice(`Could not check your session: ${describe(error)}`);
      });
    const onHash = () => {
      moved.current = true;
      setRoute(routeOf(location.hash));
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  // After a move between sections, focus goes to the new section's heading, as a page load would.
  useEffect(() => {
    if (moved.current) document.querySelector<HTMLElement>('h2.view-title')?.focus();
  }, [route, who.kind]);

  async function signOut() {
    try {
      await logOut();
      setNotice('Signed out.');
    } catch (error) {
      setNotice(`Signing out failed: ${describe(error)}`);
    } finally {
      setWho({ kind: 'out' });
    }
  }

  const signedIn = (user: User) => {
    setNotice(undefined);
    setWho({ kind: 'in', user });
  };

  const trade = (symbol: string) => {
    setTradeSymbol(symbol);
    location.hash = '#/trade';
  };

  const session: SessionState | undefined = who.kind === 'in' ? {
    user: who.user,
    expired: () => {
      setWho({ kind: 'out' });
      setNotice('Your session has ended: log in again.');
    },
  } : undefined;

  return (
    <>
      <header class="bar">
        <h1>NextLevel Traders</h1>
        {session && (
          <p class="who">
            Signed in as <strong id="signed-in-user">{session.user.email}</strong>{' '}
            <button id="sign-out" type="button" class="link" onClick={signOut}>Sign out</button>
          </p>
        )}
      </header>
      <nav class="tabs" aria-label="Sections">
        <ul>
          {ROUTES.map((r) => (
            <li key={r.route}>
              <a id={`nav-${r.route}`} href={`#/${r.route}`} aria-current={route === r.route ? 'page' : undefined}>{r.label}</a>
            </li>
          ))}
        </ul>
      </nav>
      <div aria-live="polite">{notice && <p id="app-notice" class="notice">{notice}</p>}</div>
      {who.kind === 'checking' && <p class="muted">Checking your session…</p>}
      {who.kind === 'out' && (
        route === 'quotes' ? (
          <>
            <LoginForm onSignedIn={signedIn} />
            <QuotesBoard />
          </>
        ) : (
          <>
            <h2 id="signed-out-title" class="view-title" tabIndex={-1}>{ROUTES.find((r) => r.route === route)!.label}</h2>
            <p>Log in or sign up to see this section.</p>
            <LoginForm onSignedIn={signedIn} />
          </>
        )
      )}
      {session && (
        <SessionContext.Provider value={session}>
          <SignedIn key={session.user.id} route={route} tradeSymbol={tradeSymbol} onTrade={trade} />
        </SessionContext.Provider>
      )}
      <footer class="muted" data-build={keptMarker()}>Paper trading: no real money moves.</footer>
    </>
  );
}

/** The sections of a signed-in user; the portfolio is sampled here, whichever section is shown. */
function SignedIn({ route, tradeSymbol, onTrade }: { route: Route; tradeSymbol?: string; onTrade: (symbol: string) => void }) {
  const feed = usePortfolioFeed(useSessionFromContext());
  switch (route) {
    case 'trade':
      return <OrderTicket key={tradeSymbol} symbol={tradeSymbol} onPlaced={feed.refresh} />;
    case 'orders':
      return <OpenOrders onChanged={feed.refresh} />;
    case 'history':
      return <History />;
    case 'portfolio':
      return <PortfolioView feed={feed} />;
    default:
      return <QuotesBoard onTrade={onTrade} />;
  }
}
