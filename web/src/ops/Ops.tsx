import { AlertsPanel } from './AlertsPanel';

/**
 * The operations dashboard, served on the gateway's loopback admin port. This first version has
 * the alerts panel; instances, the autoscaler, PostgreSQL and Redis panels join it as their JSON
 * endpoints on the admin port arrive.
 */
export function Ops() {
  return (
    <>
      <h1>NextLevel Traders operations</h1>
      <AlertsPanel />
    </>
  );
}
