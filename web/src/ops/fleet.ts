// The admin port's JSON as the dashboard reads it, and the one merge the page does: the gateway's
// live view of its backends laid over the launcher's fleet file. Unknown figures stay null.

/** STOPPED: the launcher stopped it (a scale-down); DOWN: it was lost. */
export type InstanceState = 'UP' | 'DOWN' | 'STARTING' | 'DRAINING' | 'STOPPED';

export interface HistoryPoint {
  at: string;
  requestsPerSecond: number | null;
  cpu: number | null;
  memoryBytes: number | null;
  p99Seconds: number | null;
}

export interface FleetInstance {
  id: string;
  region: string;
  pid: number | null;
  url: string | null;
  state: InstanceState;
  since: string | null;
  inFlight: number | null;
  requestsPerSecond: number | null;
  cpu: number | null;
  memoryBytes: number | null;
  memoryMaxBytes: number | null;
  p50Seconds: number | null;
  p99Seconds: number | null;
  errorRate: number | null;
  history?: HistoryPoint[];
}

export interface Decision {
  at: string;
  action: string;
  from: number | null;
  to: number | null;
  reason: string | null;
}

export interface Autoscaler {
  min: number | null;
  max: number | null;
  current: number | null;
  target: number | null;
  decisions?: Decision[];
}

export interface PostgresServer {
  name: string;
  role: 'catalog' | 'catalog-replica' | 'primary' | 'replica' | string;
  shard: string | number | null;
  address: string | null;
  up: boolean | null;
  connections: number | null;
  maxConnections: number | null;
  replicaLagSeconds: number | null;
}

export interface Shard {
  id: string | number;
  buckets: number | null;
  rows?: Record<string, number | null> | null;
}

export interface Move {
  bucket: number | string;
  from: string | number | null;
  to: string | number | null;
  state: string | null;
  startedAt: string | null;
}

export interface RedisNode {
  address: string;
  role: string | null;
  up: boolean | null;
}

export interface Fleet {
  updatedAt?: string | null;
  launcherPid?: number | null;
  instances?: FleetInstance[];
  autoscaler?: Autoscaler | null;
  postgres?: PostgresServer[];
  shards?: Shard[];
  moves?: Move[];
  redis?: { mode?: string | null; nodes?: RedisNode[] } | null;
}

/** One entry of GET /admin/backends: what the gateway routes to right now. */
export interface Backend {
  id: string;
  host?: string;
  port?: number;
  region: string;
  state: string;
  draining?: boolean;
  inFlight?: number | null;
}

/** GET /admin/backends answers `{"backends": [...]}`; a bare array is read the same way. */
export function backendsOf(body: unknown): Backend[] {
  if (Array.isArray(body)) return body as Backend[];
  const list = (body as { backends?: unknown } | null)?.backends;
  return Array.isArray(list) ? (list as Backend[]) : [];
}

/** An instance as the page shows it: the fleet's figures, the gateway's state when it has one. */
export interface InstanceRow {
  id: string;
  region: string;
  state: InstanceState;
  /** True when the gateway routes to it; false when only the launcher's file lists it. */
  routed: boolean;
  inFlight: number | null;
  fleet: FleetInstance | undefined;
}

const EMPTY: Omit<FleetInstance, 'id' | 'region' | 'state'> = {
  pid: null, url: null, since: null, inFlight: null, requestsPerSecond: null, cpu: null, memoryBytes: null,
  memoryMaxBytes: null, p50Seconds: null, p99Seconds: null, errorRate: null,
};

/**
 * The union of both lists by id. The gateway's view is the live one, so its state wins: a backend
 * being drained is DRAINING, and one its health checks fail is DOWN, even while the launcher's last
 * write (up to two seconds old) still says UP. The one exception is an instance the launcher says is
 * STARTING that has not passed a health check yet: that is what it is doing, not a failure. An
 * instance the gateway no longer routes to keeps the launcher's state (a dead one is DOWN there).
 */
export function mergeInstances(backends: Backend[] | undefined, fleet: FleetInstance[] | undefined): InstanceRow[] {
  const rows = new Map<string, InstanceRow>();
  for (const instance of fleet ?? []) {
    rows.set(instance.id, {
      id: instance.id, region: instance.region, state: instance.state, routed: false,
      inFlight: instance.inFlight ?? null, fleet: instance,
    });
  }
  for (const backend of backends ?? []) {
    const known = rows.get(backend.id);
    const live: InstanceState = backend.draining ? 'DRAINING' : backend.state === 'UP' ? 'UP' : 'DOWN';
    const state = live === 'DOWN' && known?.state === 'STARTING' ? 'STARTING' : live;
    rows.set(backend.id, {
      id: backend.id,
      region: backend.region || known?.region || '–',
      state,
      routed: true,
      inFlight: typeof backend.inFlight === 'number' ? backend.inFlight : known?.inFlight ?? null,
      fleet: known?.fleet ?? { id: backend.id, region: backend.region, state, ...EMPTY },
    });
  }
  return [...rows.values()];
}

/** The platform's regions in the strategy's order first, then any other in name order. */
const REGION_ORDER = ['fra1', 'lhr1', 'iad1'];

export function byRegion(rows: InstanceRow[]): [string, InstanceRow[]][] {
  const groups = new Map<string, InstanceRow[]>();
  for (const row of rows) {
    const list = groups.get(row.region) ?? [];
    list.push(row);
    groups.set(row.region, list);
  }
  const rank = (region: string) => {
    const i = REGION_ORDER.indexOf(region);
    return i < 0 ? REGION_ORDER.length : i;
  };
  return [...groups.entries()]
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([region, list]) => [region, list.sort((x, y) => x.id.localeCompare(y.id, undefined, { numeric: true }))]);
}
