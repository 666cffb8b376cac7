import { useState } from 'preact/hooks';
import { TOP_LISTS } from '@sightline/contracts';
import type { TopListName } from '@sightline/contracts';
import { api } from '../api/client.ts';
import type { Query } from '../api/client.ts';
import { useResource } from '../use-resource.ts';
import { columnLabel, formatterFor } from '../model/format.ts';
import { Link } from '../router.tsx';
import { Empty, ErrorBox, Loading } from '../components/ui.tsx';

const TITLES: Record<TopListName, string> = {
  'costliest-users': 'Costliest users',
  'costliest-prompts': 'Costliest prompts',
  'costliest-traces': 'Costliest traces',
  'costliest-endpoints': 'Costliest endpoints',
  'slowest-calls': 'Slowest calls',
  'retry-loops': 'Retry loops',
  'validation-failures': 'Validation failures',
  'unpriced-models': 'Unpriced models',
};

const KEY_LABEL: Record<TopListName, string> = {
  'costliest-users': 'user',
  'costliest-prompts': 'prompt',
  'costliest-traces': 'trace',
  'costliest-endpoints': 'endpoint (root span)',
  'slowest-calls': 'span',
  'retry-loops': 'trace',
  'validation-failures': 'prompt · model',
  'unpriced-models': 'provider/model',
};

/** Rows whose key is a trace id link to the trace; users and endpoints link to their traces. */
function cell(list: TopListName, column: string, value: string | number | null, row: Record<string, unknown>, window: Query) {
  if (value === null) return '—';
  if (list === 'costliest-endpoints' && column === 'key') {
    // Traces whose root span has not arrived (still running, or rooted in a service not sending here).
    if (value === '') return <span class="subtle">(no root span yet)</span>;
    // An endpoint opens its requests in the explorer, costliest first, over the same window.
    const params = new URLSearchParams({ endpoint: String(value), sort: 'costUsd' });
    if (typeof row['serviceName'] === 'string' && row['serviceName']) params.set('service', row['serviceName']);
    for (const bound of ['from', 'to'] as const) if (typeof window[bound] === 'string') params.set(bound, window[bound]);
    return <Link href={`/traces?${params.toString()}`}>{String(value)}</Link>;
  }
  const traceId = typeof row['traceId'] === 'string' ? row['traceId'] : list === 'costliest-traces' && column === 'key' ? String(value) : null;
  const spanId = typeof row['spanId'] === 'string' ? `?span=${encodeURIComponent(row['spanId'])}` : '';
  if (column === 'key' && traceId) return <Link href={`/traces/${encodeURIComponent(traceId)}${spanId}`}>{String(value)}</Link>;
  if (column === 'key' && list === 'costliest-users' && value !== '') return <Link href={`/traces?userId=${encodeURIComponent(String(value))}`}>{String(value)}</Link>;
  if (column === 'lastTraceId' && typeof value === 'string' && value) return <Link href={`/traces/${encodeURIComponent(value)}`}>{value}</Link>;
  if (column === 'traceId' && typeof value === 'string') return <Link href={`/traces/${encodeURIComponent(value)}`}>{value}</Link>;
  return typeof value === 'number' ? formatterFor(column)(value) : value;
}

export function TopLists({ query, queryKey }: { query: Query; queryKey: string }) {
  const [list, setList] = useState<TopListName>('costliest-users');
  // Refreshed with the panels above: spans of traces still running land late in the same window,
  // and a list left at its first answer disagreed with the spend breakdowns next to it.
  const res = useResource((signal) => api.top(list, { ...query, limit: 20 }, signal), [queryKey, list], { refreshMs: 30_000 });
  const items = res.data?.list === list ? res.data.items : undefined;
  const columns = items && items.length > 0 ? ['key', ...Object.keys(items[0]!).filter((k) => k !== 'key')] : [];
  return (
    <article class="panel wide" aria-label="Top lists">
      <h2>Top lists</h2>
      <div class="tabs" role="tablist">
        {TOP_LISTS.map((l) => (
          <button key={l} type="button" role="tab" aria-selected={l === list} class={l === list ? 'active' : 'secondary'} onClick={() => setList(l)}>
            {TITLES[l]}
          </button>
        ))}
      </div>
      {res.error ? (
        <ErrorBox error={res.error} onRetry={res.reload} />
      ) : !items ? (
        <Loading />
      ) : items.length === 0 ? (
        <Empty>Nothing in this range.</Empty>
      ) : (
        <table class="data compact" data-top-list={list}>
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c} scope="col">
                  {c === 'key' ? KEY_LABEL[list] : columnLabel(c)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {items.map((row, i) => (
              <tr key={`${row.key}-${i}`}>
                {columns.map((c) => (
                  <td key={c} class={typeof row[c] === 'number' ? 'num' : ''}>
                    {cell(list, c, row[c] ?? null, row, query)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </article>
  );
}
