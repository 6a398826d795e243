// How the dashboard writes a figure. Every function takes null (the launcher did not know) and
// answers "–": a gap is shown as a gap, never as a zero.

export const NONE = '–';

type Figure = number | null | undefined;

function known(value: Figure): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** A count, with the reader's thousands separators. */
export function count(value: Figure): string {
  return known(value) ? Math.round(value).toLocaleString() : NONE;
}

/** A rate such as requests per second: one decimal below 100, none above. */
export function rate(value: Figure): string {
  if (!known(value)) return NONE;
  return Math.abs(value) >= 100 ? Math.round(value).toLocaleString() : value.toFixed(1);
}

/** Process CPU in cores used (0.35 is a third of one core). */
export function cores(value: Figure): string {
  return known(value) ? value.toFixed(2) : NONE;
}

/** A share from 0 to 1 as a percentage. */
export function percent(value: Figure): string {
  if (!known(value)) return NONE;
  const p = value * 100;
  return `${p === 0 || p >= 10 ? p.toFixed(0) : p.toFixed(1)} %`;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function bytes(value: Figure): string {
  if (!known(value)) return NONE;
  let v = value;
  let unit = 0;
  while (Math.abs(v) >= 1024 && unit < UNITS.length - 1) {
    v /= 1024;
    unit++;
  }
  return `${unit === 0 || v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${UNITS[unit]}`;
}

/** A latency or a lag given in seconds: milliseconds below one second. */
export function seconds(value: Figure): string {
  if (!known(value)) return NONE;
  if (value === 0) return '0 ms';
  if (Math.abs(value) < 1) {
    const ms = value * 1000;
    return `${ms >= 10 ? ms.toFixed(0) : ms.toPrecision(2)} ms`;
  }
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} s`;
}

/** A time of day in the reader's zone, or "–" for a missing or unreadable timestamp. */
export function time(iso: string | null | undefined): string {
  if (!iso) return NONE;
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? NONE : at.toLocaleTimeString();
}

/** A yes/no the launcher may not know. */
export function upDown(value: boolean | null | undefined): 'up' | 'down' | 'unknown' {
  return value === true ? 'up' : value === false ? 'down' : 'unknown';
}
