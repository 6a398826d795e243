import { useState } from 'preact/hooks';
import { HttpError, backoffMs, describe, requestJson } from '../shared/http';
import { clockTime, price } from '../shared/format';
import { usePolling } from '../shared/poll';
import { PriceChart } from './PriceChart';

import type { Quote } from './types';

/** How often the board asks; the ETag makes an unchanged answer a bodiless 304. */
const POLL_MS = 2000;
/** Points the chart keeps per symbol: a few minutes at the poll rate. */
const HISTORY = 150;

/**
 * Every listed symbol's quote, refreshed in place, and a chart of the chosen symbol's last prices.
 * With `onTrade` (signed in) each row has a Trade button that opens the ticket on that symbol.
 */
export function QuotesBoard({ onTrade }: { onTrade?: (symbol: string) => void }) {
  const [quotes, setQuotes] = useState<Quote[]>([]);
  const [etag, setEtag] = useState<string | undefined>(undefined);
  const [history, setHistory] = useState<Record<string, [number[], number[]]>>({});
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  const [problem, setProblem] = useState<string | undefined>(undefined);

  usePolling(async (signal) => {
    try {
      const answer = await requestJson<{ quotes: Quote[] }>('/api/quotes', { etag, signal });
      setProblem(undefined);
      if (answer.body === undefined) return;
      setEtag(answer.etag);
      setQuotes(answer.body.quotes);
      setHistory((old) => remember(old, answer.body!.quotes));
    } catch (error) {
      if (signal.aborted) return;
      setProblem(error instanceof HttpError || error instanceof TypeError ? describe(error) : String(error));
      return backoffMs(error);
    }
  }, POLL_MS);

  const symbol = chosen ?? quotes[0]?.symbol;
  return (
    <section aria-labelledby="quotes-title">
      <h2 id="quotes-title" class="view-title" tabIndex={-1}>Quotes</h2>
      {problem && <p class="notice error" role="status">{problem}</p>}
      {quotes.length === 0 && !problem && <p class="muted">Loading quotes…</p>}
      {quotes.length > 0 && (
        <div class="scroll" role="region" tabIndex={0} aria-label="Quotes table">
          <table id="quotes">
            <caption class="visually-hidden">Bid, ask and last price of every listed symbol</caption>
            <thead>
              <tr><th scope="col">Symbol</th><th scope="col" class="num">Bid</th><th scope="col" class="num">Ask</th><th scope="col" class="num">Last</th><th scope="col" class="wide-only">At</th>{onTrade && <th scope="col"><span class="visually-hidden">Action</span></th>}</tr>
            </thead>
            <tbody>
              {quotes.map((q) => (
                <tr key={q.symbol} class={q.symbol === symbol ? 'chosen' : undefined}>
                  <th scope="row">
                    <button type="button" class="link" aria-pressed={q.symbol === symbol} onClick={() => setChosen(q.symbol)}>
                      {q.symbol}
                    </button>
                  </th>
                  <td class="num">{price(q.bid)}</td>
                  <td class="num">{price(q.ask)}</td>
                  <td class="num">{price(q.last)}</td>
                  <td class="wide-only">{clockTime(q.at)}</td>
                  {onTrade && (
                    <td>
                      <button type="button" class="small" id={`trade-${q.symbol}`} aria-label={`Trade ${q.symbol}`} onClick={() => onTrade(q.symbol)}>Trade</button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {symbol && (history[symbol]?.[0].length ?? 0) >= 2 ? (
        <PriceChart symbol={symbol} series={history[symbol]} />
      ) : (
        // One price is a dot with no time span; uPlot would stretch it over years. Wait for a second.
        symbol && <p class="chart-pending">Collecting {symbol}'s prices for the chart…</p>
      )}
    </section>
  );
}

/** Appends each quote's last price (seconds since the epoch, price) when its time moved on. */
function remember(old: Record<string, [number[], number[]]>, quotes: Quote[]): Record<string, [number[], number[]]> {
  const next = { ...old };
  for (const q of quotes) {
    const at = Date.parse(q.at) / 1000;
    const last = Number(q.last);
    if (!Number.isFinite(at) || !Number.isFinite(last)) continue;
    const [times, prices] = next[q.symbol] ?? [[], []];
    if (times.length > 0 && times[times.length - 1] >= at) continue;
    next[q.symbol] = [[...times, at].slice(-HISTORY), [...prices, last].slice(-HISTORY)];
  }
  return next;
}
