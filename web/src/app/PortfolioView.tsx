import { amount, dateTime, price, sign, signedAmount } from '../shared/format';
import { EquityChart } from './EquityChart';
import { SAMPLE_MS, type PortfolioFeed } from './portfolioSamples';

function gain(value: string): string {
  const s = sign(value);
  return s > 0 ? 'gain' : s < 0 ? 'loss' : '';
}

/** Cash, positions with their P&L, the equity, and a chart of what the app has seen of them. */
export function PortfolioView({ feed }: { feed: PortfolioFeed }) {
  const p = feed.portfolio;
  return (
    <section aria-labelledby="portfolio-title">
      <h2 id="portfolio-title" class="view-title" tabIndex={-1}>Portfolio</h2>
      {feed.problem && <p class="notice error" role="alert">{feed.problem}</p>}
      {p === undefined && !feed.problem && <p class="muted">Loading the portfolio…</p>}
      {p !== undefined && (
        <>
          <dl class="figures">
            <div><dt>Equity ({p.currency})</dt><dd id="portfolio-equity">{amount(p.equity)}</dd></div>
            <div><dt>Cash ({p.currency})</dt><dd id="portfolio-cash">{amount(p.cash)}</dd></div>
            <div><dt>Available cash</dt><dd id="portfolio-available-cash">{amount(p.availableCash)}</dd></div>
            <div><dt>Reserved by open orders</dt><dd id="portfolio-reserved-cash">{amount(p.reservedCash)}</dd></div>
            <div><dt>Market value of positions</dt><dd id="portfolio-market-value">{amount(p.marketValue)}</dd></div>
            <div><dt>Unrealized P&amp;L</dt><dd id="portfolio-unrealized-pnl" class={gain(p.unrealizedPnl)}>{signedAmount(p.unrealizedPnl)}</dd></div>
            <div><dt>Realized P&amp;L</dt><dd id="portfolio-realized-pnl" class={gain(p.realizedPnl)}>{signedAmount(p.realizedPnl)}</dd></div>
          </dl>
          <p class="muted">Valued at the quotes of {dateTime(p.valuedAt)}.</p>
          <h3 id="positions-title">Positions</h3>
          <div class="scroll" role="region" tabIndex={0} aria-label="Positions table">
            <table id="positions" aria-labelledby="positions-title">
              <thead>
                <tr>
                  <th scope="col">Symbol</th><th scope="col" class="num">Quantity</th><th scope="col" class="num">Avg cost</th>
                  <th scope="col" class="num wide-only">Last</th><th scope="col" class="num">Market value</th>
                  <th scope="col" class="num">Unrealized P&amp;L</th><th scope="col" class="num wide-only">Reserved</th>
                </tr>
              </thead>
              <tbody>
                {p.positions.length === 0 && <tr><td colSpan={7} class="muted">No positions yet: buy something on the Trade view.</td></tr>}
                {p.positions.map((pos) => (
                  <tr key={pos.symbol} data-symbol={pos.symbol}>
                    <th scope="row">{pos.symbol}</th>
                    <td class="num">{pos.quantity}</td>
                    <td class="num">{price(pos.averageCost)}</td>
                    <td class="num wide-only">{price(pos.lastPrice)}</td>
                    <td class="num">{amount(pos.marketValue)}</td>
                    <td class={`num ${gain(pos.unrealizedPnl)}`}>{signedAmount(pos.unrealizedPnl)}</td>
                    <td class="num wide-only">{pos.reservedQuantity}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      <figure class="chart">
        <figcaption id="equity-chart-title">Equity, cash and positions since you signed in on this page</figcaption>
        <p class="muted">The platform keeps no history of a portfolio's value: the app values it every {SAMPLE_MS / 1000} seconds while the page is open and
          draws what it saw ({feed.samples.length} {feed.samples.length === 1 ? 'look' : 'looks'} so far). A reload starts again.</p>
        {feed.samples.length >= 2 ? <EquityChart samples={feed.samples} /> : <p class="chart-pending">Collecting a second look for the chart…</p>}
      </figure>
    </section>
  );
}
