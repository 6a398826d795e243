// The API's rules for a new order (trading/Orders.validate), checked here first so that a person
// sees the mistake next to the field before any round trip. The API stays the judge: when it
// disagrees, its own message is shown instead.

export type OrderField = 'symbol' | 'side' | 'type' | 'quantity' | 'limitPrice';

export interface OrderInput {
  symbol: string;
  side: string;
  type: string;
  quantity: string;
  limitPrice: string;
}

/** Orders.MAX_QUANTITY and MAX_LIMIT_PRICE. */
export const MAX_QUANTITY = 1_000_000;
export const MAX_LIMIT_PRICE = 1_000_000;
/** Money.QUANTITY_SCALE and PRICE_SCALE. */
export const QUANTITY_DECIMALS = 8;
export const PRICE_DECIMALS = 4;

const DECIMAL = /^\d+(\.\d+)?$|^\.\d+$/;

/** Decimal places once trailing zeros are dropped, as the API counts them: 1.50 has 1. */
export function decimalPlaces(text: string): number {
  const fraction = text.split('.')[1] ?? '';
  return fraction.replace(/0+$/, '').length;
}

/**
 * Compares a plain decimal string with an integer bound without going through a float: a
 * quantity like 1000000.000000001 is over the bound, though it rounds to it as a number.
 */
function exceeds(text: string, bound: number): boolean {
  const [whole, fraction = ''] = text.split('.');
  const integer = BigInt(whole === '' ? '0' : whole);
  const limit = BigInt(bound);
  return integer > limit || (integer === limit && /[1-9]/.test(fraction));
}

function isZero(text: string): boolean {
  return !/[1-9]/.test(text);
}

/** The messages the API would give, by field; empty when the order may be sent. */
export function checkOrder(order: OrderInput, symbols: readonly string[]): Partial<Record<OrderField, string>> {
  const errors: Partial<Record<OrderField, string>> = {};
  if (order.symbol === '') errors.symbol = 'Choose a symbol.';
  else if (symbols.length > 0 && !symbols.includes(order.symbol)) errors.symbol = 'Not a listed symbol.';
  if (order.side !== 'BUY' && order.side !== 'SELL') errors.side = 'Choose BUY or SELL.';
  if (order.type !== 'MARKET' && order.type !== 'LIMIT') errors.type = 'Choose MARKET or LIMIT.';
  const quantity = order.quantity.trim();
  if (quantity === '') errors.quantity = 'Enter a quantity.';
  else if (!DECIMAL.test(quantity)) errors.quantity = 'Enter a number such as 3 or 0.5 (digits and one point).';
  else if (isZero(quantity)) errors.quantity = 'Must be more than 0.';
  else if (exceeds(quantity, MAX_QUANTITY)) errors.quantity = `At most ${MAX_QUANTITY.toLocaleString('en-US')}.`;
  else if (decimalPlaces(quantity) > QUANTITY_DECIMALS) errors.quantity = `At most ${QUANTITY_DECIMALS} decimal places.`;
  if (order.type === 'LIMIT') {
    const limit = order.limitPrice.trim();
    if (limit === '') errors.limitPrice = 'A LIMIT order needs a limit price.';
    else if (!DECIMAL.test(limit)) errors.limitPrice = 'Enter a price such as 101.25 (digits and one point).';
    else if (isZero(limit)) errors.limitPrice = 'Must be more than 0.';
    else if (exceeds(limit, MAX_LIMIT_PRICE)) errors.limitPrice = `At most ${MAX_LIMIT_PRICE.toLocaleString('en-US')}.`;
    else if (decimalPlaces(limit) > PRICE_DECIMALS) errors.limitPrice = `At most ${PRICE_DECIMALS} decimal places.`;
  }
  return errors;
}
