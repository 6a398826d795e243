import { useEffect, useRef, useState } from 'preact/hooks';
import { HttpError, describe, requestJson } from '../shared/http';

/**
 * The admin token, asked for once: POST /admin/session turns it into an HttpOnly cookie, and the
 * token itself is dropped from memory as soon as the gateway has answered. A 401 names the field
 * `token`; its message is shown under the field and tied to it with aria-describedby.
 */
export function SignIn({ notice, onSignedIn }: { notice?: string; onSignedIn: () => void }) {
  const [token, setToken] = useState('');
  const [fieldError, setFieldError] = useState<string | undefined>(undefined);
  const [formError, setFormError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const field = useRef<HTMLInputElement>(null);

  useEffect(() => field.current?.focus(), []);

  async function submit(event: Event) {
    event.preventDefault();
    setFieldError(undefined);
    setFormError(undefined);
    if (token.trim() === '') {
      setFieldError('Enter the admin token.');
      field.current?.focus();
      return;
    }
    setBusy(true);
    try {
      await requestJson('/admin/session', { method: 'POST', body: { token: token.trim() } });
      setToken('');
      onSignedIn();
    } catch (error) {
      if (error instanceof HttpError && (error.status === 401 || error.forField('token'))) {
        // The API's field messages read after the field's name ("is not the admin token").
        const message = error.forField('token');
        setFieldError(message ? `The token ${message}.` : 'That is not the admin token.');
        field.current?.focus();
      } else {
        setFormError(describe(error));
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <section id="sign-in-panel" aria-labelledby="sign-in-title" class="card sign-in">
      <h2 id="sign-in-title">Sign in</h2>
      {notice && <p class="notice" role="status">{notice}</p>}
      <form onSubmit={submit} noValidate>
        <div class="field">
          <label for="admin-token">Admin token</label>
          <input id="admin-token" name="token" type="password" autocomplete="off" spellcheck={false}
            required value={token} onInput={(e) => setToken((e.currentTarget as HTMLInputElement).value)} ref={field}
            aria-invalid={fieldError ? 'true' : undefined}
            aria-describedby={fieldError ? 'admin-token-error' : 'admin-token-hint'} />
          {fieldError
            ? <p id="admin-token-error" class="field-error" role="alert">{fieldError}</p>
            : <p id="admin-token-hint" class="muted hint">The token in the file <code>nlt up</code> printed beside this page's address.</p>}
        </div>
        {formError && <p class="notice error" role="alert">{formError}</p>}
        <button id="sign-in" type="submit" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
      </form>
    </section>
  );
}
