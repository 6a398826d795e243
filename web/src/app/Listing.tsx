import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { HttpError, describe, requestJson } from '../shared/http';
import { Field, described, sentence } from './Field';
import { endsSession, useSession } from './session';
import type { Page } from './types';

// The API's list limits (config: query.patterns in nlt-defaults.yaml). The API enforces them; the
// form shows them and keeps within them, so a person is told before a request is refused.
export const MAX_SORT_FIELDS = 3;
export const MAX_FILTERS = 5;
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

export interface Column<T> {
  title: string;
  numeric?: boolean;
  cell: (item: T) => ComponentChildren;
}

export type FilterKind = { kind: 'choice'; choices: string[] } | { kind: 'text' } | { kind: 'time' } | { kind: 'decimal' };

export interface FilterSpec {
  parameter: string;
  label: string;
  filter: FilterKind;
}

export interface ListingSpec<T> {
  /** Prefix of every id in the listing: the table has it, its controls start with it. */
  id: string;
  title: string;
  path: string;
  sortable: { name: string; label: string }[];
  filters: FilterSpec[];
  columns: Column<T>[];
  rowKey: (item: T) => string;
}

interface SortKey {
  field: string;
  descending: boolean;
}

interface Draft {
  sort: SortKey[];
  filters: Record<string, string>;
  limit: string;
}

type Errors = Record<string, string>;

const NO_SORT: SortKey = { field: '', descending: false };

/** `datetime-local` is the reader's local time without a zone; the API wants an instant. */
function instant(local: string): string | undefined {
  const at = new Date(local);
  return Number.isNaN(at.getTime()) ? undefined : at.toISOString();
}

/** The query string for a draft, or the errors that keep it from being sent. */
function queryOf<T>(spec: ListingSpec<T>, draft: Draft): { query?: URLSearchParams; errors: Errors } {
  const errors: Errors = {};
  const query = new URLSearchParams();
  const limit = Number(draft.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) errors.limit = `From 1 to ${MAX_PAGE_SIZE}.`;
  else query.set('limit', String(limit));
  const keys = draft.sort.filter((k) => k.field !== '');
  const seen = new Set<string>();
  draft.sort.forEach((k, i) => {
    if (k.field === '') return;
    if (seen.has(k.field)) errors[`sort-${i + 1}`] = 'Already sorted by this field.';
    seen.add(k.field);
  });
  if (keys.length > 0) query.set('sort', keys.map((k) => (k.descending ? '-' : '') + k.field).join(','));
  const set = spec.filters.filter((f) => (draft.filters[f.parameter] ?? '').trim() !== '');
  if (set.length > MAX_FILTERS) {
    for (const f of set.slice(MAX_FILTERS)) errors[`filter-${f.parameter}`] = `At most ${MAX_FILTERS} filters at once: clear one.`;
  }
  for (const f of set) {
    const value = draft.filters[f.parameter].trim();
    if (f.filter.kind === 'time') {
      const at = instant(value);
      if (at === undefined) errors[`filter-${f.parameter}`] = 'Enter a date and time.';
      else query.set(f.parameter, at);
    } else if (f.filter.kind === 'decimal') {
      if (!/^\d+(\.\d{1,8})?$/.test(value)) errors[`filter-${f.parameter}`] = 'A number from 0, up to 8 decimals.';
      else query.set(f.parameter, value);
    } else {
      query.set(f.parameter, f.filter.kind === 'text' ? value.toUpperCase() : value);
    }
  }
  return Object.keys(errors).length > 0 ? { errors } : { query, errors };
}

/** Which control an API problem's `field` (a query parameter) belongs to. */
function controlOf(parameter: string): string | undefined {
  if (parameter === 'limit') return 'limit';
  if (parameter === 'sort') return 'sort-1';
  if (parameter === 'cursor') return undefined;
  return `filter-${parameter}`;
}

/**
 * One of the API's keyset lists with its sort (up to 3 fields) and filters (up to 5). The API's
 * pages go forward only (`nextCursor`); the cursors of the pages seen are kept, so Previous walks
 * back through them. Changing the sort or filters starts again at the first page, since a cursor
 * belongs to its sort.
 */
