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
