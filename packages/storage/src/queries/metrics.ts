import { FAILURE_CLASSES, type MetricPoint, type MetricsQuery, type MetricsResponse } from '@sightline/contracts';
import { ROLLUP_SUMS } from '../migrations/rollup-sql.ts';
import { assertBucketCount, GROUP_BY_COLUMNS, INTERVAL_PLANS, rollupWhere, spanClassIn } from './rollup-filters.ts';
import { SqlParams, toNullableNumber, type QueryDriver } from './sql-params.ts';
import { DEFAULT_METRICS_WINDOW_MS, resolveWindow, type TimeWindow } from './time-window.ts';

export type MetricKind = 'spend' | 'failures' | 'latency';

/** At most this many series; the totals still cover every group. */
export const MAX_SERIES = 20;

interface MetricPlan {
  spanClasses: readonly string[];
  /** Orders groups when only the top `MAX_SERIES` are charted. */
  rankBy: string;
  measures(params: SqlParams): string[];
  /**
   * A rollup key the measures split by (`sumIf(..., CostSource = ...)`). A `-If` over a key cannot
   * be answered from an aggregate projection, so such measures read plain sums per this key from
   * an inner query (which can, see ROLLUP_SUMS) instead of every rollup row.
   */
  splitBy?: string;
}

const DURATION_Q = 'quantilesTDigestMerge(0.5, 0.95, 0.99)(DurationMsQuantiles)';
const TTFT_Q = 'quantilesTDigestMerge(0.5, 0.95, 0.99)(TtftMsQuantiles)';

const PLANS: Record<MetricKind, MetricPlan> = {
  spend: {
    // Tools and agents carry no model usage; embeddings do cost money.
    spanClasses: ['llm', 'embedding'],
    rankBy: 'sum(CostNanos)',
    splitBy: 'CostSource',
    measures: (params) => [
      'sum(CostNanos) / 1e9 AS costUsd',
      'sum(Calls) AS calls',
      'sum(InputTokens) AS inputTokens',
      'sum(OutputTokens) AS outputTokens',
      'sum(CacheReadTokens) AS cacheReadTokens',
      'sum(CacheWriteTokens) AS cacheWriteTokens',
      'sum(ReasoningTokens) AS reasoningTokens',
      `sumIf(Calls, CostSource = ${params.bind('unpriced', 'String')}) AS unpricedCalls`,
    ],
  },
  failures: {
    spanClasses: ['llm', 'embedding', 'tool', 'retrieval'],
    rankBy: 'sum(Errors)',
    splitBy: 'FailureClass',
    measures: (params) => [
      'sum(Calls) AS calls',
      'sum(Errors) AS errors',
      'if(sum(Calls) = 0, NULL, sum(Errors) / sum(Calls)) AS errorRate',
      'sum(ValidationFailures) AS validationFailures',
      'sum(Retries) AS retries',
      // Aliases come from the contracts' closed list of failure classes, values are bound.
      ...FAILURE_CLASSES.map((fc) => `sumIf(Errors, FailureClass = ${params.bind(fc, 'String')}) AS ${fc}`),
    ],
  },
  latency: {
    spanClasses: ['llm'],
    rankBy: 'sum(Calls)',
    measures: () => [
      'sum(Calls) AS calls',
      `${DURATION_Q}[1] AS p50DurationMs`,
      `${DURATION_Q}[2] AS p95DurationMs`,
      `${DURATION_Q}[3] AS p99DurationMs`,
      `${TTFT_Q}[1] AS p50TtftMs`,
      `${TTFT_Q}[2] AS p95TtftMs`,
      `${TTFT_Q}[3] AS p99TtftMs`,
      'if(sum(DurationSumNs) = 0, NULL, sum(OutputTokens) / (sum(DurationSumNs) / 1e9)) AS outputTokensPerSecond',
    ],
  },
};

type Row = Record<string, string | number | null> & { groupKey: string; bucket: number };

