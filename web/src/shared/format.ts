// Figures as the API sends them: decimal strings, shown as they are (no float rounding on the way).

/** The label the pages put on a price; the API's decimal string is kept exactly. */
export function price(value: string | undefined | null): string {
  return value === undefined || value === null || value === '' ? '–' : value;
}

/** A decimal string with its integer digits grouped by thousands (100000.00 → 100,000.00), digits kept. */
export function amount(value: string | undefined | null): string {
  if (value === undefined || value === null || value === '') return '–';
  const match = /^(-?)(\d+)(\.\d+)?$/.exec(value);
  if (!match) return value;
  return match[1] + match[2].replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (match[3] ?? '');
}

/** An amount with its sign written out, so a gain or loss does not depend on colour: +12.50, -3.00. */
export function signedAmount(value: string | undefined | null): string {
  const text = amount(value);
  return value && /^\d/.test(value) && Number(value) !== 0 ? `+${text}` : text;
}

/** -1, 0 or 1 for a decimal string, for styling gains and losses. */
export function sign(value: string | undefined | null): number {
  const n = Number(value);
  return Number.isFinite(n) ? Math.sign(n) : 0;
}

/** A timestamp in the reader's local time, to the second. */
export function clockTime(iso: string): string {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : at.toLocaleTimeString();
}

/** A timestamp with its date, in the reader's local time. */
export function dateTime(iso: string | undefined | null): string {
  if (!iso) return '–';
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : at.toLocaleString();
}
