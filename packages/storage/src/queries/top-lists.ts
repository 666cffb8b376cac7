import type { TopListName, TopListResponse } from '@sightline/contracts';
import { rollupWhere, spanClassIn } from './rollup-filters.ts';
import { projectAndWindow, spanMatchExpr } from './span-filters.ts';
import { SqlParams, nanosToIso, secondsToIso, type QueryDriver } from './sql-params.ts';
import { DEFAULT_TRACE_WINDOW_MS, resolveWindow, type TimeWindow } from './time-window.ts';
import { listTraces } from './trace-list.ts';
import { rollupTopListSql, type RollupTopList } from './top-lists-rollup.ts';
import { costliestEndpointsSql, RETRY_LOOP_MAX_CANDIDATES, retryLoopCandidatesSql, retryLoopsSql, SLOWEST_CALL_FIELDS, spanTopListSql, type SpanTopList } from './top-lists-spans.ts';

export interface TopListOptions {
  from?: string | undefined;
  to?: string | undefined;
  limit: number;
  service?: string | undefined;
  environment?: string | undefined;
  model?: string | undefined;
  provider?: string | undefined;
  promptName?: string | undefined;
  promptVersion?: string | undefined;
  userId?: string | undefined;
}

const ROLLUP_LISTS: ReadonlySet<TopListName> = new Set<RollupTopList>([
  'costliest-users',
  'costliest-prompts',
  'unpriced-models',
]);

type RawRow = Record<string, string | number | null> & { key: string };

/** The "top N" lists of the dashboard. Rollup-backed where the rollups hold the answer. */
export async function queryTopList(
  driver: QueryDriver,
  projectId: string,
  list: TopListName,
  options: TopListOptions,
  now: number = Date.now(),
): Promise<TopListResponse> {
  const limit = Math.trunc(options.limit);
  if (!(limit >= 1 && limit <= 1000)) throw new RangeError(`bad top-list limit ${options.limit}`);
  const window = resolveWindow(options.from, options.to, DEFAULT_TRACE_WINDOW_MS, now);
  const params = new SqlParams();
  let sql: string;
  if (ROLLUP_LISTS.has(list)) {
    // Calls here are model calls: agent and workflow wrappers would count one request twice.
    const where = [...rollupWhere(params, projectId, window, options, 3_600_000), spanClassIn(params, ['llm', 'embedding'])].join(' AND ');
    sql = rollupTopListSql(list as RollupTopList, params, where, limit);
  } else {
    const scope = projectAndWindow(params, projectId, window);
    const match = spanMatchExpr(params, options);
    if (list === 'costliest-traces' && match === null) return costliestTracesFromIndex(driver, projectId, window, limit, now);
    if (list === 'costliest-endpoints') {
      const sql = costliestEndpointsSql(params, projectId, window, match === null ? null : `${scope} AND ${match}`, limit);
      return { list, items: (await driver.query<RawRow>(sql, params.values)).map(shapeRow) };
    }
    const where = match === null ? scope : `${scope} AND ${match}`;
    if (list === 'slowest-calls') return { list, items: (await slowestCalls(driver, params, where, limit)).map(shapeRow) };
    if (list === 'retry-loops') return { list, items: (await retryLoops(driver, params, where, limit)).map(shapeRow) };
    sql = spanTopListSql(list as SpanTopList, params, where, limit);
  }
  const rows = await driver.query<RawRow>(sql, params.values);
  return { list, items: rows.map(shapeRow) };
}

/** Exact nanosecond and second stamps become ISO times; everything else passes through. */
function shapeRow(row: RawRow): TopListResponse['items'][number] {
  const { startNsText, lastSeenSeconds, ...rest } = row;
  const out: TopListResponse['items'][number] = { ...rest, key: String(row.key) };
  if (typeof startNsText === 'string') out.startTime = nanosToIso(startNsText);
  if (lastSeenSeconds !== undefined && lastSeenSeconds !== null) out.lastSeen = secondsToIso(lastSeenSeconds);
  return out;
}

/** Without filters the trace list's trace_index path answers this list without a full span scan. */
async function costliestTracesFromIndex(
  driver: QueryDriver,
  projectId: string,
  window: TimeWindow,
  limit: number,
  now: number,
): Promise<TopListResponse> {
  const page = await listTraces(
    driver,
    projectId,
    { from: new Date(window.fromMs).toISOString(), to: new Date(window.toMs).toISOString(), sort: 'costUsd', order: 'desc', limit },
    now,
  );
  const items = page.items
    .filter((t) => t.costUsd > 0)
    .map((t) => ({
      key: t.traceId,
      traceId: t.traceId,
      rootName: t.rootName,
      serviceName: t.serviceName,
      startTime: t.startTime,
      durationMs: t.durationMs,
      llmCallCount: t.llmCallCount,
      costUsd: t.costUsd,
      userId: t.userId,
      sessionId: t.sessionId,
    }));
  return { list: 'costliest-traces', items };
}

/**
 * Slowest LLM calls, read without FINAL: a partial sort of raw rows reads the other columns only
 * for the rows it keeps, where FINAL first de-duplicates every span of the window (at 10M spans
 * ~165 ms instead of ~600). Copies of one span not yet merged away (a redelivery the ingest's
 * de-duplication missed) are identical and sort next to each other, so the first `limit` distinct
 * spans of the raw order are the answer; a read crowded by copies goes deeper.
 */
async function slowestCalls(driver: QueryDriver, params: SqlParams, where: string, limit: number): Promise<RawRow[]> {
  const scope = `${where} AND SpanClass = ${params.bind('llm', 'String')}`;
  for (let depth = limit * 2 + 16; ; depth *= 4) {
    const rows = await driver.query<RawRow & { traceId: string }>(
      `SELECT ${SLOWEST_CALL_FIELDS} FROM spans WHERE ${scope} ORDER BY Duration DESC, SpanId LIMIT ${depth}`,
      params.values,
    );
    const seen = new Set<string>();
    const distinct = rows.filter((r) => {
      const span = `${r.traceId}/${r.key}`;
      if (seen.has(span)) return false;
      seen.add(span);
      return true;
    });
    if (distinct.length >= limit || rows.length < depth) return distinct.slice(0, limit);
  }
}

/**
 * Retry loops in two steps: a cheap scan names the traces that may hold one (a superset, see
 * retryLoopCandidatesSql), then the exact query reads only those traces. With more candidates
 * than a lookup by trace id handles well, the exact query scans the window as before.
 */
async function retryLoops(driver: QueryDriver, params: SqlParams, where: string, limit: number): Promise<RawRow[]> {
  const candidates = await driver.query<{ traceId: string }>(retryLoopCandidatesSql(params, where, RETRY_LOOP_MAX_CANDIDATES), params.values);
  if (candidates.length === 0) return [];
  const ids = candidates.length > RETRY_LOOP_MAX_CANDIDATES ? undefined : candidates.map((c) => c.traceId);
  return driver.query<RawRow>(retryLoopsSql(params, where, limit, ids), params.values);
}
