import type { SessionResponse } from '@sightline/contracts';
import { SqlParams, type QueryDriver } from './sql-params.ts';
import { dedupedSpanColumns, TRACE_AGGREGATES, toTraceListItem, type TraceAggregateRow } from './trace-aggregates.ts';

/** A conversation is capped here; past it, the trace list with `sessionId=` pages through the rest. */
export const MAX_SESSION_TRACES = 1000;

/**
 * The traces of one session in start order. Sessions outlive any default window, so the session's
 * trace ids come from the bloom-indexed SessionId column first, then only those traces are read.
 */
export async function getSession(
  driver: QueryDriver,
  projectId: string,
  sessionId: string,
): Promise<SessionResponse | null> {
  const params = new SqlParams();
  const p = params.bind(projectId, 'String');
  const s = params.bind(sessionId, 'String');
  const where = `ProjectId = ${p} AND TraceId IN (SELECT TraceId FROM spans WHERE ProjectId = ${p} AND SessionId = ${s})`;
  const rows = await driver.query<TraceAggregateRow>(
    `SELECT ${TRACE_AGGREGATES}
     FROM (${dedupedSpanColumns(where)})
     GROUP BY TraceId
     ORDER BY startNs ASC, traceId ASC
     LIMIT ${MAX_SESSION_TRACES + 1}`,
    params.values,
  );
  if (rows.length === 0) return null;
  const truncated = rows.length > MAX_SESSION_TRACES;
  return { sessionId, traces: rows.slice(0, MAX_SESSION_TRACES).map(toTraceListItem), truncated };
}
