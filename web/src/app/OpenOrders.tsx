import { useState } from 'preact/hooks';
import { HttpError, backoffMs, describe, requestJson } from '../shared/http';
import { dateTime, price } from '../shared/format';
import { usePolling } from '../shared/poll';
import { endsSession, useSession } from './session';
import type { Order, Page } from './types';

/** The API's largest page: open orders beyond it are rare for one person, and said so when there. */
const PAGE = 100;
/** Limit orders fill while the page is open; this is how soon the list notices. */
const POLL_MS = 3000;

/** The user's open orders (LIMIT orders not filled yet), newest first, each with a Cancel button. */
export function OpenOrders({ onChanged }: { onChanged: () => void }) {
  const session = useSession();
  const [orders, setOrders] = useState<Order[] | undefined>(undefined);
  const [more, setMore] = useState(false);
  const [etag, setEtag] = useState<string | undefined>(undefined);
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const [message, setMessage] = useState<string | undefined>(undefined);
  const [cancelling, setCancelling] = useState<string | undefined>(undefined);

  async function load(signal?: AbortSignal, tag?: string): Promise<number | undefined> {
    try {
      const answer = await requestJson<Page<Order>>(`/api/orders?status=OPEN&limit=${PAGE}&sort=-createdAt`, { etag: tag, signal });
      setProblem(undefined);
      if (answer.body === undefined) return undefined;
      setEtag(answer.etag);
      setOrders(answer.body.items);
      setMore(answer.body.nextCursor !== undefined);
      return undefined;
    } catch (error) {
      if (signal?.aborted || endsSession(error, session)) return undefined;
      setProblem(describe(error));
      return backoffMs(error);
    }
  }

  usePolling((signal) => load(signal, etag), POLL_MS);

  async function cancel(order: Order) {
    setCancelling(order.id);
    setMessage(undefined);
    try {
      const answer = await requestJson<Order>(`/api/orders/${encodeURIComponent(order.id)}`, { method: 'DELETE' });
      const cancelled = answer.body!;
      setMessage(`Cancelled: ${cancelled.side} ${cancelled.quantity} ${cancelled.symbol} at ${price(cancelled.limitPrice)}.`);
      onChanged();
    } catch (error) {
      if (endsSession(error, session)) return;
      setMessage(error instanceof HttpError && error.type.endsWith('order-not-open')
        ? `That order is no longer open (it filled or was cancelled): ${describe(error)}`
        : describe(error));
    } finally {
      setCancelling(undefined);
      await load();
    }
  }

  return (
    <section aria-labelledby="open-orders-title">
      <h2 id="open-orders-title" class="view-title" tabIndex={-1}>Open orders</h2>
      <p class="muted">LIMIT orders waiting for the market to reach their price; refreshed every {POLL_MS / 1000} seconds.</p>
      {problem && <p class="notice error" role="alert">{problem}</p>}
      <div aria-live="polite">{message && <p id="open-orders-message" class="notice">{message}</p>}</div>
      {orders === undefined && !problem && <p class="muted">Loading open orders…</p>}
      {orders !== undefined && (
        <div class="scroll" role="region" tabIndex={0} aria-label="Open orders table">
          <table id="open-orders">
            <caption class="visually-hidden">Open orders</caption>
            <thead>
              <tr>
                <th scope="col">Symbol</th><th scope="col">Side</th><th scope="col" class="num">Quantity</th>
                <th scope="col" class="num">Limit</th><th scope="col" class="wide-only">Placed</th><th scope="col"><span class="visually-hidden">Action</span></th>
              </tr>
            </thead>
            <tbody>
              {orders.length === 0 && <tr><td colSpan={6} class="muted">No open orders.</td></tr>}
              {orders.map((o) => (
                <tr key={o.id} data-order-id={o.id}>
                  <th scope="row">{o.symbol}</th>
                  <td>{o.side}</td>
                  <td class="num">{o.quantity}</td>
                  <td class="num">{price(o.limitPrice)}</td>
                  <td class="wide-only">{dateTime(o.createdAt)}</td>
                  <td>
                    <button type="button" class="small" id={`cancel-${o.id}`} disabled={cancelling === o.id}
                      aria-label={`Cancel ${o.side} ${o.quantity} ${o.symbol} at ${price(o.limitPrice)}`} onClick={() => cancel(o)}>
                      Cancel
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {more && <p class="muted">Showing the {PAGE} newest open orders; the History view lists them all.</p>}
    </section>
  );
}
