import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { responsivePlot } from '../shared/plot';

const HEIGHT = 96;
/** The charts' window: the launcher keeps 15 minutes of history. */
const WINDOW_S = 15 * 60;
const MIN_WIDTH = 200;

export type Series = [number[], (number | null)[]];

/** The page's colours, read from its style sheet so that the canvas follows light and dark mode. */
function colour(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

/** The line's colour at 15 % for the area under it; a canvas takes #rrggbbaa but not every CSS colour. */
function translucent(hex: string): string | undefined {
  return /^#[0-9a-f]{6}$/i.test(hex) ? `${hex}26` : undefined;
}

/** An x-axis label: the time of day to the minute, in the reader's zone (no date: it is 15 minutes). */
function clock(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

/**
 * Always the whole window, ending at the latest reading, so that charts side by side compare: a
 * history shorter than the window starts with an empty reading at the window's start (uPlot fits the
 * x scale to the data).
 */
function windowed(series: Series): uPlot.AlignedData {
  const [xs, ys] = series;
  if (xs.length === 0 || xs[0] <= xs[xs.length - 1] - WINDOW_S) return series as uPlot.AlignedData;
  return [[xs[xs.length - 1] - WINDOW_S, ...xs], [null, ...ys]] as uPlot.AlignedData;
}

/** The readings with no neighbour: a line cannot show them, so they get a dot. */
function isolated(u: uPlot, seriesIdx: number): number[] | null {
  const ys = u.data[seriesIdx];
  const lone: number[] = [];
  for (let i = 0; i < ys.length; i++) {
    if (ys[i] != null && ys[i - 1] == null && ys[i + 1] == null) lone.push(i);
  }
  return lone;
}

/** Decimals enough for labels `step` apart to differ. */
export function decimalsFor(step: number): number {
  if (!(step > 0) || step >= 1) return 0;
  let digits = Math.max(0, -Math.floor(Math.log10(step)));
  // 0.25 needs two decimals although its first digit is the first one.
  while (digits < 6 && Math.abs(Math.round(step * 10 ** digits) - step * 10 ** digits) > 1e-9) digits++;
  return digits;
}

/**
 * One figure of one instance over the last 15 minutes. The chart is made once and then only given
 * new data, so a poll does not rebuild the canvas. Gaps (null) stay gaps. The canvas is described in
 * words (latest and highest value) for readers who cannot see it; the table has the live figures.
 */
export function Sparkline({ title, series, format, tick }: {
  title: string;
  series: Series;
  /** A reading in words, for the description. */
  format: (v: number) => string;
  /** An axis label, given the step between labels so that neighbours never read the same. */
  tick: (v: number, step: number) => string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | undefined>(undefined);

  useEffect(() => {
    const element = box.current!;
    const line = colour('--accent', '#0b6b4b');
    const ink = colour('--muted', '#5a6b63');
    const grid = colour('--line', '#d5ddd9');
    const { plot, remove } = responsivePlot({
      height: HEIGHT,
      legend: { show: false },
      cursor: { show: false },
      scales: {
        y: { range: (_u, min, max) => [Math.min(0, min ?? 0), max === null || max <= 0 ? 1 : max * 1.1] },
      },
      series: [{}, { stroke: line, width: 1.5, fill: translucent(line), spanGaps: false,
        points: { show: true, size: 5, fill: line, filter: isolated } }],
      axes: [
        { stroke: ink, grid: { stroke: grid, width: 1 }, ticks: { show: false }, size: 22, font: '10px system-ui', space: 70,
          values: (_u, splits) => splits.map(clock) },
        { stroke: ink, grid: { stroke: grid, width: 1 }, ticks: { show: false }, size: 46, font: '10px system-ui', space: 24,
          values: (_u, splits, _axis, _space, incr) => splits.map((v) => tick(v, incr)) },
      ],
    }, windowed(series), element, MIN_WIDTH);
    chart.current = plot;
    return () => {
      remove();
      chart.current = undefined;
    };
  }, []);

  useEffect(() => {
    chart.current?.setData(windowed(series));
  }, [series]);

  const values = series[1].filter((v): v is number => v !== null);
  const summary = values.length === 0 ? 'no readings yet'
    : `latest ${format(values[values.length - 1])}, highest ${format(Math.max(...values))}`;
  return (
    <figure class="spark">
      <figcaption>{title}</figcaption>
      <div ref={box} role="img" aria-label={`${title} over the last 15 minutes: ${summary}`} />
    </figure>
  );
}