export function Listing<T>({ spec }: { spec: ListingSpec<T> }) {
  const session = useSession();
  const initial: Draft = { sort: [NO_SORT, NO_SORT, NO_SORT], filters: {}, limit: String(DEFAULT_PAGE_SIZE) };
  const [draft, setDraft] = useState<Draft>(initial);
  const [applied, setApplied] = useState<string>(queryOf(spec, initial).query!.toString());
  // trail[i] is the cursor that fetched page i + 1; the first page has none.
  const [trail, setTrail] = useState<(string | undefined)[]>([undefined]);
  const [page, setPage] = useState<Page<T> | undefined>(undefined);
  const [errors, setErrors] = useState<Errors>({});
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const [loading, setLoading] = useState(false);
  const [reloads, setReloads] = useState(0);
  const id = (control: string) => `${spec.id}-${control}`;
  // Open where there is room for it; on a phone the table comes first and the form is a tap away.
  const [wide] = useState(() => window.matchMedia('(min-width: 48rem)').matches);

  const cursor = trail[trail.length - 1];
  useEffect(() => {
    const abort = new AbortController();
    const query = new URLSearchParams(applied);
    if (cursor !== undefined) query.set('cursor', cursor);
    setLoading(true);
    requestJson<Page<T>>(`${spec.path}?${query.toString()}`, { signal: abort.signal })
      .then((answer) => {
        setPage(answer.body);
        setProblem(undefined);
      })
      .catch((error: unknown) => {
        if (abort.signal.aborted || endsSession(error, session)) return;
        const named: Errors = {};
        const loose: string[] = [];
        if (error instanceof HttpError) {
          for (const e of error.errors) {
            const control = controlOf(e.field);
            if (control === undefined) loose.push(`${e.field}: ${e.message}`);
            else named[control] = sentence(e.message);
          }
        }
        setErrors(named);
        setProblem(loose.length > 0 ? loose.join(' ') : Object.keys(named).length > 0 ? undefined : describe(error));
      })
      .finally(() => {
        if (!abort.signal.aborted) setLoading(false);
      });
    return () => abort.abort();
  }, [applied, cursor, reloads]);

  function apply(event: Event) {
    event.preventDefault();
    const { query, errors: found } = queryOf(spec, draft);
    setErrors(found);
    if (query === undefined) return;
    setApplied(query.toString());
    setTrail([undefined]);
    setReloads((n) => n + 1);
  }

  function reset() {
    setDraft(initial);
    setErrors({});
    setApplied(queryOf(spec, initial).query!.toString());
    setTrail([undefined]);
  }

  const setSort = (index: number, key: Partial<SortKey>) =>
    setDraft({ ...draft, sort: draft.sort.map((k, i) => (i === index ? { ...k, ...key } : k)) });
  const setFilter = (parameter: string, value: string) =>
    setDraft({ ...draft, filters: { ...draft.filters, [parameter]: value } });
  const filtersSet = spec.filters.filter((f) => (draft.filters[f.parameter] ?? '').trim() !== '').length;
  const sortsSet = draft.sort.filter((k) => k.field !== '').length;

  return (
    <section aria-labelledby={id('title')} class="listing">
      <h3 id={id('title')}>{spec.title}</h3>
      <details class="query-box" open={wide}>
      <summary id={id('query-summary')}>Sort and filter <span class="muted">(up to {MAX_SORT_FIELDS} sort fields, up to {MAX_FILTERS} filters; {sortsSet} and {filtersSet} in use)</span></summary>
      <form id={id('query')} class="query" onSubmit={apply} noValidate>
        <fieldset>
          <legend>Sort by up to {MAX_SORT_FIELDS} fields <span class="muted">({sortsSet} of {MAX_SORT_FIELDS} used; none: newest first)</span></legend>
          <div class="grid sorts">
            {draft.sort.map((key, i) => {
              const control = `sort-${i + 1}`;
              return (
                <div class="sort-key" key={control}>
                  <Field id={id(control)} label={`Sort ${i + 1}`} error={errors[control]}>
                    <select id={id(control)} value={key.field} onChange={(e) => setSort(i, { field: (e.currentTarget as HTMLSelectElement).value })}
                      {...described(id(control), errors[control])}>
                      <option value="">(none)</option>
                      {spec.sortable.map((s) => <option key={s.name} value={s.name}>{s.label}</option>)}
                    </select>
                  </Field>
                  <Field id={id(`${control}-direction`)} label={`Sort ${i + 1} direction`}>
                    <select id={id(`${control}-direction`)} value={key.descending ? 'desc' : 'asc'} disabled={key.field === ''}
                      onChange={(e) => setSort(i, { descending: (e.currentTarget as HTMLSelectElement).value === 'desc' })}>
                      <option value="asc">Ascending</option>
                      <option value="desc">Descending</option>
                    </select>
                  </Field>
                </div>
              );
            })}
          </div>
        </fieldset>
        <fieldset>
          <legend>Filters, up to {MAX_FILTERS} at once <span class={filtersSet > MAX_FILTERS ? 'over' : 'muted'}>({filtersSet} of {MAX_FILTERS} used)</span></legend>
          <div class="grid">
            {spec.filters.map((f) => {
              const control = `filter-${f.parameter}`;
              const value = draft.filters[f.parameter] ?? '';
              const onInput = (e: Event) => setFilter(f.parameter, (e.currentTarget as HTMLInputElement | HTMLSelectElement).value);
              const aria = described(id(control), errors[control]);
              return (
                <Field id={id(control)} label={f.label} error={errors[control]} key={control}>
                  {f.filter.kind === 'choice' ? (
                    <select id={id(control)} value={value} onChange={onInput} {...aria}>
                      <option value="">(any)</option>
                      {f.filter.choices.map((c) => <option key={c} value={c}>{c}</option>)}
                    </select>
                  ) : f.filter.kind === 'time' ? (
                    <input id={id(control)} type="datetime-local" step={1} value={value} onInput={onInput} {...aria} />
                  ) : (
                    <input id={id(control)} type="text" inputMode={f.filter.kind === 'decimal' ? 'decimal' : 'text'}
                      autoCapitalize="characters" autoComplete="off" value={value} onInput={onInput} {...aria} />
                  )}
                </Field>
              );
            })}
          </div>
        </fieldset>
        <div class="actions">
          <Field id={id('limit')} label={`Rows per page (1 to ${MAX_PAGE_SIZE})`} error={errors.limit}>
            <input id={id('limit')} type="number" min={1} max={MAX_PAGE_SIZE} value={draft.limit}
              onInput={(e) => setDraft({ ...draft, limit: (e.currentTarget as HTMLInputElement).value })} {...described(id('limit'), errors.limit)} />
          </Field>
          <button id={id('apply')} type="submit">Apply</button>
          <button id={id('reset')} type="button" class="secondary" onClick={reset}>Reset</button>
          <button id={id('refresh')} type="button" class="secondary" onClick={() => setReloads((n) => n + 1)}>Refresh</button>
        </div>
      </form>
      </details>
      {problem && <p id={id('error')} class="notice error" role="alert">{problem}</p>}
      <div class="scroll" role="region" tabIndex={0} aria-label={`${spec.title} table`}>
        <table id={spec.id} aria-busy={loading ? 'true' : undefined}>
          <caption class="visually-hidden">{spec.title}, page {trail.length}</caption>
          <thead>
            <tr>{spec.columns.map((c) => <th scope="col" key={c.title} class={c.numeric ? 'num' : undefined}>{c.title}</th>)}</tr>
          </thead>
          <tbody>
            {page !== undefined && page.items.length === 0 && (
              <tr><td colSpan={spec.columns.length} class="muted">{trail.length > 1 ? 'No more rows.' : 'Nothing matches.'}</td></tr>
            )}
            {page?.items.map((item) => (
              <tr key={spec.rowKey(item)}>
                {spec.columns.map((c) => <td key={c.title} class={c.numeric ? 'num' : undefined}>{c.cell(item)}</td>)}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <nav class="pager" aria-label={`${spec.title} pages`}>
        <button id={id('previous')} type="button" class="secondary" disabled={trail.length <= 1}
          onClick={() => setTrail(trail.slice(0, -1))}>Previous</button>
        <span id={id('page')} aria-live="polite">Page {trail.length}{page ? `, ${page.items.length} ${page.items.length === 1 ? 'row' : 'rows'}` : ''}</span>
        <button id={id('next')} type="button" class="secondary" disabled={page?.nextCursor === undefined}
          onClick={() => {
            // A second click before the next page arrived must not skip one.
            if (page?.nextCursor !== undefined && !trail.includes(page.nextCursor)) setTrail([...trail, page.nextCursor]);
          }}>Next</button>
      </nav>
    </section>
  );
}
