import { useEffect, useRef } from 'preact/hooks';

/**
 * Calls `tick` now and then every `intervalMs` after the previous call finished (never two at a
 * time), pausing while the page is hidden; stops when the component unmounts. A tick that returns
 * a number of milliseconds waits that long instead (the platform's Retry-After after a 429 or 503).
 */
export function usePolling(tick: (signal: AbortSignal) => Promise<void | number>, intervalMs: number): void {
  const latest = useRef(tick);
  latest.current = tick;
  useEffect(() => {
    const abort = new AbortController();
    let timer: number | undefined;
    const run = async () => {
      timer = undefined;
      if (document.hidden) return;
      let wait = intervalMs;
      try {
        const asked = await latest.current(abort.signal);
        if (typeof asked === 'number' && asked > intervalMs) wait = asked;
      } finally {
        if (!abort.signal.aborted) timer = window.setTimeout(run, wait);
      }
    };
    const onVisibility = () => {
      if (!document.hidden && timer === undefined) void run();
    };
    document.addEventListener('visibilitychange', onVisibility);
    void run();
    return () => {
      abort.abort();
      if (timer !== undefined) window.clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [intervalMs]);
}
