import type uPlot from 'uplot';

/**
 * A y range that hugs the data: a price that moves between 187.10 and 187.60 fills the chart
 * instead of being a flat line far above a zero baseline (uPlot's default for positive data).
 * A tenth of the span is left above and below; a flat series gets a band around its value.
 */
export const hugging: uPlot.Range.Function = (_u, min, max) => {
  if (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  const span = max - min;
  const pad = span > 0 ? span * 0.1 : Math.max(Math.abs(max) * 0.005, 0.01);
  return [min - pad, max + pad];
};

/**
 * Axis colours from the page's own palette, read when a chart is made: uPlot draws on a canvas,
 * which the style sheet cannot reach, and its black labels would vanish in the dark theme.
 */
export function themedAxis(): Pick<uPlot.Axis, 'stroke' | 'grid' | 'ticks'> {
  const style = getComputedStyle(document.documentElement);
  const fg = style.getPropertyValue('--fg').trim() || '#14201b';
  const line = style.getPropertyValue('--line').trim() || '#d5ddd9';
  return { stroke: fg, grid: { stroke: line, width: 1 }, ticks: { stroke: line, width: 1 } };
}

/** A time axis labelled with the local clock only (the charts cover minutes, not days), spaced to fit. */
export function clockAxis(): uPlot.Axis {
  return {
    ...themedAxis(),
    space: 90,
    // Whole seconds and up: the points are seconds apart, and sub-second ticks would repeat a label.
    incrs: [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200],
    values: (_u, splits) => splits.map((s) => new Date(s * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })),
  };
}
