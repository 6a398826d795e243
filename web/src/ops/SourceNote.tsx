import type { Source } from './source';

/**
 * What a panel says about its source when it has no fresh answer: "no source" while the endpoint
 * answers 503 (or 404), the error of the last poll otherwise (the last good figures stay shown).
 */
export function SourceNote({ source, what }: { source: Source<unknown>; what: string }) {
  if (source.status === 'no-source') {
    return (
      <p class="notice" role="status">
        No source yet for {what}{source.message ? `: ${source.message}` : ''}.
      </p>
    );
  }
  if (source.status === 'error') {
    return <p class="notice error" role="status">Cannot read {what}: {source.message}{source.view === undefined ? '' : ' (showing the last answer)'}.</p>;
  }
  return null;
}
