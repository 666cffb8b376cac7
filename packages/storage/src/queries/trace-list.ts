import type { TraceListQuery, TraceListResponse } from '@sightline/contracts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { spanPredicates } from './span-filters.ts';
import { SqlParams, type QueryDriver } from './sql-params.ts';
import { dedupedSpanColumns, TRACE_AGGREGATES, toTraceListItem, type TraceAggregateRow } from './trace-aggregates.ts';
import { DEFAULT_TRACE_WINDOW_MS, resolveWindow } from './time-window.ts';

/** Sort keys to the integer aggregate they order by (exact, so cursors compare exactly). */
const SORT_COLUMNS = { startTime: 'startNs', durationMs: 'durationNs', costUsd: 'costNanos' } as const;

/**
 * Lists traces of one project, newest first by default, with keyset pagination.
 * A trace matches when one of its spans satisfies all span-level filters and the whole trace
 * satisfies the trace-level ones; the summary always covers every span of the trace.
 */
export async function listTraces(
  driver: QueryDriver,
  projectId: string,
  query: TraceListQuery,
  now: number = Date.now(),
): Promise<TraceListResponse> {
  const params = new SqlParams();
  const window = resolveWindow(query.from, query.to, DEFAULT_TRACE_WINDOW_MS, now);
  const predicates = spanPredicates(params, projectId, window, query);
  const sortColumn = SORT_COLUMNS[query.sort];
  const direction = query.order === 'asc' ? 'ASC' : 'DESC';

  const having = [...predicates.having];
  if (predicates.spanMatch !== null) having.push('matchedSpans > 0');
  if (query.cursor !== undefined) {
    const cursor = decodeCursor(query.cursor, { sort: query.sort, order: query.order });
    const comparison = query.order === 'asc' ? '>' : '<';
    having.push(
      `(${sortColumn}, traceId) ${comparison} (${params.bind(cursor.value, 'Int64')}, ${params.bind(cursor.traceId, 'String')})`,
    );
  }

  const rows = await driver.query<TraceAggregateRow & { sortValue: string }>(
    `SELECT ${TRACE_AGGREGATES}, toString(${sortColumn}) AS sortValue
     FROM (${dedupedSpanColumns(predicates.where, predicates.spanMatch)})
     GROUP BY TraceId
     HAVING ${having.join(' AND ')}
     ORDER BY ${sortColumn} ${direction}, traceId ${direction}
     LIMIT ${pageLimit(query.limit) + 1}`,
    params.values,
  );

  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const nextCursor =
    rows.length > query.limit && last !== undefined
      ? encodeCursor({ sort: query.sort, order: query.order, value: last.sortValue, traceId: last.traceId })
      : null;
  return { items: page.map(toTraceListItem), nextCursor };
}

/** LIMIT takes a literal; the value is a validated integer, never request text. */
function pageLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new RangeError(`bad page limit ${limit}`);
  return limit;
}
