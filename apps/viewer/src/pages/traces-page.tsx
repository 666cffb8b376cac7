import { useEffect, useState } from 'preact/hooks';
import type { TraceListItem } from '@sightline/contracts';
import { api } from '../api/client.ts';
import { readExplorerState, traceListQuery } from '../model/filters.ts';
import { searchParams, setParams } from '../router.tsx';
import { useResource } from '../use-resource.ts';
import { Empty, ErrorBox, Loading } from '../components/ui.tsx';
import { FilterBar } from './filter-bar.tsx';
import { TraceTable } from './trace-table.tsx';

const REFRESH_MS = 5000;
const PAGE_SIZE = 50;

/** The traces explorer: filters in the URL, newest first, refreshing while open. */
export function TracesPage() {
  const params = searchParams.value;
  const state = readExplorerState(params);
  const key = params.toString();
  const [live, setLive] = useState(true);
  const list = useResource(
    (signal) => api.listTraces({ ...traceListQuery(state, Date.now()), limit: PAGE_SIZE }, signal),
    [key],
    live ? { refreshMs: REFRESH_MS } : {},
  );
  // Older pages fetched with "Load more"; dropped when the filters change.
  const [older, setOlder] = useState<{ items: TraceListItem[]; cursor: string | null; loading: boolean; error?: Error }>({ items: [], cursor: null, loading: false });
  useEffect(() => setOlder({ items: [], cursor: null, loading: false }), [key]);

  const first = list.data;
  const cursor = older.items.length > 0 ? older.cursor : (first?.nextCursor ?? null);
  const loadMore = async () => {
    if (!cursor) return;
    setOlder({ ...older, loading: true });
    try {
      const page = await api.listTraces({ ...traceListQuery(state, Date.now()), limit: PAGE_SIZE, cursor });
      setOlder({ items: [...older.items, ...page.items], cursor: page.nextCursor, loading: false });
    } catch (err) {
      setOlder({ ...older, loading: false, error: err instanceof Error ? err : new Error(String(err)) });
    }
  };
  const seen = new Set<string>();
  const items = [...(first?.items ?? []), ...older.items].filter((t) => !seen.has(t.traceId) && seen.add(t.traceId));

  const onSort = (field: string) => {
    const order = state.sort === field && state.order === 'desc' ? 'asc' : 'desc';
    setParams({ sort: field === 'startTime' && order === 'desc' ? undefined : field, order: order === 'desc' ? undefined : order });
  };

  return (
    <section class="page">
      <div class="page-head">
        <h1>Traces</h1>
        <label class="toggle">
          <input type="checkbox" checked={live} onChange={(e) => setLive(e.currentTarget.checked)} /> Live (every {REFRESH_MS / 1000} s)
        </label>
      </div>
      <FilterBar state={state} onChange={(c) => setParams(c)} />
      {first && (
        <p class="subtle list-meta" aria-live="polite">
          {items.length}
          {cursor ? '+' : ''} trace{items.length === 1 ? '' : 's'}
          {list.updatedAt && ` · updated ${new Date(list.updatedAt).toLocaleTimeString()}`}
          {list.loading && ' · refreshing…'}
        </p>
      )}
      {list.error && <ErrorBox error={list.error} onRetry={list.reload} />}
      {!first && list.loading && <Loading />}
      {first && items.length === 0 && <Empty>No traces match these filters in this time range.</Empty>}
      {items.length > 0 && <TraceTable items={items} sort={{ sort: state.sort, order: state.order, onSort }} />}
      {older.error && <ErrorBox error={older.error} />}
      {cursor && (
        <button type="button" class="secondary load-more" disabled={older.loading} onClick={loadMore}>
          {older.loading ? 'Loading…' : 'Load more'}
        </button>
      )}
    </section>
  );
}
