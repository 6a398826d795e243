import { clockTime } from '../shared/format';
import { useAdminSource } from './source';
import { SourceNote } from './SourceNote';

/** The monitor's view as GET /admin/alerts answers it (the fields this panel reads). */
interface AlertsView {
  evaluatedAt?: string;
  rules: {
    name: string;
    action?: string;
    labels?: Record<string, string>;
    readings: { labels?: Record<string, string>; value: number | null; state: string }[];
  }[];
}

/** From worst to best: a rule shows its worst reading's state. */
const SEVERITY = ['FIRING', 'PENDING', 'OK'];

/**
 * Each alert rule with its state, polled with the other panels; "no source" while no monitor
 * answers (503, or 404 from a gateway without the route). A 401 ends the admin session.
 */
export function AlertsPanel({ onLapse }: { onLapse: () => void }) {
  const alerts = useAdminSource<AlertsView>('/admin/alerts', onLapse);
  return (
    <section id="alerts" aria-labelledby="alerts-title" class="panel wide">
      <h2 id="alerts-title">Alerts</h2>
      <SourceNote source={alerts} what="the alerts" />
      {alerts.status === 'loading' && <p class="muted">Loading…</p>}
      {alerts.status !== 'no-source' && alerts.view && <RulesTable view={alerts.view} />}
    </section>
  );
}

function RulesTable({ view }: { view: AlertsView }) {
  return (
    <>
      {view.evaluatedAt && <p class="muted">Evaluated at {clockTime(view.evaluatedAt)}</p>}
      <div class="scroll" tabindex={0} role="region" aria-label="Alert rules">
      <table id="alert-rules">
        <caption class="visually-hidden">Each alert rule's worst state and its readings</caption>
        <thead>
          <tr><th scope="col">Rule</th><th scope="col">State</th><th scope="col">Readings</th></tr>
        </thead>
        <tbody>
          {view.rules.map((rule, index) => {
            const state = worst(rule.readings.map((r) => r.state));
            return (
              <tr key={`${index}-${rule.name}`} data-rule={rule.name}>
                <th scope="row">{rule.name}{rule.labels && <span class="muted small block">{label(rule.labels).replace(/: $/, '')}</span>}</th>
                <td><span class={`state state-${state.toLowerCase()}`}>{state}</span></td>
                <td class="readings">
                  {rule.readings.length === 0 ? <span class="muted">no readings</span> : rule.readings.map((r, i) => (
                    <span key={i} class="reading">{label(r.labels)}{r.value === null || r.value === undefined ? '–' : round(r.value)} {r.state}</span>
                  ))}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      </div>
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
