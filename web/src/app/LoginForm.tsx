import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { HttpError, describe, requestJson } from '../shared/http';
import { sentence } from './Field';
import { logIn, type User } from './session';

type Mode = 'login' | 'signup';
type Field = 'email' | 'password' | 'displayName';

/** The API's rule for passwords (POST /api/users), checked here first to spare a round trip. */
const PASSWORD_MIN = 12;
const PASSWORD_MAX = 1024;

/**
 * Log in or sign up. A refusal that names a field (the API's 422 `errors`) is shown under that
 * field and tied to it with aria-describedby; anything else goes above the button.
 */
export function LoginForm({ onSignedIn }: { onSignedIn: (user: User) => void }) {
  const [mode, setMode] = useState<Mode>('login');
  const [values, setValues] = useState<Record<Field, string>>({ email: '', password: '', displayName: '' });
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<Field, string>>>({});
  const [formError, setFormError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  const set = (field: Field) => (event: Event) =>
    setValues({ ...values, [field]: (event.currentTarget as HTMLInputElement).value });

  async function submit(event: Event) {
    event.preventDefault();
    setFieldErrors({});
    setFormError(undefined);
    if (mode === 'signup' && (values.password.length < PASSWORD_MIN || values.password.length > PASSWORD_MAX)) {
      setFieldErrors({ password: `A password has ${PASSWORD_MIN} to ${PASSWORD_MAX} characters.` });
      return;
    }
    setBusy(true);
    try {
      if (mode === 'signup') {
        await requestJson('/api/users', {
          method: 'POST',
          body: { email: values.email, password: values.password, displayName: values.displayName },
        });
      }
      onSignedIn(await logIn(values.email, values.password));
    } catch (error) {
      if (error instanceof HttpError && error.errors.length > 0) {
        const byField: Partial<Record<Field, string>> = {};
        const others: string[] = [];
        for (const e of error.errors) {
          if (e.field === 'email' || e.field === 'password' || e.field === 'displayName') byField[e.field] = sentence(e.message);
          else others.push(`${e.field}: ${e.message}`);
        }
        setFieldErrors(byField);
        if (others.length > 0) setFormError(others.join(' '));
      } else if (error instanceof HttpError && error.type.endsWith('email-taken')) {
        setFieldErrors({ email: describe(error) });
      } else {
        setFormError(describe(error));
      }
    } finally {
      setBusy(false);
    }
  }

  const input = (field: Field, label: string, type: 'email' | 'text' | 'password', autocomplete: string, extra: Record<string, unknown> = {}) => {
    const id = `${mode}-${field}`;
    const error = fieldErrors[field];
    return (
      <div class="field">
        <label for={id}>{label}</label>
        <input {...inputProps({
          id, name: field, type, autocomplete, required: true, value: values[field], onInput: set(field),
          'aria-invalid': error ? 'true' : undefined, 'aria-describedby': error ? `${id}-error` : undefined, ...extra,
        })} />
        {error && <p id={`${id}-error`} class="field-error" role="alert">{error}</p>}
      </div>
    );
  };

  return (
    <section aria-labelledby="auth-title" class="card auth">
      <h2 id="auth-title">{mode === 'login' ? 'Log in' : 'Sign up'}</h2>
      <form onSubmit={submit} noValidate>
        {input('email', 'Email', 'email', 'email')}
        {mode === 'signup' && input('displayName', 'Display name', 'text', 'nickname')}
        {input('password', 'Password', 'password', mode === 'login' ? 'current-password' : 'new-password',
          mode === 'signup' ? { minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX } : {})}
        {formError && <p id={`${mode}-error`} class="notice error" role="alert">{formError}</p>}
        <div class="actions">
          <button id={`${mode}-submit`} type="submit" disabled={busy}>{mode === 'login' ? 'Log in' : 'Create account'}</button>
          <button id="auth-switch" type="button" class="link" onClick={() => { setMode(mode === 'login' ? 'signup' : 'login'); setFieldErrors({}); setFormError(undefined); }}>
            {mode === 'login' ? 'New here? Sign up' : 'Have an account? Log in'}
          </button>
        </div>
      </form>
    </section>
  );
}

// Preact's input typings tie each `type` to its own attributes; these three share the same ones.
function inputProps(props: Record<string, unknown>): JSX.IntrinsicElements['input'] {
  return props as JSX.IntrinsicElements['input'];
}
