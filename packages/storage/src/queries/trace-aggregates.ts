import type { TraceListItem } from '@sightline/contracts';
import { nanosToIso, nanosToUsd, toNumber } from './sql-params.ts';

/**
 * Per-trace summary over de-duplicated span rows. `spans` is a ReplacingMergeTree: until parts merge,
 * a re-sent span exists twice, so every read of raw rows uses FINAL. Measured on merged data it costs
 * next to nothing, where `LIMIT 1 BY TraceId, SpanId` (a hash set of every span) cost 5–10× the scan.
 */
export function dedupedSpanColumns(where: string): string {
  return `SELECT TraceId, SpanId, ParentSpanId, SpanName, ServiceName, SpanClass, StatusCode,
      toInt64(toUnixTimestamp64Nano(Timestamp)) AS StartNs, toInt64(Duration) AS DurationNs,
      InputTokens, OutputTokens, CostNanos, CostSource, UserId, SessionId
    FROM spans FINAL
    WHERE ${where}`;
}

/** SELECT list over `dedupedSpanColumns`, grouped by TraceId. Column aliases feed HAVING and sorts. */
export const TRACE_AGGREGATES = `TraceId AS traceId,
    if(countIf(ParentSpanId = '') > 0, argMinIf(SpanName, StartNs, ParentSpanId = ''), argMin(SpanName, StartNs)) AS rootName,
    countIf(ParentSpanId = '') AS rootSpanCount,
    if(countIf(ParentSpanId = '') > 0, argMinIf(ServiceName, StartNs, ParentSpanId = ''), argMin(ServiceName, StartNs)) AS serviceName,
    min(StartNs) AS startNs,
    toString(min(StartNs)) AS startNsText,
    max(StartNs + DurationNs) - min(StartNs) AS durationNs,
    count() AS spanCount,
    countIf(SpanClass IN ('llm', 'embedding')) AS llmCallCount,
    sum(InputTokens) AS inputTokens,
    sum(OutputTokens) AS outputTokens,
    sum(CostNanos) AS costNanos,
    countIf(CostSource = 'unpriced') AS unpricedCallCount,
    countIf(StatusCode = 'Error') AS errorCount,
    anyIf(UserId, UserId != '') AS userId,
    anyIf(SessionId, SessionId != '') AS sessionId`;

export interface TraceAggregateRow {
  traceId: string;
  rootName: string;
  rootSpanCount: string | number;
  serviceName: string;
  startNs: string | number;
  /** Exact: 64-bit integers come back as JS numbers, which cannot hold nanoseconds since 1970. */
  startNsText: string;
  durationNs: string | number;
  spanCount: string | number;
  llmCallCount: string | number;
  inputTokens: string | number;
  outputTokens: string | number;
  costNanos: string | number;
  unpricedCallCount: string | number;
  errorCount: string | number;
  userId: string;
  sessionId: string;
}

export function toTraceListItem(row: TraceAggregateRow): TraceListItem {
  return {
    traceId: row.traceId,
    rootName: row.rootName,
    hasRoot: toNumber(row.rootSpanCount) > 0,
    serviceName: row.serviceName,
    startTime: nanosToIso(row.startNsText),
    durationMs: toNumber(row.durationNs) / 1e6,
    spanCount: toNumber(row.spanCount),
    llmCallCount: toNumber(row.llmCallCount),
    inputTokens: toNumber(row.inputTokens),
    outputTokens: toNumber(row.outputTokens),
    // Unpriced calls carry CostNanos = 0, so the sum already excludes them; unpricedCallCount says so.
    costUsd: nanosToUsd(row.costNanos),
    unpricedCallCount: toNumber(row.unpricedCallCount),
    status: toNumber(row.errorCount) > 0 ? 'error' : 'ok',
    userId: row.userId,
    sessionId: row.sessionId,
  };
}
