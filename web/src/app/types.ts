// The API's answers as the app reads them (README, "The API"). Money, prices and quantities are
// decimal strings and stay strings: the app shows them, it never does arithmetic on a balance.

export interface Quote {
  symbol: string;
  bid: string;
  ask: string;
  last: string;
  at: string;
}

export type Side = 'BUY' | 'SELL';
export type OrderType = 'MARKET' | 'LIMIT';
export type OrderStatus = 'OPEN' | 'FILLED' | 'CANCELLED';

export interface Order {
  id: string;
  clientOrderId: string | null;
  symbol: string;
  side: Side;
  type: OrderType;
  quantity: string;
  limitPrice: string | null;
  status: OrderStatus;
  filledQuantity: string;
  filledAvgPrice: string | null;
  createdAt: string;
  filledAt: string | null;
}

export interface Trade {
  id: string;
  orderId: string;
  symbol: string;
  side: Side;
  quantity: string;
  price: string;
  notional: string;
  createdAt: string;
}

export interface Position {
  symbol: string;
  quantity: string;
  reservedQuantity: string;
  averageCost: string;
  costBasis: string;
  lastPrice: string;
  marketValue: string;
  unrealizedPnl: string;
}

export interface Portfolio {
  currency: string;
  cash: string;
  reservedCash: string;
  availableCash: string;
  positions: Position[];
  marketValue: string;
  unrealizedPnl: string;
  realizedPnl: string;
  equity: string;
  valuedAt: string;
}

/** One keyset page: `nextCursor` is absent on the last one. */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}
