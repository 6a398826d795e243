import type { ComponentChildren } from 'preact';

/**
 * A labelled control with its error under it. The control itself is passed in and must carry
 * `id` and, when there is an error, `aria-describedby={errorId(id)}`: see {@link described}.
 */
export function Field({ id, label, error, hint, children }: {
  id: string;
  label: string;
  error?: string;
  hint?: string;
  children: ComponentChildren;
}) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {children}
      {hint && <p id={`${id}-hint`} class="hint">{hint}</p>}
      {error && <p id={`${id}-error`} class="field-error" role="alert">{error}</p>}
    </div>
  );
}

/** The ARIA attributes that tie a control to its hint and error. */
export function described(id: string, error: string | undefined, hint = false) {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter((x) => x !== '').join(' ');
  return {
    'aria-invalid': error ? ('true' as const) : undefined,
    'aria-describedby': ids === '' ? undefined : ids,
  };
}

/** The API's messages are fragments ("must be positive"); under a field they read as a sentence. */
export function sentence(message: string): string {
  const text = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
