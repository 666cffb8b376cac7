import type { TraceListQuery, TraceListResponse } from '@sightline/contracts';
import { decodeCursor, encodeCursor, type TraceCursor } from './cursor.ts';
import { spanMatchExpr, spanPredicates } from './span-filters.ts';
import { SqlParams, type QueryDriver } from './sql-params.ts';
import { dedupedSpanColumns, TRACE_AGGREGATES, toTraceListItem, type TraceAggregateRow } from './trace-aggregates.ts';
import { DEFAULT_TRACE_WINDOW_MS, resolveWindow, type TimeWindow } from './time-window.ts';

/** Sort keys to the integer aggregate they order by (exact, so cursors compare exactly). */
const SORT_COLUMNS = { startTime: 'startNs', durationMs: 'durationNs', costUsd: 'costNanos' } as const;

/**
 * Scan widths tried in turn when listing by start time, each 8× the last, so a scan that comes back
 * short adds at most 1/7 to the reads of the one that fills the page. The first is 7.5 minutes
 * without span-level filters (every trace matches: a busy project fills its page there) and with a
 * search term (prompt text is costly to read per span: a common term fills the page there, a rare
 * one reads the window in any case). Cheap span-level filters (a user, a model) match an unknown,
 * usually small share and cost more in per-query overhead than in reads, so they start at an hour.
 */
const NARROWING_STEPS_MS = [450_000, 3_600_000, 8 * 3_600_000, 64 * 3_600_000, 512 * 3_600_000];
const FILTERED_FIRST_STEP_MS = 3_600_000;

type PageRow = TraceAggregateRow & { sortValue: string };

/**
 * Lists traces of one project, newest first by default, with keyset pagination.
 * A trace matches when one of its spans satisfies all span-level filters and the whole trace
 * satisfies the trace-level ones; the summary always covers every span of the trace.
 *
 * By start time, the scan starts with the newest hour and widens only while the page is not full:
 * every trace starting in a narrower scan is newer than any trace outside it, so the page is the
 * same as a full scan's, at a fraction of the reads.
 */
export async function listTraces(
  driver: QueryDriver,
  projectId: string,
  query: TraceListQuery,
  now: number = Date.now(),
): Promise<TraceListResponse> {
  const window = resolveWindow(query.from, query.to, DEFAULT_TRACE_WINDOW_MS, now);
  const cursor = query.cursor === undefined ? null : decodeCursor(query.cursor, { sort: query.sort, order: query.order });
  const limit = pageLimit(query.limit);
  let rows: PageRow[] = [];
  let scanned: TimeWindow = window;
  let hasMore: boolean;
  const candidates = await candidatesFromIndex(driver, projectId, query, window, cursor, limit);
  if (candidates !== null) {
    rows = candidates.length === 0 ? [] : await pageQuery(driver, projectId, query, window, cursor, limit, candidates);
    hasMore = candidates.length > limit;
  } else {
    const filtered = spanMatchExpr(new SqlParams(), { ...query, q: undefined }) !== null;
    for (const scan of query.sort === 'startTime' ? narrowingScans(window, cursor, query.order, filtered) : [window]) {
      scanned = scan;
      rows = await pageQuery(driver, projectId, query, scan, cursor, limit);
      if (rows.length > limit) break;
    }
    hasMore = rows.length > limit;
  }
  const page = await dropPartialTraces(driver, projectId, rows.slice(0, limit), scanned.fromMs);
  const last = rows[Math.min(rows.length, limit) - 1];
  const nextCursor =
    hasMore && last !== undefined
      ? encodeCursor({ sort: query.sort, order: query.order, value: last.sortValue, traceId: last.traceId })
      : null;
  return { items: page.map(toTraceListItem), nextCursor };
}