/** Spend, failures or latency over time from the rollups, optionally one series per group. */
export async function queryMetrics(
  driver: QueryDriver,
  projectId: string,
  kind: MetricKind,
  query: MetricsQuery,
  now: number = Date.now(),
): Promise<MetricsResponse> {
  const plan = PLANS[kind];
  const interval = INTERVAL_PLANS[query.interval];
  const window = resolveWindow(query.from, query.to, DEFAULT_METRICS_WINDOW_MS, now);
  assertBucketCount(window, interval.bucketMs);
  const params = new SqlParams();
  const where = [
    ...rollupWhere(params, projectId, window, query, interval.bucketMs),
    spanClassIn(params, plan.spanClasses),
  ].join(' AND ');
  const measures = plan.measures(params).join(',\n      ');
  const groupExpr = query.groupBy === undefined ? "'all'" : GROUP_BY_COLUMNS[query.groupBy];
  const topGroups =
    query.groupBy === undefined
      ? ''
      : `AND ${groupExpr} IN (SELECT ${groupExpr} FROM ${interval.table} WHERE ${where}
           GROUP BY ${groupExpr} ORDER BY ${plan.rankBy} DESC, ${groupExpr} LIMIT ${MAX_SERIES})`;

  // With a split, the measures read sums per (group, bucket, split key) that an aggregate projection
  // answers; their names are the rollup's, so the measures read the same either way.
  const source = (keys: readonly (readonly [expr: string, alias: string])[], filter: string): string =>
    plan.splitBy === undefined
      ? `${interval.table} WHERE ${filter}`
      : `(SELECT ${[...keys.map(([expr, alias]) => `${expr} AS ${alias}`), plan.splitBy].join(', ')},
            ${ROLLUP_SUMS.map((c) => `sum(${c}) AS ${c}`).join(', ')}
          FROM ${interval.table} WHERE ${filter}
          GROUP BY ${[...keys.map(([, alias]) => alias), plan.splitBy].join(', ')})`;
  const [rows, totalRows] = await Promise.all([
    driver.query<Row>(
      plan.splitBy === undefined
        ? `SELECT ${groupExpr} AS groupKey, ${interval.bucketExpr} AS bucket,
      ${measures}
       FROM ${source([], `${where} ${topGroups}`)}
       GROUP BY groupKey, bucket
       ORDER BY groupKey, bucket`
        : `SELECT groupKey, bucket,
      ${measures}
       FROM ${source([[groupExpr, 'groupKey'], [interval.bucketExpr, 'bucket']], `${where} ${topGroups}`)}
       GROUP BY groupKey, bucket
       ORDER BY groupKey, bucket`,
      params.values,
    ),
    driver.query<Record<string, string | number | null>>(`SELECT ${measures} FROM ${source([], where)}`, params.values),
  ]);

  const totals = numericFields(totalRows[0] ?? {});
  const byGroup = new Map<string, Map<number, Record<string, number | null>>>();
  for (const row of rows) {
    const { groupKey, bucket, ...values } = row;
    let points = byGroup.get(groupKey);
    if (points === undefined) byGroup.set(groupKey, (points = new Map()));
    points.set(Number(bucket) * 1000, numericFields(values));
  }
  // Every bucket of the window is present: an empty minute is zero calls and zero cost, not a gap
  // for a chart to draw a line across. Rates and percentiles of an empty bucket are null.
  const gap = Object.fromEntries(Object.keys(totals).map((name) => [name, NO_VALUE_WHEN_EMPTY.test(name) ? null : 0]));
  const buckets = bucketStarts(window, interval.bucketMs);
  const series = [...byGroup].map(([key, points]) => ({
    key,
    // zod's catchall type cannot express "t is a string, the rest numbers"; the schema checks it.
    points: buckets.map((ms) => ({ ...(points.get(ms) ?? gap), t: new Date(ms).toISOString() }) as MetricPoint),
  }));
  return { series, totals };
}

/** Measures that have no value (rather than zero) over no calls. */
const NO_VALUE_WHEN_EMPTY = /Rate$|^p\d+|PerSecond$/;

function bucketStarts(window: TimeWindow, bucketMs: number): number[] {
  const starts: number[] = [];
  for (let ms = Math.floor(window.fromMs / bucketMs) * bucketMs; ms < window.toMs; ms += bucketMs) starts.push(ms);
  return starts;
}

function numericFields(values: Record<string, string | number | null>): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const [name, value] of Object.entries(values)) out[name] = toNullableNumber(value);
  return out;
}
