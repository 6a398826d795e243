import { useMemo } from 'preact/hooks';
import type { Fleet, FleetInstance, HistoryPoint, InstanceRow } from './fleet';
import { backendsOf, byRegion, mergeInstances } from './fleet';
import { bytes, cores, count, percent, rate, seconds, time } from './figures';
import type { Source } from './source';
import { Sparkline, decimalsFor } from './Sparkline';
import type { Series } from './Sparkline';
import { SourceNote } from './SourceNote';

const COLUMNS = 8;

/**
 * Instances by region: the gateway's live state over the launcher's figures. The state is written
 * out as well as coloured. Below the table, each instance's last 15 minutes as three small charts.
 */
export function InstancesPanel({ backends, fleet }: { backends: Source<unknown>; fleet: Source<Fleet> }) {
  const rows = useMemo(
    () => mergeInstances(backends.view === undefined ? undefined : backendsOf(backends.view), fleet.view?.instances),
    [backends.view, fleet.view],
  );
  const groups = byRegion(rows);
  const bothMissing = backends.status === 'no-source' && fleet.status === 'no-source';
  return (
    <section id="instances-panel" aria-labelledby="instances-title" class="panel wide">
      <h2 id="instances-title">Instances</h2>
      <SourceNote source={backends} what="the gateway's backends" />
      <SourceNote source={fleet} what="the launcher's fleet file (figures and history)" />
      {fleet.view?.updatedAt && <p class="muted small">Launcher's figures as of {time(fleet.view.updatedAt)}.</p>}
      {bothMissing ? null : rows.length === 0 && (backends.status === 'loading' || fleet.status === 'loading')
        ? <p class="muted">Loading…</p>
        : rows.length === 0 ? <p class="muted">No instances.</p> : (
          <>
            <div class="scroll" tabindex={0} role="region" aria-label="Instances table">
              <table id="instances">
                <caption class="visually-hidden">Each instance by region: state, in-flight requests, requests per second, CPU, memory, latency and error rate</caption>
                <thead>
                  <tr>
                    <th scope="col">Instance</th>
                    <th scope="col">State</th>
                    <th scope="col" class="num">In flight</th>
                    <th scope="col" class="num">Req/s</th>
                    <th scope="col" class="num"><abbr title="processor cores in use">CPU</abbr></th>
                    <th scope="col" class="num">Memory (used / max)</th>
                    <th scope="col" class="num">p50 / p99</th>
                    <th scope="col" class="num">Errors</th>
                  </tr>
                </thead>
                {groups.map(([region, list]) => (
                  <tbody key={region} data-region={region}>
                    <tr class="region">
                      <th scope="rowgroup" colSpan={COLUMNS} id={`region-${region}`}>
                        {region} <span class="muted">· {list.filter((r) => r.state === 'UP').length} of {list.length} up</span>
                      </th>
                    </tr>
                    {list.map((row) => <Instance key={row.id} row={row} />)}
                  </tbody>
                ))}
              </table>
            </div>
            <h3>Last 15 minutes</h3>
            <div class="histories">
              {groups.flatMap(([, list]) => list).map((row) => <History key={row.id} row={row} />)}
            </div>
          </>
        )}
    </section>
  );
}

function Instance({ row }: { row: InstanceRow }) {
  const f: FleetInstance | undefined = row.fleet;
  const since = f?.since ? `since ${time(f.since)}` : undefined;
  return (
    <tr data-instance={row.id} data-state={row.state}>
      <th scope="row">
        {row.id}
        {!row.routed && <span class="muted small block">not routed</span>}
      </th>
      <td class="state-cell" data-state={row.state} data-label="State">
        <span class={`state state-${row.state.toLowerCase()}`} title={since}>{row.state}</span>
      </td>
      <td class="num" data-label="In flight">{count(row.inFlight)}</td>
      <td class="num" data-label="Req/s">{rate(f?.requestsPerSecond)}</td>
      <td class="num" data-label="CPU (cores)">{cores(f?.cpu)}</td>
      <td class="num" data-label="Memory">{bytes(f?.memoryBytes)} / {bytes(f?.memoryMaxBytes)}</td>
      <td class="num" data-label="p50 / p99">{seconds(f?.p50Seconds)} / {seconds(f?.p99Seconds)}</td>
      <td class="num" data-label="Errors">{percent(f?.errorRate)}</td>
    </tr>
  );
}

/** A history as uPlot's columns: seconds since the epoch, then one figure, null where unknown. */
function columns(history: HistoryPoint[], pick: (p: HistoryPoint) => number | null): Series {
  const xs: number[] = [];
  const ys: (number | null)[] = [];
  for (const point of history) {
    const at = Date.parse(point.at);
    if (Number.isNaN(at)) continue;
    xs.push(at / 1000);
    const v = pick(point);
    ys.push(typeof v === 'number' && Number.isFinite(v) ? v : null);
  }
  return [xs, ys];
}

const plain = (v: number, step: number) => v.toFixed(decimalsFor(step));
/** Latency labels in milliseconds below a second, as the table writes them. */
const latencyTick = (v: number, step: number) =>
  step < 1 ? `${(v * 1000).toFixed(decimalsFor(step * 1000))} ms` : `${v.toFixed(decimalsFor(step))} s`;

function History({ row }: { row: InstanceRow }) {
  const history = row.fleet?.history;
  const series = useMemo(() => {
    const h = history ?? [];
    return {
      rps: columns(h, (p) => p.requestsPerSecond),
      cpu: columns(h, (p) => p.cpu),
      p99: columns(h, (p) => p.p99Seconds),
    };
  }, [history]);
  return (
    <article class="history" aria-labelledby={`history-${row.id}`} data-history={row.id}>
      <h4 id={`history-${row.id}`}>
        {row.id} <span class="muted">{row.region}</span>{' '}
        <span class={`state state-${row.state.toLowerCase()}`}>{row.state}</span>
      </h4>
      {series.rps[0].length < 2 ? <p class="muted small">{series.rps[0].length === 0 ? 'No history yet.' : 'One reading so far.'}</p> : (
        <div class="sparks">
          <Sparkline title="Requests per second" series={series.rps} format={rate} tick={plain} />
          <Sparkline title="CPU (cores)" series={series.cpu} format={cores} tick={plain} />
          <Sparkline title="p99 latency" series={series.p99} format={seconds} tick={latencyTick} />
        </div>
      )}
    </article>
  );
}
