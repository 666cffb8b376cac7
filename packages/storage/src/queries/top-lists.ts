import type { TopListName, TopListResponse } from '@sightline/contracts';
import { rollupWhere, spanClassIn } from './rollup-filters.ts';
import { projectAndWindow, spanMatchExpr } from './span-filters.ts';
import { SqlParams, nanosToIso, secondsToIso, type QueryDriver } from './sql-params.ts';
import { DEFAULT_TRACE_WINDOW_MS, resolveWindow, type TimeWindow } from './time-window.ts';
import { listTraces } from './trace-list.ts';
import { rollupTopListSql, type RollupTopList } from './top-lists-rollup.ts';
import { spanTopListSql, type SpanTopList } from './top-lists-spans.ts';

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
    const where = match === null ? scope : `${scope} AND ${match}`;
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
