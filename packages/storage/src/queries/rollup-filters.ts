import type { GroupBy, Interval, MetricsQuery } from '@sightline/contracts';
import { QueryError } from './query-error.ts';
import type { SqlParams } from './sql-params.ts';
import type { TimeWindow } from './time-window.ts';

/** Group keys to rollup columns: the allow-list that keeps request text out of SQL identifiers. */
export const GROUP_BY_COLUMNS: Record<GroupBy, string> = {
  model: 'Model',
  provider: 'Provider',
  service: 'ServiceName',
  // A version means nothing without its prompt: the key reads "summarize@v3".
  promptVersion: "if(PromptName = '' AND PromptVersion = '', '', concat(PromptName, '@', PromptVersion))",
  userId: 'UserId',
  environment: 'Environment',
  endpoint: 'Endpoint',
  configVersion: 'ConfigVersion',
};

interface IntervalPlan {
  table: 'rollup_minutely' | 'rollup_hourly';
  bucketMs: number;
  bucketExpr: string;
}

/** Minute buckets come from the per-minute rollup; hours and days from the hourly one. */
export const INTERVAL_PLANS: Record<Interval, IntervalPlan> = {
  minute: { table: 'rollup_minutely', bucketMs: 60_000, bucketExpr: 'toUnixTimestamp(Bucket)' },
  hour: { table: 'rollup_hourly', bucketMs: 3_600_000, bucketExpr: 'toUnixTimestamp(Bucket)' },
  day: { table: 'rollup_hourly', bucketMs: 86_400_000, bucketExpr: "toUnixTimestamp(toStartOfDay(Bucket, 'UTC'))" },
};

/** More points than this per series is a request for a different interval, not a chart. */
export const MAX_BUCKETS = 3_000;

export function assertBucketCount(window: TimeWindow, bucketMs: number): void {
  if ((window.toMs - window.fromMs) / bucketMs > MAX_BUCKETS) {
    throw new QueryError('bad_time_range', `window holds more than ${MAX_BUCKETS} buckets; pick a coarser interval`);
  }
}

/**
 * WHERE conditions on a rollup table for project, window and the metrics filters. The window is
 * widened down to the bucket boundary: a bucket is all-or-nothing in a rollup.
 */
export function rollupWhere(
  params: SqlParams,
  projectId: string,
  window: TimeWindow,
  filters: Omit<MetricsQuery, 'interval' | 'groupBy'>,
  bucketMs: number,
): string[] {
  const alignedFrom = Math.floor(window.fromMs / bucketMs) * bucketMs;
  const where = [
    `ProjectId = ${params.bind(projectId, 'String')}`,
    `Bucket >= toDateTime(${params.bind(Math.floor(alignedFrom / 1000), 'Int64')}, 'UTC')`,
    `Bucket < toDateTime(${params.bind(Math.ceil(window.toMs / 1000), 'Int64')}, 'UTC')`,
  ];
  const eq = (column: string, value: string | undefined): void => {
    if (value !== undefined && value !== '') where.push(`${column} = ${params.bind(value, 'String')}`);
  };
  eq('ServiceName', filters.service);
  eq('Environment', filters.environment);
  eq('Provider', filters.provider);
  eq('Model', filters.model);
  eq('FailureClass', filters.failureClass);
  eq('PromptName', filters.promptName);
  eq('PromptVersion', filters.promptVersion);
  eq('UserId', filters.userId);
  eq('Endpoint', filters.endpoint);
  eq('ConfigVersion', filters.configVersion);
  if (filters.status === 'error') where.push("FailureClass != ''");
  if (filters.status === 'ok') where.push("FailureClass = ''");
  return where;
}

export function spanClassIn(params: SqlParams, classes: readonly string[]): string {
  return `SpanClass IN (${classes.map((c) => params.bind(c, 'String')).join(', ')})`;
}
