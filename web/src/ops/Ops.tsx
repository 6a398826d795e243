import { useCallback, useEffect, useState } from 'preact/hooks';
import { HttpError, describe, requestJson } from '../shared/http';
import { AlertsPanel } from './AlertsPanel';
import type { Fleet } from './fleet';
import { AutoscalerPanel, PostgresPanel, RedisPanel } from './FleetPanels';
import { InstancesPanel } from './InstancesPanel';
import { SignIn } from './SignIn';
import { useAdminSource } from './source';

type Session =
  | { kind: 'checking' }
  | { kind: 'signed-out'; notice?: string }
  | { kind: 'signed-in' }
  | { kind: 'unreachable'; message: string };

/**
 * The operations dashboard, served on the gateway's loopback admin port. The admin session is an
 * HttpOnly cookie the page cannot see, so GET /admin/session says whether there is one: 204 shows
 * the dashboard, 401 the sign-in form. Any panel's 401 later (the session expired, or the gateway
 * restarted and forgot it) brings the form back.
 */
export function Ops() {
  const [session, setSession] = useState<Session>({ kind: 'checking' });

  const check = useCallback(async () => {
    setSession({ kind: 'checking' });
    try {
      await requestJson('/admin/session');
      setSession({ kind: 'signed-in' });
    } catch (error) {
      if (error instanceof HttpError && error.status === 401) setSession({ kind: 'signed-out' });
      else setSession({ kind: 'unreachable', message: describe(error) });
    }
  }, []);

  useEffect(() => void check(), [check]);

  const lapse = useCallback(
    () => setSession({ kind: 'signed-out', notice: 'The admin session has ended: sign in again.' }), []);

  async function signOut() {
    try {
      await requestJson('/admin/session', { method: 'DELETE' });
    } catch {
      // Signed out either way: a session the gateway no longer knows is as good as gone.
    }
    setSession({ kind: 'signed-out', notice: 'Signed out.' });
  }

  return (
    <>
      <header class="top">
        <h1>NextLevel Traders operations</h1>
        {session.kind === 'signed-in' && <button id="sign-out" type="button" class="secondary" onClick={signOut}>Sign out</button>}
      </header>
      {session.kind === 'checking' && <p class="muted" role="status">Checking the admin session…</p>}
      {session.kind === 'unreachable' && (
        <div class="notice error" role="alert">
          <p>Cannot reach the gateway's admin API: {session.message}</p>
          <button type="button" onClick={() => void check()}>Try again</button>
        </div>
      )}
      {session.kind === 'signed-out' && <SignIn notice={session.notice} onSignedIn={() => setSession({ kind: 'signed-in' })} />}
      {session.kind === 'signed-in' && <Dashboard onLapse={lapse} />}
    </>
  );
}

/** The panels. The fleet file and the backends are each polled once and shared by the panels that read them. */
function Dashboard({ onLapse }: { onLapse: () => void }) {
  const backends = useAdminSource<unknown>('/admin/backends', onLapse);
  const fleet = useAdminSource<Fleet>('/admin/fleet', onLapse);
  return (
    <div class="panels">
      <InstancesPanel backends={backends} fleet={fleet} />
      <AutoscalerPanel fleet={fleet} />
      <RedisPanel fleet={fleet} />
      <PostgresPanel fleet={fleet} />
      <AlertsPanel onLapse={onLapse} />
    </div>
  );
}
