import { QueryError } from './query-error.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** A half-open time window [fromMs, toMs) in epoch milliseconds. */
export interface TimeWindow {
  fromMs: number;
  toMs: number;
}

/**
 * Resolves optional ISO bounds into a window. Without `from` the window reaches back `defaultSpanMs`
 * from `to` (or now): unbounded scans of raw spans are never what a dashboard means.
 */
export function resolveWindow(
  from: string | undefined,
  to: string | undefined,
  defaultSpanMs: number,
  now: number = Date.now(),
): TimeWindow {
  const toMs = to === undefined ? now : parseIso('to', to);
  const fromMs = from === undefined ? toMs - defaultSpanMs : parseIso('from', from);
  if (fromMs >= toMs) {
    throw new QueryError('bad_time_range', `'from' (${from ?? 'default'}) must be before 'to' (${to ?? 'now'})`);
  }
  return { fromMs, toMs };
}

function parseIso(name: string, value: string): number {
  // Date.parse accepts many shapes; insist on something ISO-like so "3" is not year 2001.
  const ms = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms)) {
    throw new QueryError('bad_time_range', `'${name}' must be an ISO-8601 time, got '${value}'`);
  }
  return ms;
}

export const DEFAULT_TRACE_WINDOW_MS = 7 * DAY_MS;
export const DEFAULT_METRICS_WINDOW_MS = DAY_MS;
