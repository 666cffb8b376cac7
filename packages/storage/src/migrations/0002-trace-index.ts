import type { Migration } from './migration.ts';

/**
 * TraceId → start/end (and a trace summary) per project, so fetching one trace reads the index
 * first and then only the spans between its start and end instead of scanning every part.
 * Rows merge lazily: readers must `GROUP BY ProjectId, TraceId` with min/max/sum.
 */
export const traceIndexMigration: Migration = {
  id: '0002-trace-index',
  description: 'trace_index: per-trace start/end and summary, fed by a materialized view from spans',
  up: (ctx) => [
    `CREATE TABLE IF NOT EXISTS ${ctx.localTable('trace_index')}${ctx.onCluster}
(
  ProjectId LowCardinality(String),
  TraceId String CODEC(ZSTD(1)),
  Start SimpleAggregateFunction(min, DateTime64(9, 'UTC')),
  End SimpleAggregateFunction(max, DateTime64(9, 'UTC')),
  Spans SimpleAggregateFunction(sum, UInt64),
  Errors SimpleAggregateFunction(sum, UInt64),
  CostNanos SimpleAggregateFunction(sum, Int64),
  InputTokens SimpleAggregateFunction(sum, UInt64),
  OutputTokens SimpleAggregateFunction(sum, UInt64),
  RootSpanName SimpleAggregateFunction(max, String),
  RootServiceName SimpleAggregateFunction(max, String),
  UserId SimpleAggregateFunction(max, String),
  SessionId SimpleAggregateFunction(max, String)
)
ENGINE = ${ctx.engine('AggregatingMergeTree', { sharded: true })}
ORDER BY (ProjectId, TraceId)${ctx.ttl('toDateTime(End)')}
SETTINGS non_replicated_deduplication_window = 10000`,
    ...ctx.distributed('trace_index', 'cityHash64(TraceId)'),
    `CREATE MATERIALIZED VIEW IF NOT EXISTS ${ctx.table('trace_index_mv')}${ctx.onCluster}
TO ${ctx.localTable('trace_index')} AS
SELECT
  ProjectId,
  TraceId,
  min(Timestamp) AS Start,
  max(addNanoseconds(Timestamp, Duration)) AS End,
  count() AS Spans,
  countIf(StatusCode = 'Error') AS Errors,
  sum(CostNanos) AS CostNanos,
  sum(InputTokens) AS InputTokens,
  sum(OutputTokens) AS OutputTokens,
  max(if(ParentSpanId = '', SpanName, '')) AS RootSpanName,
  max(if(ParentSpanId = '', toString(ServiceName), '')) AS RootServiceName,
  max(UserId) AS UserId,
  max(SessionId) AS SessionId
FROM ${ctx.localTable('spans')}
GROUP BY ProjectId, TraceId`,
  ],
};
