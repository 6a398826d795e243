import { useState } from 'preact/hooks';
import { keptMarker } from '../shared/shaking';
import { LoginForm, type Session } from './LoginForm';
import { QuotesBoard } from './QuotesBoard';

/** The trader app: sign in or up, then the market. Orders, history and portfolio come next. */
export function App() {
  // The token stays in memory only: a reload signs out until the cookie session arrives.
  const [session, setSession] = useState<Session | undefined>(undefined);
  return (
    <>
      <header class="bar">
        <h1>NextLevel Traders</h1>
        {session && (
          <p class="who">
            Signed in as <strong>{session.email}</strong>{' '}
            <button type="button" class="link" onClick={() => setSession(undefined)}>Sign out</button>
          </p>
        )}
      </header>
      {session ? null : <LoginForm onSession={setSession} />}
      <QuotesBoard />
      <footer class="muted" data-build={keptMarker()}>Paper trading: no real money moves.</footer>
    </>
  );
}
