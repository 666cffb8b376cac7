import type { TraceFilters } from '@sightline/contracts';
import { QueryError } from './query-error.ts';
import type { SqlParams } from './sql-params.ts';
import type { TimeWindow } from './time-window.ts';

/**
 * Filters on raw `spans` rows. Span-level filters (model, prompt, user, free text, attributes) hold
 * on one span together; trace-level filters (status, cost, duration) apply to the whole trace.
 */
export interface SpanPredicates {
  /** Conditions for WHERE: project, time; always present. */
  where: string;
  /** One boolean expression a matching span satisfies, or null when no span-level filter is set. */
  spanMatch: string | null;
  /** HAVING conditions on the per-trace aggregates of `TRACE_AGGREGATES`. */
  having: string[];
}

/** Scan slack past `to`: a trace that starts inside the window keeps its late spans. */
const LATE_SPAN_SLACK_MS = 3_600_000;

export function projectAndWindow(params: SqlParams, projectId: string, window: TimeWindow, slackMs = 0): string {
  const p = params.bind(projectId, 'String');
  const from = params.bind(window.fromMs, 'Int64');
  const to = params.bind(window.toMs + slackMs, 'Int64');
  return `ProjectId = ${p} AND Timestamp >= fromUnixTimestamp64Milli(${from}) AND Timestamp < fromUnixTimestamp64Milli(${to})`;
}

export function spanPredicates(
  params: SqlParams,
  projectId: string,
  window: TimeWindow,
  filters: TraceFilters,
): SpanPredicates {
  const where = projectAndWindow(params, projectId, window, LATE_SPAN_SLACK_MS);
  const spanMatch = spanMatchExpr(params, filters);
  return { where, spanMatch, having: traceHaving(params, window, filters) };
}

/** One boolean expression over a span for every span-level filter; null when none is set. */
export function spanMatchExpr(params: SqlParams, filters: Partial<TraceFilters>): string | null {
  const match: string[] = [];
  const eq = (column: string, value: string | undefined): void => {
    if (value !== undefined && value !== '') match.push(`${column} = ${params.bind(value, 'String')}`);
  };
  eq('ServiceName', filters.service);
  eq('Environment', filters.environment);
  eq('Provider', filters.provider);
  eq('FailureClass', filters.failureClass);
  eq('PromptName', filters.promptName);
  eq('PromptVersion', filters.promptVersion);
  eq('UserId', filters.userId);
  eq('SessionId', filters.sessionId);
  if (filters.model !== undefined && filters.model !== '') {
    const m = params.bind(filters.model, 'String');
    match.push(`(RequestModel = ${m} OR ResponseModel = ${m})`);
  }
  if (filters.q !== undefined && filters.q.trim() !== '') {
    const q = params.bind(filters.q.trim(), 'String');
    match.push(`(positionCaseInsensitiveUTF8(InputContent, ${q}) > 0 OR positionCaseInsensitiveUTF8(OutputContent, ${q}) > 0)`);
  }
  if (filters.configVersion !== undefined && filters.configVersion !== '') {
    // A column of its own (migration 0007, computed from `sightline.config.version` at insert).
    match.push(`ConfigVersion = ${params.bind(filters.configVersion, 'String')}`);
  }
  for (const pair of attrPairs(filters.attr)) {
    match.push(`SpanAttributes[${params.bind(pair.key, 'String')}] = ${params.bind(pair.value, 'String')}`);
  }
  return match.length === 0 ? null : match.join(' AND ');
}

function traceHaving(params: SqlParams, window: TimeWindow, filters: TraceFilters): string[] {
  const having: string[] = [];
  if (filters.status === 'error') having.push('errorCount > 0');
  if (filters.status === 'ok') having.push('errorCount = 0');
  if (filters.minCostUsd !== undefined) {
    having.push(`costNanos >= ${params.bind(Math.round(filters.minCostUsd * 1e9), 'Int64')}`);
  }
  if (filters.minDurationMs !== undefined) {
    having.push(`durationNs >= ${params.bind(Math.round(filters.minDurationMs * 1e6), 'Int64')}`);
  }
  // The endpoint is the root span's name: a trace whose root has not arrived has none yet.
  if (filters.endpoint !== undefined && filters.endpoint !== '') {
    having.push(`rootSpanCount > 0 AND rootName = ${params.bind(filters.endpoint, 'String')}`);
  }
  // Traces must start inside the window; the scan reaches a little past `to` for their late spans.
  having.push(`startNs >= ${params.bind(msToNsText(window.fromMs), 'Int64')}`);
  having.push(`startNs < ${params.bind(msToNsText(window.toMs), 'Int64')}`);
  return having;
}

/** `attr=key=value`, repeatable. The key is a bound value, so any attribute name is safe to ask for. */
export function attrPairs(attr: string | string[] | undefined): { key: string; value: string }[] {
  if (attr === undefined) return [];
  const list = Array.isArray(attr) ? attr : [attr];
  return list.map((raw) => {
    const at = raw.indexOf('=');
    if (at <= 0) throw new QueryError('bad_filter', `'attr' must look like key=value, got '${raw}'`);
    return { key: raw.slice(0, at), value: raw.slice(at + 1) };
  });
}

/** Nanoseconds since 1970 exceed 2^53, so they travel as decimal strings. */
function msToNsText(ms: number): string {
  return (BigInt(Math.trunc(ms)) * 1_000_000n).toString();
}