async function pageQuery(
  driver: QueryDriver,
  projectId: string,
  query: TraceListQuery,
  scan: TimeWindow,
  cursor: TraceCursor | null,
  limit: number,
  traces?: IndexedTrace[],
): Promise<PageRow[]> {
  const params = new SqlParams();
  const predicates = spanPredicates(params, projectId, scan, query);

  const sortColumn = SORT_COLUMNS[query.sort];
  const direction = query.order === 'asc' ? 'ASC' : 'DESC';
  const having = [...predicates.having];
  let where = predicates.where;
  if (traces !== undefined) where += ` AND ${tracesExpr(params, traces)}`;
  if (predicates.spanMatch !== null) {
    // The matching spans' trace ids first: a plain filtered read that skip indexes (user, session,
    // attribute keys) can prune, then the whole of only those traces.
    where += ` AND TraceId IN (SELECT TraceId FROM spans WHERE ${predicates.where} AND ${predicates.spanMatch})`;
  }
  if (cursor !== null) {
    const comparison = query.order === 'asc' ? '>' : '<';
    having.push(`(${sortColumn}, traceId) ${comparison} (${params.bind(cursor.value, 'Int64')}, ${params.bind(cursor.traceId, 'String')})`);
  }
  return driver.query<PageRow>(
    `SELECT ${TRACE_AGGREGATES}, toString(${sortColumn}) AS sortValue
     FROM (${dedupedSpanColumns(where)})
     GROUP BY TraceId
     HAVING ${having.join(' AND ')}
     ORDER BY ${sortColumn} ${direction}, traceId ${direction}
     LIMIT ${limit + 1}`,
    params.values,
  );
}

/**
 * trace_index expressions of the sorts it can answer alone (same meaning as TRACE_AGGREGATES), over
 * its rows read with FINAL: one merged row per trace, sums and extremes already applied.
 */
const INDEX_SORTS = {
  costUsd: 'CostNanos',
  durationMs: 'toInt64(toUnixTimestamp64Nano(End)) - toInt64(toUnixTimestamp64Nano(Start))',
} as const;

/**
 * By cost or duration every trace in the window is a candidate, so a span scan would aggregate
 * all of them. Without span-level filters trace_index (a row or a few per trace, already summed)
 * picks the page's trace ids instead, and only those traces' spans are read. Returns null when
 * the index cannot answer (start-time sort, which narrows its own scan, or span-level filters).
 */
async function candidatesFromIndex(
  driver: QueryDriver,
  projectId: string,
  query: TraceListQuery,
  window: TimeWindow,
  cursor: TraceCursor | null,
  limit: number,
): Promise<IndexedTrace[] | null> {
  if (query.sort === 'startTime' || spanMatchExpr(new SqlParams(), query) !== null) return null;
  const sortExpr = INDEX_SORTS[query.sort];
  const params = new SqlParams();
  // FINAL merges each trace's partial rows in sort-key order (no hash table of every trace id: ~1.7×
  // faster than GROUP BY TraceId on 3M spans), and ClickHouse applies a WHERE on columns outside the
  // sort key to the merged rows, never before the merge (checked on 26.7, even with
  // optimize_move_to_prewhere_if_final). No PREWHERE here: that would filter partial rows.
  const where = [
    `ProjectId = ${params.bind(projectId, 'String')}`,
    `Start >= fromUnixTimestamp64Milli(${params.bind(window.fromMs, 'Int64')})`,
    `Start < fromUnixTimestamp64Milli(${params.bind(window.toMs, 'Int64')})`,
  ];
  if (query.status === 'error') where.push('Errors > 0');
  if (query.status === 'ok') where.push('Errors = 0');
  if (query.minCostUsd !== undefined) where.push(`CostNanos >= ${params.bind(Math.round(query.minCostUsd * 1e9), 'Int64')}`);
  if (query.minDurationMs !== undefined) where.push(`${INDEX_SORTS.durationMs} >= ${params.bind(Math.round(query.minDurationMs * 1e6), 'Int64')}`);
  if (query.endpoint !== undefined && query.endpoint !== '') where.push(`RootSpanName = ${params.bind(query.endpoint, 'String')}`);
  if (cursor !== null) {
    const comparison = query.order === 'asc' ? '>' : '<';
    where.push(`(${sortExpr}, TraceId) ${comparison} (${params.bind(cursor.value, 'Int64')}, ${params.bind(cursor.traceId, 'String')})`);
  }
  const direction = query.order === 'asc' ? 'ASC' : 'DESC';
  return driver.query<IndexedTrace>(
    `SELECT TraceId AS traceId, toString(toUnixTimestamp64Nano(Start)) AS startNs, toString(toUnixTimestamp64Nano(End)) AS endNs
     FROM trace_index FINAL WHERE ${where.join(' AND ')}
     ORDER BY ${sortExpr} ${direction}, TraceId ${direction}
     LIMIT ${limit + 1}`,
    params.values,
  );
}

