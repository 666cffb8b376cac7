import type { SpanRow } from '@sightline/contracts';
import type { Driver } from '../driver.ts';
import { spanKey } from './recent-span-keys.ts';

/** Keys per lookup query: keeps the bound arrays (and the query text ClickHouse parses) modest. */
const LOOKUP_CHUNK = 2_000;

/**
 * Which of these spans are already in `spans`. One query per project and chunk, narrowed by the
 * sort key (ProjectId, then the rows' time range: a redelivered span has the same Timestamp) and the
 * TraceId bloom filter.
 */
type SpanIdentity = Pick<SpanRow, 'ProjectId' | 'TraceId' | 'SpanId' | 'Timestamp'>;

export async function findStoredSpanKeys(driver: Driver, rows: readonly SpanIdentity[]): Promise<Set<string>> {
  const byProject = new Map<string, SpanIdentity[]>();
  for (const row of rows) {
    const list = byProject.get(row.ProjectId);
    if (list === undefined) byProject.set(row.ProjectId, [row]);
    else list.push(row);
  }
  const found = new Set<string>();
  for (const [projectId, projectRows] of byProject) {
    for (let i = 0; i < projectRows.length; i += LOOKUP_CHUNK) {
      const chunk = projectRows.slice(i, i + LOOKUP_CHUNK);
      let from = BigInt(chunk[0]?.Timestamp ?? '0');
      let to = from;
      for (const row of chunk) {
        const ts = BigInt(row.Timestamp);
        if (ts < from) from = ts;
        if (ts > to) to = ts;
      }
      const hits = await driver.query<{ TraceId: string; SpanId: string }>(
        `SELECT TraceId, SpanId FROM spans
WHERE ProjectId = {projectId:String}
  AND Timestamp BETWEEN fromUnixTimestamp64Nano({from:Int64}, 'UTC') AND fromUnixTimestamp64Nano({to:Int64}, 'UTC')
  AND TraceId IN {traceIds:Array(String)}
  AND SpanId IN {spanIds:Array(String)}`,
        {
          projectId,
          from: from.toString(),
          to: to.toString(),
          traceIds: [...new Set(chunk.map((row) => row.TraceId))],
          spanIds: [...new Set(chunk.map((row) => row.SpanId))],
        },
      );
      for (const hit of hits) found.add(spanKey(projectId, hit.TraceId, hit.SpanId));
    }
  }
  return found;
}

/** Keys of the spans ingested since `sinceMs`, oldest first, to warm the in-memory set at open. */
export async function loadRecentSpanKeys(
  driver: Driver,
  sinceMs: number,
  limit: number,
): Promise<Array<{ key: string; ingestedAtMs: number; startMs: number }>> {
  const rows = await driver.query<{ ProjectId: string; TraceId: string; SpanId: string; At: number; Start: number }>(
    `SELECT ProjectId, TraceId, SpanId, toUnixTimestamp64Milli(IngestedAt) AS At, toUnixTimestamp64Milli(Timestamp) AS Start FROM spans
WHERE IngestedAt >= fromUnixTimestamp64Milli({since:Int64}, 'UTC')
ORDER BY IngestedAt DESC
LIMIT {limit:UInt32}`,
    { since: String(sinceMs), limit },
  );
  return rows.reverse().map((row) => ({ key: spanKey(row.ProjectId, row.TraceId, row.SpanId), ingestedAtMs: Number(row.At), startMs: Number(row.Start) }));
}

/**
 * The distinct start seconds of the spans ingested from `sinceMs` to `untilMs` (inclusive), newest
 * first, at most `limit`; `complete` is false when there were more.
 */
export async function loadStartSeconds(
  driver: Driver,
  sinceMs: number,
  untilMs: number,
  limit: number,
): Promise<{ seconds: number[]; complete: boolean }> {
  const rows = await driver.query<{ S: number }>(
    `SELECT DISTINCT intDiv(toUnixTimestamp64Milli(Timestamp), 1000) AS S FROM spans
WHERE IngestedAt >= fromUnixTimestamp64Milli({since:Int64}, 'UTC') AND IngestedAt <= fromUnixTimestamp64Milli({until:Int64}, 'UTC')
ORDER BY S DESC
LIMIT {limit:UInt32}`,
    { since: String(sinceMs), until: String(untilMs), limit: limit + 1 },
  );
  const seconds = rows.slice(0, limit).map((row) => Number(row.S));
  return { seconds, complete: rows.length <= limit };
}
