import { useRef, useState } from 'preact/hooks';
import { HttpError, describe, requestJson } from '../shared/http';
import { usePolling } from '../shared/poll';

/** Every panel's refresh: often enough to watch an instance go DOWN and its replacement come UP. */
export const POLL_MS = 2000;

/**
 * What a panel knows of its JSON source. `view` is the last good answer: a failed poll keeps it on
 * screen with the error beside it, since an operator is better served by a figure two seconds old
 * than by an empty panel. "No source" (503, or 404 from a gateway without the route) drops it.
 */
export interface Source<T> {
  status: 'loading' | 'ok' | 'no-source' | 'error';
  view?: T;
  message?: string;
}

/**
 * Polls an admin JSON endpoint every two seconds with If-None-Match when it sent an ETag, and calls
 * `onLapse` on 401: the admin session has ended, and the page asks for the token again.
 */
export function useAdminSource<T>(path: string, onLapse: () => void): Source<T> {
  const [source, setSource] = useState<Source<T>>({ status: 'loading' });
  const etag = useRef<string | undefined>(undefined);

  usePolling(async (signal) => {
    try {
      const answer = await requestJson<T>(path, { etag: etag.current, signal });
      etag.current = answer.etag;
      // 304: what is on screen is current; only clear an earlier error.
      setSource((was) => answer.body === undefined
        ? (was.status === 'ok' ? was : { status: 'ok', view: was.view })
        : { status: 'ok', view: answer.body });
    } catch (error) {
      if (signal.aborted) return;
      if (error instanceof HttpError && error.status === 401) {
        onLapse();
      } else if (error instanceof HttpError && (error.status === 404 || error.status === 503)) {
        etag.current = undefined;
        setSource({ status: 'no-source', message: error.message || undefined });
      } else {
        setSource((was) => ({ status: 'error', view: was.view, message: describe(error) }));
      }
    }
  }, POLL_MS);

  return source;
}