/** A trace picked from trace_index, with the time range its spans lie in (nanoseconds, exact). */
interface IndexedTrace {
  traceId: string;
  startNs: string;
  endNs: string;
}

/** Up to this many traces are read range by range; more go by trace id alone (one skip-index pass). */
const MAX_TRACE_RANGES = 200;

/**
 * The spans of `traces`: each trace's own time range from trace_index, so the primary key
 * (ProjectId, Timestamp, ...) bounds the read to a few granules per trace. By trace id alone the
 * read tests the trace-id skip index of every granule in the window and, with FINAL, merges every
 * granule it keeps (10M spans, 51 traces: ~380 ms by id).
 */
function tracesExpr(params: SqlParams, traces: readonly IndexedTrace[]): string {
  const ids = `TraceId IN ${params.bind(traces.map((t) => t.traceId), 'Array(String)')}`;
  if (traces.length > MAX_TRACE_RANGES) return ids;
  const ranges = traces.map(
    (t) =>
      `(TraceId = ${params.bind(t.traceId, 'String')} AND Timestamp BETWEEN fromUnixTimestamp64Nano(${params.bind(t.startNs, 'Int64')}) AND fromUnixTimestamp64Nano(${params.bind(t.endNs, 'Int64')}))`,
  );
  return `${ids} AND (${ranges.join(' OR ')})`;
}

/**
 * Ever wider scans from the page's edge (now, or the cursor) into the window, ending with all of it.
 * `filtered`: span-level filters other than a search term are set (the first scan is then an hour).
 */
export function narrowingScans(window: TimeWindow, cursor: TraceCursor | null, order: 'asc' | 'desc', filtered = false): TimeWindow[] {
  const steps = filtered ? NARROWING_STEPS_MS.filter((width) => width >= FILTERED_FIRST_STEP_MS) : NARROWING_STEPS_MS;
  const cursorMs = cursor === null ? null : Number(BigInt(cursor.value) / 1_000_000n);
  const scans: TimeWindow[] = [];
  if (order === 'desc') {
    // +1 ms: the cursor's own start is still a candidate (ties break on trace id).
    const toMs = cursorMs === null ? window.toMs : Math.min(window.toMs, cursorMs + 1);
    for (const width of steps) {
      if (toMs - width <= window.fromMs) break;
      scans.push({ fromMs: toMs - width, toMs });
    }
    scans.push({ fromMs: window.fromMs, toMs: Math.max(toMs, window.fromMs + 1) });
  } else {
    const fromMs = cursorMs === null ? window.fromMs : Math.max(window.fromMs, cursorMs);
    for (const width of steps) {
      if (fromMs + width >= window.toMs) break;
      scans.push({ fromMs, toMs: fromMs + width });
    }
    scans.push({ fromMs, toMs: Math.max(window.toMs, fromMs + 1) });
  }
  return scans;
}

/**
 * A trace that began before the scanned range shows up in it with only its later spans and a
 * start that is too late. trace_index knows every trace's real start: such rows are dropped here
 * and appear, whole, in the page whose scan covers their start.
 */
async function dropPartialTraces(driver: QueryDriver, projectId: string, rows: PageRow[], scanFromMs: number): Promise<PageRow[]> {
  if (rows.length === 0) return rows;
  const starts = await driver.query<{ TraceId: string; startMs: number }>(
    `SELECT TraceId, toUnixTimestamp64Milli(min(Start)) AS startMs
     FROM trace_index WHERE ProjectId = {p:String} AND TraceId IN {ids:Array(String)}
     GROUP BY TraceId`,
    { p: projectId, ids: rows.map((r) => r.traceId) },
  );
  const early = new Set(starts.filter((s) => s.startMs < scanFromMs).map((s) => s.TraceId));
  return early.size === 0 ? rows : rows.filter((r) => !early.has(r.traceId));
}

/** LIMIT takes a literal; the value is a validated integer, never request text. */
function pageLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new RangeError(`bad page limit ${limit}`);
  return limit;
}
