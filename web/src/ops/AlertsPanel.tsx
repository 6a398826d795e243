import { useState } from 'preact/hooks';
import { HttpError, describe, requestJson } from '../shared/http';
import { clockTime } from '../shared/format';
import { usePolling } from '../shared/poll';

/** The monitor's view as GET /admin/alerts answers it (the fields this panel reads). */
interface AlertsView {
  evaluatedAt?: string;
  rules: {
    name: string;
    action?: string;
    readings: { labels?: Record<string, string>; value: number | null; state: string }[];
  }[];
}

type Panel =
  | { kind: 'loading' }
  | { kind: 'no-source' }
  | { kind: 'error'; message: string }
  | { kind: 'view'; view: AlertsView };

const POLL_MS = 5000;
/** From worst to best: a rule shows its worst reading's state. */
const SEVERITY = ['FIRING', 'PENDING', 'OK'];

/** Each alert rule with its state, or "no source" while no monitor answers (404 or 503). */
export function AlertsPanel() {
  const [panel, setPanel] = useState<Panel>({ kind: 'loading' });
  const [etag, setEtag] = useState<string | undefined>(undefined);

  usePolling(async (signal) => {
    try {
      const answer = await requestJson<AlertsView>('/admin/alerts', { etag, signal });
      if (answer.body === undefined) return;
      setEtag(answer.etag);
      setPanel({ kind: 'view', view: answer.body });
    } catch (error) {
      if (signal.aborted) return;
      if (error instanceof HttpError && (error.status === 404 || error.status === 503)) {
        setPanel({ kind: 'no-source' });
      } else if (error instanceof HttpError && (error.status === 401 || error.status === 403)) {
        // The admin login (the token once, then an HttpOnly cookie) is the dashboard's next step.
        setPanel({ kind: 'error', message: 'Not signed in to the admin API.' });
      } else {
        setPanel({ kind: 'error', message: describe(error) });
      }
    }
  }, POLL_MS);

  return (
    <section aria-labelledby="alerts-title">
      <h2 id="alerts-title">Alerts</h2>
      <div aria-live="polite">
        {panel.kind === 'loading' && <p class="muted">Loading…</p>}
        {panel.kind === 'no-source' && <p class="notice">No source: no monitor answers for the alerts yet.</p>}
        {panel.kind === 'error' && <p class="notice error">{panel.message}</p>}
        {panel.kind === 'view' && <RulesTable view={panel.view} />}
      </div>
    </section>
  );
}

function RulesTable({ view }: { view: AlertsView }) {
  return (
    <>
      {view.evaluatedAt && <p class="muted">Evaluated at {clockTime(view.evaluatedAt)}</p>}
      <table>
        <caption class="visually-hidden">Each alert rule's worst state and its readings</caption>
        <thead>
          <tr><th scope="col">Rule</th><th scope="col">State</th><th scope="col">Readings</th></tr>
        </thead>
        <tbody>
          {view.rules.map((rule) => {
            const state = worst(rule.readings.map((r) => r.state));
            return (
              <tr key={rule.name}>
                <th scope="row">{rule.name}</th>
                <td><span class={`state state-${state.toLowerCase()}`}>{state}</span></td>
                <td>
                  {rule.readings.length === 0 ? <span class="muted">no readings</span> : rule.readings.map((r, i) => (
                    <span key={i} class="reading">{label(r.labels)}{r.value === null ? '–' : round(r.value)} {r.state}</span>
                  ))}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}

function worst(states: string[]): string {
  if (states.length === 0) return 'OK';
  return [...states].sort((a, b) => rank(a) - rank(b))[0];
}

function rank(state: string): number {
  const i = SEVERITY.indexOf(state);
  return i < 0 ? SEVERITY.length : i;
}

function label(labels: Record<string, string> | undefined): string {
  if (!labels) return '';
  const text = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(', ');
  return text ? `${text}: ` : '';
}

function round(value: number): string {
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toPrecision(3);
}
