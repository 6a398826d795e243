import { useEffect, useRef } from 'preact/hooks';

/**
 * Calls `tick` now and then every `intervalMs` after the previous call finished (never two at a
 * time), pausing while the page is hidden; stops when the component unmounts.
 */
export function usePolling(tick: (signal: AbortSignal) => Promise<void>, intervalMs: number): void {
  const latest = useRef(tick);
  latest.current = tick;
  useEffect(() => {
    const abort = new AbortController();
    let timer: number | undefined;
    const run = async () => {
      timer = undefined;
      if (document.hidden) return;
      try {
        await latest.current(abort.signal);
      } finally {
        if (!abort.signal.aborted) timer = window.setTimeout(run, intervalMs);
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
