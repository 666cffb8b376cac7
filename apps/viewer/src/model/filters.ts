import { FAILURE_CLASSES, TRACE_SORTS } from '@sightline/contracts';

/**
 * The explorer's filters as they live in the URL. Values stay strings here (exactly what the user
 * typed); the server validates and answers a clear 400 for a bad one, which the page shows.
 */

export const TEXT_FILTERS = [
  'service',
  'environment',
  'model',
  'provider',
  'promptName',
  'promptVersion',
  'configVersion',
  'endpoint',
  'userId',
  'sessionId',
  'minCostUsd',
  'minDurationMs',
  'q',
] as const;
export type TextFilter = (typeof TEXT_FILTERS)[number];

export const STATUS_VALUES = ['ok', 'error'] as const;
export { FAILURE_CLASSES, TRACE_SORTS };

/** Relative ranges keep a moving window ("last hour") so auto-refresh shows new traces. */
export const RANGES = { '15m': 15 * 60e3, '1h': 3600e3, '6h': 6 * 3600e3, '24h': 24 * 3600e3, '7d': 7 * 86400e3, '30d': 30 * 86400e3 } as const;
export type RangeKey = keyof typeof RANGES;

export interface ExplorerState {
  text: Partial<Record<TextFilter, string>>;
  status: string;
  failureClass: string;
  attr: string[];
  range: RangeKey | 'custom' | 'all';
  from: string;
  to: string;
  sort: string;
  order: 'asc' | 'desc';
}

export function isRange(v: string | null): v is RangeKey {
  return v !== null && Object.hasOwn(RANGES, v);
}

export function readExplorerState(params: URLSearchParams): ExplorerState {
  const text: Partial<Record<TextFilter, string>> = {};
  for (const key of TEXT_FILTERS) {
    const v = params.get(key);
    if (v) text[key] = v;
  }
  const range = params.get('range');
  const from = params.get('from') ?? '';
  const to = params.get('to') ?? '';
  const sort = params.get('sort') ?? 'startTime';
  return {
    text,
    status: params.get('status') ?? '',
    failureClass: params.get('failureClass') ?? '',
    attr: params.getAll('attr').filter(Boolean),
    range: isRange(range) ? range : from || to ? 'custom' : range === 'all' ? 'all' : '24h',
    from,
    to,
    sort: (TRACE_SORTS as readonly string[]).includes(sort) ? sort : 'startTime',
    order: params.get('order') === 'asc' ? 'asc' : 'desc',
  };
}

/** Resolves a relative range against `now` into the absolute `from`/`to` the API takes. */
export function timeBounds(state: Pick<ExplorerState, 'range' | 'from' | 'to'>, now: number): { from?: string; to?: string } {
  if (state.range === 'all') return {};
  if (state.range === 'custom') {
    const out: { from?: string; to?: string } = {};
    if (state.from) out.from = toIso(state.from);
    if (state.to) out.to = toIso(state.to);
    return out;
  }
  return { from: new Date(now - RANGES[state.range]).toISOString(), to: new Date(now).toISOString() };
}

/** `datetime-local` values carry no zone: they mean the viewer's local time. */
function toIso(v: string): string {
  const t = Date.parse(v);
  return Number.isNaN(t) ? v : new Date(t).toISOString();
}

/** The query string for `/api/traces`, from the URL state. */
export function traceListQuery(state: ExplorerState, now: number): Record<string, string | string[]> {
  const q: Record<string, string | string[]> = { ...stripEmpty(state.text), ...timeBounds(state, now) };
  if (state.status) q['status'] = state.status;
  if (state.failureClass) q['failureClass'] = state.failureClass;
  if (state.attr.length > 0) q['attr'] = state.attr;
  q['sort'] = state.sort;
  q['order'] = state.order;
  return q;
}

function stripEmpty(o: Partial<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) if (v && v.trim()) out[k] = v.trim();
  return out;
}

/** How many filters narrow the list (the time range excluded), for the "clear" affordance. */
export function activeFilterCount(state: ExplorerState): number {
  return Object.values(state.text).filter(Boolean).length + (state.status ? 1 : 0) + (state.failureClass ? 1 : 0) + state.attr.length;
}

/**
 * The explorer filtered to one group of a dashboard breakdown, over the dashboard's window. Prompt
 * versions arrive as `name@version`; the empty group ("(none)") has no filter that expresses it.
 */
export function explorerHref(groupBy: string, key: string, window: { from?: unknown; to?: unknown }): string | null {
  if (key === '(none)' || key === '') return null;
  const params = new URLSearchParams();
  if (groupBy === 'promptVersion') {
    const at = key.lastIndexOf('@');
    if (at <= 0) return null;
    params.set('promptName', key.slice(0, at));
    params.set('promptVersion', key.slice(at + 1));
  } else params.set(groupBy, key);
  if (typeof window.from === 'string') params.set('from', window.from);
  if (typeof window.to === 'string') params.set('to', window.to);
  return `/traces?${params.toString()}`;
}

/** An ISO time as a `datetime-local` input value (local time, minutes), '' when unparseable. */
export function toLocalInput(v: string): string {
  const t = Date.parse(v);
  if (Number.isNaN(t)) return '';
  const d = new Date(t);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
