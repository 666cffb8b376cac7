
/**
 * Chart-ready tables from metric series: one row per time bucket, one column per series key, so
 * stacked bars and multi-line charts share a single x axis even when a series skips buckets.
 */

/** A metric series as the API sends it: `t` plus numeric fields per point. */
export interface SeriesLike {
  key: string;
  points: readonly ({ t: string } & Record<string, unknown>)[];
}
type MetricSeries = SeriesLike;

export interface SeriesTable {
  times: number[];
  keys: string[];
  /** values[keyIndex][timeIndex]; null where the series has no point. */
  values: (number | null)[][];
}

/** Picks the field to plot: the first preferred one present, else the first numeric field. */
export function pickField(series: readonly MetricSeries[], preferred: readonly string[]): string | null {
  const present = new Set<string>();
  for (const s of series) for (const p of s.points) for (const [k, v] of Object.entries(p)) if (k !== 't' && (typeof v === 'number' || v === null)) present.add(k);
  for (const f of preferred) if (present.has(f)) return f;
  return present.values().next().value ?? null;
}

export function numericFields(series: readonly MetricSeries[]): string[] {
  const present = new Set<string>();
  for (const s of series) for (const p of s.points) for (const k of Object.keys(p)) if (k !== 't') present.add(k);
  return [...present];
}

/** The whole requested window on the x axis, not just the buckets that have data. */
export interface BucketRange {
  fromMs: number;
  toMs: number;
  stepMs: number;
}

/** At most this many empty buckets are added: a bad range must not build a huge axis. */
const MAX_BUCKETS = 400;

export function toTable(series: readonly MetricSeries[], field: string, range?: BucketRange): SeriesTable {
  const timeSet = new Set<number>();
  for (const s of series) for (const p of s.points) timeSet.add(Date.parse(p.t));
  if (range && range.stepMs > 0 && (range.toMs - range.fromMs) / range.stepMs <= MAX_BUCKETS) {
    // Buckets start on multiples of the step in UTC, as the server's rollups do.
    for (let t = Math.floor(range.fromMs / range.stepMs) * range.stepMs; t < range.toMs; t += range.stepMs) timeSet.add(t);
  }
  const times = [...timeSet].filter((t) => !Number.isNaN(t)).sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const values = series.map((s) => {
    const row: (number | null)[] = times.map(() => null);
    for (const p of s.points) {
      const i = index.get(Date.parse(p.t));
      const v = p[field];
      if (i !== undefined && typeof v === 'number') row[i] = v;
    }
    return row;
  });
  return { times, keys: series.map((s) => s.key || '(none)'), values };
}

/** Sum of a field over each series, largest first: the "spend by service" bars. */
export function totalsByKey(series: readonly MetricSeries[], field: string): { key: string; value: number }[] {
  return series
    .map((s) => ({ key: s.key || '(none)', value: s.points.reduce((n, p) => n + (typeof p[field] === 'number' ? p[field] : 0), 0) }))
    .sort((a, b) => b.value - a.value);
}

/** Ticks at "nice" steps (1, 2, 5 × 10^n) covering [0, max]. */
export function niceTicks(max: number, count = 4): number[] {
  if (!(max > 0)) return [0];
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let v = 0; v <= max + step * 0.001; v += step) ticks.push(Number(v.toPrecision(12)));
  if ((ticks.at(-1) ?? 0) < max) ticks.push(Number((ticks.length * step).toPrecision(12)));
  return ticks;
}

/** A fixed palette (colour-blind friendly order); series keep their colour across charts by key. */
export const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

export function colorFor(key: string, keys: readonly string[]): string {
  const i = keys.indexOf(key);
  return PALETTE[(i < 0 ? 0 : i) % PALETTE.length]!;
}
