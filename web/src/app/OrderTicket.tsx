import { useRef, useState } from 'preact/hooks';
import { HttpError, backoffMs, describe, requestJson } from '../shared/http';
import { price } from '../shared/format';
import { usePolling } from '../shared/poll';
import { Field, described, sentence } from './Field';
import { MAX_QUANTITY, PRICE_DECIMALS, QUANTITY_DECIMALS, checkOrder, type OrderField, type OrderInput } from './orderRules';
import { endsSession, useSession } from './session';
import type { Order, Quote } from './types';

const FIELDS: readonly OrderField[] = ['symbol', 'side', 'type', 'quantity', 'limitPrice'];

/** A fresh idempotency key: a retry of the same order after a lost answer cannot place it twice. */
function newClientOrderId(): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return 'web-' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** `.5` → `0.5`: the API reads decimals as Java does. */
function normalised(text: string): string {
  const trimmed = text.trim();
  return trimmed.startsWith('.') ? `0${trimmed}` : trimmed;
}

function outcome(order: Order): string {
  const verb = order.side === 'BUY' ? 'Bought' : 'Sold';
  if (order.status === 'FILLED') return `${verb} ${order.quantity} ${order.symbol} at ${price(order.filledAvgPrice)} (order filled).`;
  if (order.status === 'OPEN') {
    return `LIMIT order to ${order.side.toLowerCase()} ${order.quantity} ${order.symbol} at ${price(order.limitPrice)} is open: it fills when the market reaches the limit.`;
  }
  return `Order ${order.status.toLowerCase()}: ${order.side} ${order.quantity} ${order.symbol}.`;
}

/**
 * The order ticket: MARKET or LIMIT, checked against the API's rules before it is sent, with the
 * API's own refusal shown next to the field it names (or above the button when it names none).
 */
