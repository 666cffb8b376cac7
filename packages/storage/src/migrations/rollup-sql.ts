/** The two rollup grains: table name, bucket function, and how long the buckets are kept. */
export const ROLLUPS = [
  { table: 'rollup_hourly', bucket: 'toStartOfHour' },
  { table: 'rollup_minutely', bucket: 'toStartOfMinute' },
] as const;
export type RollupTable = (typeof ROLLUPS)[number]['table'];

/** Minute buckets feed live charts and alert windows; hours carry history. */
export const MINUTELY_RETENTION_DAYS = 3;

/**
 * The rollup keys as migration 0003 created them. Frozen: migrations 0003–0005 must build the same
 * tables on a new database as they did when they first shipped.
 */
export const ROLLUP_KEYS_V1 = [
  'ProjectId',
  'Bucket',
  'ServiceName',
  'Environment',
  'Provider',
  'Model',
  'PromptName',
  'PromptVersion',
  'UserId',
  'SpanClass',
  'FailureClass',
  'CostSource',
  'ServiceTier',
] as const;

/** Today's keys: V1 plus the endpoint and the config version (migration 0007). */
export const ROLLUP_KEYS = [...ROLLUP_KEYS_V1, 'Endpoint', 'ConfigVersion'] as const;
export type RollupKey = (typeof ROLLUP_KEYS)[number];

export const QUANTILES = 'quantilesTDigest(0.5, 0.95, 0.99)';

/** The rollups' sum columns (SimpleAggregateFunction(sum)): projections and readers re-sum them by name. */
export const ROLLUP_SUMS = [
  'Calls',
  'Errors',
  'InputTokens',
  'OutputTokens',
  'CacheReadTokens',
  'CacheWriteTokens',
  'ReasoningTokens',
  'CostNanos',
  'DurationSumNs',
  'ValidationFailures',
  'Retries',
] as const;

/** Column list of both rollup tables as migration 0003 created them (0007 adds Endpoint and ConfigVersion). */
export const ROLLUP_COLUMNS_V1 = `
  ProjectId LowCardinality(String),
  Bucket DateTime('UTC'),
  ServiceName LowCardinality(String),
  Environment LowCardinality(String),
  Provider LowCardinality(String),
  Model LowCardinality(String),
  PromptName LowCardinality(String),
  PromptVersion LowCardinality(String),
  UserId String,
  SpanClass LowCardinality(String),
  FailureClass LowCardinality(String),
  CostSource LowCardinality(String),
  ServiceTier LowCardinality(String),
  Calls SimpleAggregateFunction(sum, UInt64),
  Errors SimpleAggregateFunction(sum, UInt64),
  InputTokens SimpleAggregateFunction(sum, UInt64),
  OutputTokens SimpleAggregateFunction(sum, UInt64),
  CacheReadTokens SimpleAggregateFunction(sum, UInt64),
  CacheWriteTokens SimpleAggregateFunction(sum, UInt64),
  ReasoningTokens SimpleAggregateFunction(sum, UInt64),
  CostNanos SimpleAggregateFunction(sum, Int64),
  DurationSumNs SimpleAggregateFunction(sum, UInt64),
  ValidationFailures SimpleAggregateFunction(sum, UInt64),
  Retries SimpleAggregateFunction(sum, UInt64),
  DurationMsQuantiles AggregateFunction(${QUANTILES}, Float64),
  TtftMsQuantiles AggregateFunction(${QUANTILES}, Float64),
  MaxTimestamp SimpleAggregateFunction(max, DateTime64(9, 'UTC'))`;

/**
 * The aggregation both the materialized views and rebuildRollups run, so a rebuilt bucket is
 * exactly what the view would have written. `where` is appended verbatim (bound parameters only).
 */
export function rollupSelect(bucket: string, source: string, where = '', keys: readonly RollupKey[] = ROLLUP_KEYS): string {
  const keyColumns = keys.map((key) => {
    if (key === 'Bucket') return `${bucket}(Timestamp) AS Bucket`;
    if (key === 'Model') return "if(ResponseModel != '', ResponseModel, RequestModel) AS Model";
    return key;
  });
  return `SELECT
  ${keyColumns.join(',\n  ')},
  count() AS Calls,
  countIf(StatusCode = 'Error') AS Errors,
  sum(InputTokens) AS InputTokens,
  sum(OutputTokens) AS OutputTokens,
  sum(CacheReadTokens) AS CacheReadTokens,
  sum(CacheWriteTokens) AS CacheWriteTokens,
  sum(ReasoningTokens) AS ReasoningTokens,
  sum(CostNanos) AS CostNanos,
  sum(Duration) AS DurationSumNs,
  countIf(ValidationStatus = 'failed') AS ValidationFailures,
  countIf(Attempt > 1) AS Retries,
  ${QUANTILES.replace('(', 'State(')}(Duration / 1e6) AS DurationMsQuantiles,
  ${QUANTILES.replace('(', 'StateIf(')}(assumeNotNull(TtftMs), TtftMs IS NOT NULL) AS TtftMsQuantiles,
  max(Timestamp) AS MaxTimestamp
FROM ${source}${where === '' ? '' : `\nWHERE ${where}`}
GROUP BY ${keys.join(', ')}`;
}
