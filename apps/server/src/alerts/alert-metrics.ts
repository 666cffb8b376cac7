import type { AlertFilters, AlertGroupBy, AlertRule, AlertWindow } from '@sightline/contracts';
import type { AlertsDriver } from './db.ts';

/**
 * Reads alert metrics from the rollups (never raw spans): the minutely rollup for rolling windows up
 * to 24 h, the hourly one beyond and for calendar windows, which start on an hour boundary anyway.
 * Group and filter columns come from allow-lists; every value is a bound parameter.
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export const GROUP_COLUMNS: Record<AlertGroupBy, string> = {
  service: 'ServiceName',
  model: 'Model',
  environment: 'Environment',
  promptVersion: 'PromptVersion',
  userId: 'UserId',
  provider: 'Provider',
  endpoint: 'Endpoint',
  configVersion: 'ConfigVersion',
};
const FILTER_COLUMNS: Record<keyof AlertFilters, string> = {
  service: 'ServiceName',
  model: 'Model',
  environment: 'Environment',
  promptName: 'PromptName',
  promptVersion: 'PromptVersion',
  userId: 'UserId',
  endpoint: 'Endpoint',
  configVersion: 'ConfigVersion',
};

export interface MetricWindow {
  from: Date;
  to: Date;
  table: 'rollup_minutely' | 'rollup_hourly';
}

export function startOfUtcDay(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
}
export function startOfUtcMonth(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
}
function startOfNextUtcMonth(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
}

export function metricWindow(window: AlertWindow, now: Date): MetricWindow {
  const floorMinute = (ms: number) => new Date(Math.floor(ms / 60_000) * 60_000);
  const floorHour = (ms: number) => new Date(Math.floor(ms / HOUR_MS) * HOUR_MS);
  switch (window) {
    case '1h':
      return { from: floorMinute(now.getTime() - HOUR_MS), to: now, table: 'rollup_minutely' };
    case '24h':
      return { from: floorMinute(now.getTime() - DAY_MS), to: now, table: 'rollup_minutely' };
    case '7d':
      return { from: floorHour(now.getTime() - 7 * DAY_MS), to: now, table: 'rollup_hourly' };
    case 'day':
      return { from: startOfUtcDay(now), to: now, table: 'rollup_hourly' };
    case 'month':
      return { from: startOfUtcMonth(now), to: now, table: 'rollup_hourly' };
  }
}

export interface GroupValue {
  groupKey: string;
  calls: number;
  value: number | null;
}

/** WHERE clause of the rule's filters, with their parameters. */
export function filterClause(filters: AlertFilters, params: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [key, column] of Object.entries(FILTER_COLUMNS) as [keyof AlertFilters, string][]) {
    const value = filters[key];
    if (value === undefined) continue;
    params[`f_${key}`] = value;
    parts.push(`${column} = {f_${key}:String}`);
  }
  return parts.map((p) => ` AND ${p}`).join('');
}

const nanToNull = (expr: string) => `if(isNaN(${expr}), NULL, ${expr})`;

const SQL_COMPARATORS = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;
/** Groups a grouped rule reads at most per evaluation: the worst first, beyond that a warning. */
export const MAX_GROUPS = 10_000;

/**
 * The rule's metric per group. A grouped rule returns only the groups that breach now or are firing
 * (`firingGroups`), filtered in ClickHouse, so "any user over $5" stays cheap with many users.
 */
export async function readMetric(
  db: AlertsDriver,
  projectId: string,
  rule: AlertRule,
  now: Date,
  firingGroups: readonly string[] = [],
): Promise<{ window: MetricWindow; groups: GroupValue[]; truncated: boolean }> {
  const window = metricWindow(rule.window, now);
  const params: Record<string, unknown> = { p: projectId, to: Math.floor(now.getTime() / 1000) };
  const from = window.from;
  let value: string;
  let classFilter = " AND SpanClass = 'llm'";
  switch (rule.metric) {
    case 'spend':
      value = 'sum(CostNanos) / 1e9';
      classFilter = '';
      break;
    case 'error_rate':
      if (rule.failureClass !== null) params.fc = rule.failureClass;
      value = `if(sum(Calls) = 0, NULL, ${rule.failureClass === null ? 'sum(Errors)' : 'sumIf(Errors, FailureClass = {fc:String})'} / sum(Calls))`;
      break;
    case 'p95_latency':
      value = nanToNull('quantilesTDigestMerge(0.5, 0.95, 0.99)(DurationMsQuantiles)[2]');
      break;
    case 'p95_ttft':
      value = nanToNull('quantilesTDigestMerge(0.5, 0.95, 0.99)(TtftMsQuantiles)[2]');
      break;
    case 'spend_forecast': {
      // Month-to-date spend extrapolated by its daily average. The elapsed time is floored at one day
      // so a handful of calls just after midnight on the 1st does not project a huge month.
      const monthStart = startOfUtcMonth(now);
      const elapsedDays = Math.max((now.getTime() - monthStart.getTime()) / DAY_MS, 1);
      const monthDays = (startOfNextUtcMonth(now).getTime() - monthStart.getTime()) / DAY_MS;
      params.scale = monthDays / elapsedDays;
      value = 'sum(CostNanos) / 1e9 * {scale:Float64}';
      classFilter = '';
      break;
    }
  }
  params.from = Math.floor(from.getTime() / 1000);
  const group = rule.groupBy === null ? null : GROUP_COLUMNS[rule.groupBy];
  // Aliases differ from column names: an alias `Calls` would shadow the column inside sum(Calls).
  let tail = '';
  if (group !== null) {
    params.threshold = rule.threshold;
    params.minCalls = rule.minCalls;
    params.firing = [...firingGroups];
    const breach = `metric_value ${SQL_COMPARATORS[rule.comparator]} {threshold:Float64} AND call_count >= {minCalls:UInt64}`;
    const worstFirst = rule.comparator.startsWith('g') ? 'DESC' : 'ASC';
    tail = `GROUP BY group_key HAVING (${breach}) OR has({firing:Array(String)}, group_key)
ORDER BY metric_value ${worstFirst}, group_key LIMIT ${MAX_GROUPS + 1}`;
  }
  const sql = `SELECT ${group ?? "''"} AS group_key, sum(Calls) AS call_count, ${value} AS metric_value
FROM ${window.table}
WHERE ProjectId = {p:String} AND Bucket >= toDateTime({from:UInt32}, 'UTC') AND Bucket <= toDateTime({to:UInt32}, 'UTC')${classFilter}${filterClause(rule.filters, params)}
${tail}`;
  const rows = await db.query<{ group_key: string; call_count: number | string; metric_value: number | string | null }>(sql, params);
  const truncated = rows.length > MAX_GROUPS;
  if (truncated) rows.length = MAX_GROUPS;
  return {
    window,
    truncated,
    groups: rows.map((r) => ({ groupKey: r.group_key, calls: Number(r.call_count), value: r.metric_value === null ? null : Number(r.metric_value) })),
  };
}