export function OrderTicket({ symbol: initialSymbol, onPlaced }: { symbol?: string; onPlaced: () => void }) {
  const session = useSession();
  const [quotes, setQuotes] = useState<Quote[]>([]);
  const [etag, setEtag] = useState<string | undefined>(undefined);
  const [values, setValues] = useState<OrderInput>({
    symbol: initialSymbol ?? '', side: 'BUY', type: 'MARKET', quantity: '', limitPrice: '',
  });
  const [errors, setErrors] = useState<Partial<Record<OrderField, string>>>({});
  const [formError, setFormError] = useState<string | undefined>(undefined);
  const [result, setResult] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  // Kept across retries of the same order; a new one once an order is accepted or refused.
  const clientOrderId = useRef(newClientOrderId());

  usePolling(async (signal) => {
    try {
      const answer = await requestJson<{ quotes: Quote[] }>('/api/quotes', { etag, signal });
      if (answer.body === undefined) return;
      setEtag(answer.etag);
      setQuotes(answer.body.quotes);
      setValues((old) => (old.symbol === '' && answer.body!.quotes.length > 0 ? { ...old, symbol: answer.body!.quotes[0].symbol } : old));
    } catch (error) {
      // The ticket still works without quotes: the API checks the symbol.
      return backoffMs(error);
    }
    return undefined;
  }, 2000);

  const symbols = quotes.map((q) => q.symbol);
  const quote = quotes.find((q) => q.symbol === values.symbol);

  const set = (field: OrderField) => (event: Event) => {
    const value = (event.currentTarget as HTMLInputElement | HTMLSelectElement).value;
    setValues({ ...values, [field]: value });
    if (errors[field]) setErrors({ ...errors, [field]: undefined });
  };

  async function submit(event: Event) {
    event.preventDefault();
    setResult(undefined);
    setFormError(undefined);
    const found = checkOrder(values, symbols);
    setErrors(found);
    if (Object.keys(found).length > 0) {
      const first = FIELDS.find((f) => found[f]);
      document.getElementById(`order-${first === 'limitPrice' ? 'limit-price' : first}`)?.focus();
      return;
    }
    setBusy(true);
    try {
      const body: Record<string, string> = {
        symbol: values.symbol, side: values.side, type: values.type, quantity: normalised(values.quantity),
        clientOrderId: clientOrderId.current,
      };
      if (values.type === 'LIMIT') body.limitPrice = normalised(values.limitPrice);
      const answer = await requestJson<Order>('/api/orders', { method: 'POST', body });
      clientOrderId.current = newClientOrderId();
      setResult(outcome(answer.body!));
      setValues({ ...values, quantity: '', limitPrice: '' });
      onPlaced();
    } catch (error) {
      if (endsSession(error, session)) return;
      if (error instanceof HttpError) {
        // A refusal is final for this body; a 429, a 503 or a lost answer may be retried with the same key.
        if (error.status < 500 && error.status !== 429) clientOrderId.current = newClientOrderId();
        const byField: Partial<Record<OrderField, string>> = {};
        const others: string[] = [];
        for (const e of error.errors) {
          if ((FIELDS as readonly string[]).includes(e.field)) byField[e.field as OrderField] = sentence(e.message);
          else others.push(`${e.field}: ${e.message}`);
        }
        setErrors(byField);
        if (others.length > 0) setFormError(others.join(' '));
        else if (error.errors.length === 0) setFormError(describe(error));
      } else {
        setFormError(`${describe(error)} The order may or may not have been placed: check Orders, or send it again (it will not be placed twice).`);
      }
    } finally {
      setBusy(false);
    }
  }

  const limit = values.type === 'LIMIT';
  return (
    <section aria-labelledby="ticket-title" class="card ticket">
      <h2 id="ticket-title" class="view-title" tabIndex={-1}>Order ticket</h2>
      <form id="order-ticket" onSubmit={submit} noValidate>
        <div class="grid">
          <Field id="order-symbol" label="Symbol" error={errors.symbol}>
            <select id="order-symbol" name="symbol" value={values.symbol} onChange={set('symbol')} {...described('order-symbol', errors.symbol)}>
              {values.symbol !== '' && !symbols.includes(values.symbol) && <option value={values.symbol}>{values.symbol}</option>}
              {symbols.map((s) => <option key={s} value={s}>{s}</option>)}
            </select>
          </Field>
          <Field id="order-side" label="Side" error={errors.side}>
            <select id="order-side" name="side" value={values.side} onChange={set('side')} {...described('order-side', errors.side)}>
              <option value="BUY">BUY</option>
              <option value="SELL">SELL</option>
            </select>
          </Field>
          <Field id="order-type" label="Type" error={errors.type}>
            <select id="order-type" name="type" value={values.type} onChange={set('type')} {...described('order-type', errors.type)}>
              <option value="MARKET">MARKET</option>
              <option value="LIMIT">LIMIT</option>
            </select>
          </Field>
          <Field id="order-quantity" label="Quantity" error={errors.quantity}
            hint={`More than 0, at most ${MAX_QUANTITY.toLocaleString('en-US')}, up to ${QUANTITY_DECIMALS} decimals.`}>
            <input id="order-quantity" name="quantity" type="text" inputMode="decimal" autoComplete="off" value={values.quantity}
              onInput={set('quantity')} {...described('order-quantity', errors.quantity, true)} />
          </Field>
          {limit && (
            <Field id="order-limit-price" label="Limit price (USD)" error={errors.limitPrice}
              hint={`Up to ${PRICE_DECIMALS} decimals. A BUY fills at this price or lower, a SELL at this price or higher.`}>
              <input id="order-limit-price" name="limitPrice" type="text" inputMode="decimal" autoComplete="off" value={values.limitPrice}
                onInput={set('limitPrice')} {...described('order-limit-price', errors.limitPrice, true)} />
            </Field>
          )}
        </div>
        {quote && (
          <p class="muted quote-line" id="order-quote">
            {quote.symbol}: bid {price(quote.bid)}, ask {price(quote.ask)}, last {price(quote.last)}.
            {' '}{limit ? '' : `A MARKET ${values.side} fills at once at the ${values.side === 'BUY' ? 'ask' : 'bid'}.`}
          </p>
        )}
        {formError && <p id="order-form-error" class="notice error" role="alert">{formError}</p>}
        <div class="actions">
          <button id="order-submit" type="submit" disabled={busy}>
            Place order
          </button>
        </div>
        <div aria-live="polite">
          {result && <p id="order-result" class="notice success">{result}</p>}
        </div>
      </form>
    </section>
  );
}
