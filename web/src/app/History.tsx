import { amount, dateTime, price } from '../shared/format';
import { Listing, type ListingSpec } from './Listing';
import type { Order, Trade } from './types';

// What the API sorts and filters by (trading/Orders and trading/Trades, README "Routes").

const ORDERS: ListingSpec<Order> = {
  id: 'orders-history',
  title: 'Order history',
  path: '/api/orders',
  sortable: [
    { name: 'createdAt', label: 'Placed' }, { name: 'symbol', label: 'Symbol' }, { name: 'side', label: 'Side' },
    { name: 'type', label: 'Type' }, { name: 'status', label: 'Status' }, { name: 'quantity', label: 'Quantity' },
  ],
  filters: [
    { parameter: 'symbol', label: 'Symbol', filter: { kind: 'text' } },
    { parameter: 'side', label: 'Side', filter: { kind: 'choice', choices: ['BUY', 'SELL'] } },
    { parameter: 'type', label: 'Type', filter: { kind: 'choice', choices: ['MARKET', 'LIMIT'] } },
    { parameter: 'status', label: 'Status', filter: { kind: 'choice', choices: ['OPEN', 'FILLED', 'CANCELLED'] } },
    { parameter: 'from', label: 'Placed from', filter: { kind: 'time' } },
    { parameter: 'to', label: 'Placed before', filter: { kind: 'time' } },
  ],
  columns: [
    { title: 'Placed', cell: (o) => dateTime(o.createdAt) },
    { title: 'Symbol', cell: (o) => o.symbol },
    { title: 'Side', cell: (o) => o.side },
    { title: 'Type', cell: (o) => o.type },
    { title: 'Quantity', numeric: true, cell: (o) => o.quantity },
    { title: 'Limit', numeric: true, cell: (o) => price(o.limitPrice) },
    { title: 'Status', cell: (o) => o.status },
    { title: 'Filled', numeric: true, cell: (o) => o.filledQuantity },
    { title: 'Avg price', numeric: true, cell: (o) => price(o.filledAvgPrice) },
  ],
  rowKey: (o) => o.id,
};

const TRADES: ListingSpec<Trade> = {
  id: 'trades-history',
  title: 'Trade history',
  path: '/api/trades',
  sortable: [
    { name: 'createdAt', label: 'Time' }, { name: 'symbol', label: 'Symbol' }, { name: 'side', label: 'Side' },
    { name: 'quantity', label: 'Quantity' }, { name: 'price', label: 'Price' },
  ],
  filters: [
    { parameter: 'symbol', label: 'Symbol', filter: { kind: 'text' } },
    { parameter: 'side', label: 'Side', filter: { kind: 'choice', choices: ['BUY', 'SELL'] } },
    { parameter: 'from', label: 'From', filter: { kind: 'time' } },
    { parameter: 'to', label: 'Before', filter: { kind: 'time' } },
    { parameter: 'minQuantity', label: 'Quantity at least', filter: { kind: 'decimal' } },
    { parameter: 'maxQuantity', label: 'Quantity at most', filter: { kind: 'decimal' } },
  ],
  columns: [
    { title: 'Time', cell: (t) => dateTime(t.createdAt) },
    { title: 'Symbol', cell: (t) => t.symbol },
    { title: 'Side', cell: (t) => t.side },
    { title: 'Quantity', numeric: true, cell: (t) => t.quantity },
    { title: 'Price', numeric: true, cell: (t) => price(t.price) },
    { title: 'Notional (USD)', numeric: true, cell: (t) => amount(t.notional) },
  ],
  rowKey: (t) => t.id,
};

/** Trades and orders, each a keyset list of its own. Trades come first: they are what happened. */
export function History() {
  return (
    <section aria-labelledby="history-title">
      <h2 id="history-title" class="view-title" tabIndex={-1}>History</h2>
      <Listing spec={TRADES} />
      <Listing spec={ORDERS} />
    </section>
  );
}
