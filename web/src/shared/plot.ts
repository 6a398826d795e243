import uPlot from 'uplot';

/**
 * Draws a uPlot chart in `element`, as wide as the element (never narrower than `minWidth`) and
 * following it when the layout changes; returns what removes it again, for an effect's cleanup.
 */
export function responsivePlot(
  options: Omit<uPlot.Options, 'width'>,
  data: uPlot.AlignedData,
  element: HTMLElement,
  minWidth: number,
): { plot: uPlot; remove: () => void } {
  const width = () => Math.max(element.clientWidth, minWidth);
  const plot = new uPlot({ ...options, width: width() } as uPlot.Options, data, element);
  const resize = new ResizeObserver(() => plot.setSize({ width: width(), height: options.height }));
  resize.observe(element);
  return {
    plot,
    remove: () => {
      resize.disconnect();
      plot.destroy();
    },
  };
}
