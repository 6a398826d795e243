import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import { clockAxis, hugging, themedAxis } from './chartRange';
import type { Sample } from './portfolioSamples';
import { responsivePlot } from '../shared/plot';

const HEIGHT = 260;
/** Distinct in light and dark themes; positions beyond these reuse them. */
const PALETTE = ['#1f77b4', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#7f7f7f'];

function dataOf(samples: Sample[], symbols: string[]): uPlot.AlignedData {
  return [
    samples.map((s) => s.at),
    samples.map((s) => s.equity),
    samples.map((s) => s.cash),
    ...symbols.map((symbol) => samples.map((s) => s.values[symbol] ?? 0)),
  ];
}

/**
 * Equity and cash on the left axis, each position's market value on the right one (a position is
 * often a small part of the equity and would be a flat line on the same scale). The chart is made
 * again only when the set of symbols changes; otherwise it is only given new data.
 */
export function EquityChart({ samples }: { samples: Sample[] }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | undefined>(undefined);
  const symbols = [...new Set(samples.flatMap((s) => Object.keys(s.values)))].sort();
  const key = symbols.join(',');

  useEffect(() => {
    const { plot, remove } = responsivePlot({
      height: HEIGHT,
      scales: { usd: { range: hugging }, positions: { range: hugging } },
      padding: [null, symbols.length > 0 ? null : 28, null, null],
      series: [
        {},
        { label: 'Equity', scale: 'usd', stroke: '#0b6b4b', width: 2 },
        { label: 'Cash', scale: 'usd', stroke: '#e6a100', width: 1, dash: [6, 4] },
        ...symbols.map((symbol, i) => ({ label: symbol, scale: 'positions', stroke: PALETTE[i % PALETTE.length], width: 1.5 })),
      ],
      axes: [
        clockAxis(),
        { ...themedAxis(), scale: 'usd', size: 80, label: 'Equity, cash (USD)' },
        ...(symbols.length > 0 ? [{ ...themedAxis(), scale: 'positions', side: 1 as const, size: 70, grid: { show: false }, label: 'Positions (USD)' }] : []),
      ],
      legend: { show: true },
    }, dataOf(samples, symbols), box.current!, 280);
    chart.current = plot;
    return () => {
      remove();
      chart.current = undefined;
    };
  }, [key]);

  useEffect(() => {
    chart.current?.setData(dataOf(samples, symbols));
  }, [samples]);

  return <div ref={box} id="equity-chart" role="img" aria-label="Chart of equity, cash and each position's market value since you signed in on this page" />;
}
