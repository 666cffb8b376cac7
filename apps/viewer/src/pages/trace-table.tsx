import type { TraceListItem } from '@sightline/contracts';
import { Link } from '../router.tsx';
import { Badge } from '../components/ui.tsx';
import { formatCount, formatMs, formatTime, formatUsd } from '../model/format.ts';

export interface SortState {
  sort: string;
  order: 'asc' | 'desc';
  onSort?: (sort: string) => void;
}

function SortHeader({ field, label, state }: { field: string; label: string; state: SortState | undefined }) {
  if (!state?.onSort) return <th scope="col">{label}</th>;
  const active = state.sort === field;
  return (
    <th scope="col" aria-sort={active ? (state.order === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <button type="button" class="sort" onClick={() => state.onSort?.(field)}>
        {label}
        {active ? (state.order === 'asc' ? ' ▲' : ' ▼') : ''}
      </button>
    </th>
  );
}

/** The trace list shared by the explorer and the session page. */
export function TraceTable({ items, sort }: { items: readonly TraceListItem[]; sort?: SortState }) {
  return (
    <table class="data traces">
      <thead>
        <tr>
          <SortHeader field="startTime" label="Started" state={sort} />
          <th scope="col">Trace</th>
          <th scope="col">Service</th>
          <SortHeader field="durationMs" label="Duration" state={sort} />
          <th scope="col">Spans</th>
          <th scope="col">LLM calls</th>
          <th scope="col">Tokens in / out</th>
          <SortHeader field="costUsd" label="Cost" state={sort} />
          <th scope="col">Status</th>
          <th scope="col">User</th>
        </tr>
      </thead>
      <tbody>
        {items.map((t) => (
          <tr key={t.traceId} data-trace-id={t.traceId}>
            <td title={t.startTime}>{formatTime(t.startTime)}</td>
            <td>
              <Link href={`/traces/${encodeURIComponent(t.traceId)}`} class="trace-link">
                {t.rootName || '(unnamed)'}
              </Link>
              {!t.hasRoot && (
                <>
                  {' '}
                  <Badge tone="info" title="No root span yet: the trace is still running, or its root is in a service that does not send to Sightline. Figures cover the spans received so far.">
                    in progress
                  </Badge>
                </>
              )}
            </td>
            <td>{t.serviceName}</td>
            <td class="num">{formatMs(t.durationMs)}</td>
            <td class="num">{t.spanCount}</td>
            <td class="num">{t.llmCallCount}</td>
            <td class="num">
              {formatCount(t.inputTokens)} / {formatCount(t.outputTokens)}
            </td>
            <td class="num">
              {formatUsd(t.costUsd)}
              {t.unpricedCallCount > 0 && (
                <Badge tone="warn" title={`${t.unpricedCallCount} call(s) use a model without a price: not included in the cost`}>
                  +{t.unpricedCallCount} unpriced
                </Badge>
              )}
            </td>
            <td>
              <Badge tone={t.status === 'error' ? 'error' : 'ok'}>{t.status}</Badge>
            </td>
            <td>
              {t.userId && (
                <Link href={`/traces?userId=${encodeURIComponent(t.userId)}`} title={`Traces of ${t.userId}`}>
                  {t.userId}
                </Link>
              )}
              {t.sessionId && (
                <Link href={`/sessions/${encodeURIComponent(t.sessionId)}`} class="subtle session-link" title={`Session ${t.sessionId}`}>
                  {t.userId ? ' · session' : `session ${t.sessionId}`}
                </Link>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
