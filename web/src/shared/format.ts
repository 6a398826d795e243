// Figures as the API sends them: decimal strings, shown as they are (no float rounding on the way).

/** The label the pages put on a price; the API's decimal string is kept exactly. */
export function price(value: string | undefined): string {
  return value === undefined || value === '' ? '–' : value;
}

/** A timestamp in the reader's local time, to the second. */
export function clockTime(iso: string): string {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : at.toLocaleTimeString();
}
