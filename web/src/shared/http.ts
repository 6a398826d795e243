// The pages' one way to the platform: same-origin JSON, and the API's RFC 9457 problems turned into
// values the forms can show next to their fields. Nothing here handles a token: the session is an
// HttpOnly cookie the browser sends by itself (scripts cannot read it), and for the state-changing
// requests the browser adds the Origin header the API checks against the cookie.

/** One offending field, as the API's problem body names it in `errors`. */
export interface FieldError {
  field: string;
  message: string;
}

/** An answer that was not 2xx or 304: the problem body when there is one, and Retry-After. */
export class HttpError extends Error {
  readonly status: number;
  readonly type: string;
  readonly errors: FieldError[];
  readonly retryAfterSeconds: number | undefined;

  constructor(status: number, type: string, detail: string, errors: FieldError[], retryAfterSeconds?: number) {
    super(detail);
    this.status = status;
    this.type = type;
    this.errors = errors;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** The message for a field, if the problem names it. */
  forField(field: string): string | undefined {
    return this.errors.find((e) => e.field === field)?.message;
  }
}

/** What a person should read for an error that no field owns. */
export function describe(error: unknown): string {
  if (error instanceof HttpError) {
    if (error.status === 429) {
      const wait = error.retryAfterSeconds;
      return wait === undefined ? 'Too many requests: wait a moment and try again.'
        : `Too many requests: try again in ${wait} ${wait === 1 ? 'second' : 'seconds'}.`;
    }
    if (error.status === 503) {
      const wait = error.retryAfterSeconds;
      return wait === undefined ? 'The platform is busy or starting: try again shortly.'
        : `The platform is busy or starting: try again in ${wait} ${wait === 1 ? 'second' : 'seconds'}.`;
    }
    return error.message || `The platform answered ${error.status}.`;
  }
  return 'The platform cannot be reached.';
}

/** How long a poller should wait after `error`: the Retry-After of a 429 or 503, else undefined. */
export function backoffMs(error: unknown): number | undefined {
  if (error instanceof HttpError && (error.status === 429 || error.status === 503) && error.retryAfterSeconds !== undefined) {
    return error.retryAfterSeconds * 1000;
  }
  return undefined;
}

export interface JsonAnswer<T> {
  /** Undefined when the server answered 304: what the caller holds is still current. */
  body: T | undefined;
  etag: string | undefined;
}

interface RequestOptions {
  method?: string;
  body?: unknown;
  etag?: string;
  signal?: AbortSignal;
}

export async function requestJson<T>(path: string, options: RequestOptions = {}): Promise<JsonAnswer<T>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.etag) headers['if-none-match'] = options.etag;
  const response = await fetch(path, {
    method: options.method ?? 'GET',
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    credentials: 'same-origin',
    signal: options.signal,
  });
  const etag = response.headers.get('etag') ?? undefined;
  if (response.status === 304) return { body: undefined, etag: options.etag };
  if (!response.ok) throw await problemOf(response);
  const body = response.status === 204 ? undefined : ((await response.json()) as T);
  return { body, etag };
}

async function problemOf(response: Response): Promise<HttpError> {
  const retryAfter = retryAfterSeconds(response.headers.get('retry-after'), Date.now());
  let type = 'about:blank';
  let detail = '';
  let errors: FieldError[] = [];
  if ((response.headers.get('content-type') ?? '').includes('json')) {
    try {
      const problem = (await response.json()) as { type?: string; title?: string; detail?: string; errors?: FieldError[] };
      type = problem.type ?? type;
      detail = problem.detail ?? problem.title ?? '';
      errors = Array.isArray(problem.errors) ? problem.errors : [];
    } catch {
      // A body that is not the problem it claims to be: the status alone speaks.
    }
  }
  return new HttpError(response.status, type, detail, errors, retryAfter);
}

/** Retry-After as seconds: the header is either a number of seconds or an HTTP date. */
export function retryAfterSeconds(header: string | null, now: number): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  if (/^\d+$/.test(header.trim())) return Number.parseInt(header.trim(), 10);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}
