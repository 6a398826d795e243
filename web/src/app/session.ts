import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { HttpError, requestJson } from '../shared/http';

/** The signed-in user as `GET /api/users/me` describes them. */
export interface User {
  id: string;
  email: string;
  displayName: string;
  createdAt: string;
}

/**
 * Who is signed in. The session itself is an HttpOnly cookie, invisible to this code: the app only
 * ever learns whether the API accepts it, by asking for the user it belongs to.
 */
export async function currentUser(): Promise<User | undefined> {
  try {
    return (await requestJson<User>('/api/users/me')).body;
  } catch (error) {
    if (error instanceof HttpError && error.status === 401) return undefined;
    throw error;
  }
}

/** Logs in; the answer sets the cookie (`"cookie": true`) and carries no token. */
export async function logIn(email: string, password: string): Promise<User> {
  await requestJson<{ expiresAt: string }>('/api/sessions', {
    method: 'POST',
    body: { email, password, cookie: true },
  });
  const user = await currentUser();
  if (user === undefined) throw new HttpError(401, 'unauthorized', 'The session was not kept: are cookies blocked?', []);
  return user;
}

/** Ends the session on the server, which also clears the cookie. */
export async function logOut(): Promise<void> {
  await requestJson('/api/sessions', { method: 'DELETE' });
}

/** What the views need of the session: the user, and a way to say the API no longer accepts it. */
export interface SessionState {
  user: User;
  /** Called when an authenticated request answered 401: the session expired or was ended elsewhere. */
  expired: () => void;
}

export const SessionContext = createContext<SessionState | undefined>(undefined);

export function useSession(): SessionState {
  const session = useContext(SessionContext);
  if (session === undefined) throw new Error('a signed-in view outside the session');
  return session;
}

/** True when `error` means the session is gone; tells the app so it shows the login again. */
export function endsSession(error: unknown, session: SessionState): boolean {
  if (error instanceof HttpError && error.status === 401) {
    session.expired();
    return true;
  }
  return false;
}
