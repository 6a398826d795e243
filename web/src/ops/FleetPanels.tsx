import type { Fleet, PostgresServer } from './fleet';
import { NONE, count, seconds, time, upDown } from './figures';
import type { Source } from './source';
import { SourceNote } from './SourceNote';

const FLEET_FILE = "the launcher's fleet file";
/** The autoscaler's most recent decisions, newest first; older ones are in the launcher's log. */
const DECISIONS_SHOWN = 6;

function Loading({ source }: { source: Source<unknown> }) {
  return source.status === 'loading' ? <p class="muted">Loading…</p> : null;
}

/** The autoscaler's bounds, where it is and where it is going, and why it last moved. */
export function AutoscalerPanel({ fleet }: { fleet: Source<Fleet> }) {
  const scaler = fleet.view?.autoscaler;
  const decisions = [...(scaler?.decisions ?? [])]
    .sort((a, b) => Date.parse(b.at) - Date.parse(a.at))
    .slice(0, DECISIONS_SHOWN);
  return (
    <section id="autoscaler" aria-labelledby="autoscaler-title" class="panel">
      <h2 id="autoscaler-title">Autoscaler</h2>
      <SourceNote source={fleet} what={FLEET_FILE} />
      <Loading source={fleet} />
      {fleet.view && !scaler && <p class="muted">The launcher reports no autoscaler ({NONE}).</p>}
      {scaler && (
        <>
          <dl class="figures" id="autoscaler-figures">
            <div><dt>Min</dt><dd data-figure="min">{count(scaler.min)}</dd></div>
            <div><dt>Current</dt><dd data-figure="current">{count(scaler.current)}</dd></div>
            <div><dt>Target</dt><dd data-figure="target">{count(scaler.target)}</dd></div>
            <div><dt>Max</dt><dd data-figure="max">{count(scaler.max)}</dd></div>
          </dl>
          <h3 id="decisions-title">Last decisions</h3>
          {decisions.length === 0 ? <p class="muted">No decision yet.</p> : (
            <div class="scroll" tabindex={0} role="region" aria-labelledby="decisions-title">
              <table id="autoscaler-decisions">
                <thead>
                  <tr><th scope="col">Time</th><th scope="col">Action</th><th scope="col" class="num">Instances</th><th scope="col">Reason</th></tr>
                </thead>
                <tbody>
                  {decisions.map((d, i) => (
                    <tr key={`${d.at}-${i}`}>
                      <td>{time(d.at)}</td>
                      <td>{d.action || NONE}</td>
                      <td class="num">{count(d.from)} → {count(d.to)}</td>
                      <td class="reason">{d.reason || NONE}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}

const ROLE_NAMES: Record<string, string> = {
  catalog: 'catalog', 'catalog-replica': 'catalog replica', primary: 'primary', replica: 'replica',
};
const ROLE_ORDER = ['catalog', 'catalog-replica', 'primary', 'replica'];

function serverOrder(a: PostgresServer, b: PostgresServer): number {
  // The catalog first, then each shard's primary followed by its replicas.
  const catalogA = a.role.startsWith('catalog') ? 0 : 1;
  const catalogB = b.role.startsWith('catalog') ? 0 : 1;
  if (catalogA !== catalogB) return catalogA - catalogB;
  const shard = String(a.shard ?? '').localeCompare(String(b.shard ?? ''), undefined, { numeric: true });
  if (shard !== 0) return shard;
  return ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role) || a.name.localeCompare(b.name);
}

/** Connections against the server's max_connections: a bar and the same figures in words. */
function Connections({ server }: { server: PostgresServer }) {
  const { connections: used, maxConnections: max } = server;
  if (used === null || used === undefined) return <>{NONE}</>;
  const share = max ? used / max : undefined;
  const level = share === undefined ? '' : share >= 0.9 ? 'high' : share >= 0.7 ? 'warn' : 'ok';
  return (
    <span class="connections">
      {max ? <meter min={0} max={max} value={used} low={max * 0.7} high={max * 0.9} optimum={0} class={`bar ${level}`}
        aria-hidden="true" /> : null}
      <span class="bar-text">{count(used)} / {count(max)}{share === undefined ? '' : ` (${Math.round(share * 100)} %)`}</span>
    </span>
  );
}

/** Each server with its connections and lag, then each shard's buckets and rows, then moves in progress. */
export function PostgresPanel({ fleet }: { fleet: Source<Fleet> }) {
  // null is "the launcher could not read it this round", which is not the same as none.
  const unread = (what: string) => <p class="muted">The launcher could not read {what} this round ({NONE}).</p>;
  const servers = [...(fleet.view?.postgres ?? [])].sort(serverOrder);
  const shards = [...(fleet.view?.shards ?? [])].sort((a, b) => String(a.id).localeCompare(String(b.id), undefined, { numeric: true }));
  const moves = fleet.view?.moves ?? [];
  const tables = [...new Set(shards.flatMap((s) => Object.keys(s.rows ?? {})))].sort();
  return (
    <section id="postgres-panel" aria-labelledby="postgres-title" class="panel wide">
      <h2 id="postgres-title">PostgreSQL</h2>
      <SourceNote source={fleet} what={FLEET_FILE} />
      <Loading source={fleet} />
      {fleet.view && (
        <>
          <h3 id="servers-title">Servers</h3>
          {fleet.view.postgres === null ? unread('the servers') : servers.length === 0 ? <p class="muted">The launcher reports no PostgreSQL server.</p> : (
            <div class="scroll" tabindex={0} role="region" aria-labelledby="servers-title">
              <table id="postgres">
                <thead>
                  <tr>
                    <th scope="col">Server</th><th scope="col">Role</th><th scope="col">Shard</th><th scope="col">Address</th>
                    <th scope="col">Health</th><th scope="col">Connections (used / max)</th><th scope="col" class="num">Replica lag</th>
                  </tr>
                </thead>
                <tbody>
                  {servers.map((s) => {
                    const up = upDown(s.up);
                    return (
                      <tr key={s.name} data-server={s.name} data-role={s.role}>
                        <th scope="row">{s.name}</th>
                        <td>{ROLE_NAMES[s.role] ?? s.role}</td>
                        <td>{s.shard ?? NONE}</td>
                        <td class="address">{s.address ?? NONE}</td>
                        <td><span class={`state state-${up}`}>{up === 'unknown' ? NONE : up}</span></td>
                        <td><Connections server={s} /></td>
                        <td class="num">{s.role.endsWith('replica') ? seconds(s.replicaLagSeconds) : <span class="muted" title="a primary has no lag">n/a</span>}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
          <h3 id="shards-title">Shards</h3>
          {fleet.view.shards === null ? unread('the shards') : shards.length === 0 ? <p class="muted">The launcher reports no shard.</p> : (
            <div class="scroll" tabindex={0} role="region" aria-labelledby="shards-title">
              <table id="shards">
                <thead>
                  <tr>
                    <th scope="col">Shard</th><th scope="col" class="num">Buckets</th>
                    {tables.map((t) => <th key={t} scope="col" class="num">Rows in {t}</th>)}
                  </tr>
                </thead>
                <tbody>
                  {shards.map((s) => (
                    <tr key={String(s.id)} data-shard={String(s.id)}>
                      <th scope="row">{s.id}</th>
                      <td class="num">{count(s.buckets)}</td>
                      {tables.map((t) => <td key={t} class="num">{count(s.rows?.[t])}</td>)}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <h3 id="moves-title">Bucket moves</h3>
          {fleet.view.moves === null ? unread('the moves') : moves.length === 0 ? <p class="muted" id="moves-none">No move in progress.</p> : (
            <div class="scroll" tabindex={0} role="region" aria-labelledby="moves-title">
              <table id="moves">
                <thead>
                  <tr><th scope="col" class="num">Bucket</th><th scope="col">From</th><th scope="col">To</th><th scope="col">State</th><th scope="col">Started</th></tr>
                </thead>
                <tbody>
                  {moves.map((m) => (
                    <tr key={String(m.bucket)}>
                      <td class="num">{m.bucket}</td><td>{m.from ?? NONE}</td><td>{m.to ?? NONE}</td>
                      <td>{m.state ?? NONE}</td><td>{time(m.startedAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}

/** Redis: the mode (single node, replicated, cluster) and each node's role and health. */
export function RedisPanel({ fleet }: { fleet: Source<Fleet> }) {
  const redis = fleet.view?.redis;
  const nodes = redis?.nodes ?? [];
  return (
    <section id="redis-panel" aria-labelledby="redis-title" class="panel">
      <h2 id="redis-title">Redis</h2>
      <SourceNote source={fleet} what={FLEET_FILE} />
      <Loading source={fleet} />
      {fleet.view && redis === null && <p class="muted">The launcher could not read the Redis tier this round ({NONE}).</p>}
      {fleet.view && redis !== null && (nodes.length === 0 ? <p class="muted">The launcher reports no Redis node.</p> : (
        <>
          {redis?.mode && <p class="muted small">Mode: {redis.mode}</p>}
          <div class="scroll" tabindex={0} role="region" aria-label="Redis nodes table">
            <table id="redis">
              <thead><tr><th scope="col">Node</th><th scope="col">Role</th><th scope="col">Health</th></tr></thead>
              <tbody>
                {nodes.map((n) => {
                  const up = upDown(n.up);
                  return (
                    <tr key={n.address} data-node={n.address}>
                      <th scope="row" class="address">{n.address}</th>
                      <td>{n.role ?? NONE}</td>
                      <td><span class={`state state-${up}`}>{up === 'unknown' ? NONE : up}</span></td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </>
      ))}
    </section>
  );
}
