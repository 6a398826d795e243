import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { clockAxis, hugging, themedAxis } from './chartRange';
import { responsivePlot } from '../shared/plot';

const HEIGHT = 220;

/**
 * A symbol's last prices as a line. uPlot draws on a canvas; the chart is made once per symbol and
 * then only given new data, so a poll does not rebuild it. The table above carries the same
 * figures for readers who cannot see the canvas.
 */
export function PriceChart({ symbol, series }: { symbol: string; series: [number[], number[]] }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | undefined>(undefined);

  useEffect(() => {
    const element = box.current!;
    const { plot, remove } = responsivePlot({
      height: HEIGHT,
      // Room on the right for the last time label, which uPlot centres on the edge.
      padding: [null, 28, null, null],
      scales: { y: { range: hugging } },
      series: [{}, { label: symbol, stroke: '#0b6b4b', width: 2 }],
      axes: [clockAxis(), { ...themedAxis(), size: 70 }],
      legend: { show: true },
    }, series, element, 280);
    chart.current = plot;
    return () => {
      remove();
      chart.current = undefined;
    };
  }, [symbol]);

  useEffect(() => {
    chart.current?.setData(series);
  }, [series]);

  return (
    <figure class="chart">
      <figcaption>Last price of {symbol}</figcaption>
      <div ref={box} role="img" aria-label={`Chart of ${symbol}'s last prices`} />
    </figure>
  );
}
