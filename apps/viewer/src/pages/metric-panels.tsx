import type { ComponentChildren } from 'preact';
import type { GroupBy, MetricSeries } from '@sightline/contracts';
import { FAILURE_CLASSES } from '@sightline/contracts';
import { api } from '../api/client.ts';
import type { Query } from '../api/client.ts';
import { useResource } from '../use-resource.ts';
import { explorerHref } from '../model/filters.ts';
import { pickField, toTable, totalsByKey } from '../model/series.ts';
import type { BucketRange, SeriesLike } from '../model/series.ts';
import { columnLabel, formatterFor, formatMs, formatPercent, formatUsd } from '../model/format.ts';
import { BarList, Lines, StackedBars } from '../components/charts.tsx';
import { Empty, ErrorBox, Loading } from '../components/ui.tsx';
import type { Resource } from '../use-resource.ts';

export const SPEND_FIELDS = ['costUsd', 'spendUsd', 'cost'] as const;
const FAILURE_RATE_FIELDS = ['errorRate', 'failureRate'] as const;
// Field names of packages/storage's latency query (rollup t-digests).
const LATENCY_FIELDS = ['p50DurationMs', 'p95DurationMs', 'p99DurationMs', 'p50TtftMs', 'p95TtftMs', 'p99TtftMs'];

interface PanelProps {
  query: Query;
  queryKey: string;
}

function Panel<T>({ title, res, children, wide }: { title: string; res: Resource<T>; children: (data: T) => ComponentChildren; wide?: boolean }) {
  return (
    <article class={`panel${wide ? ' wide' : ''}`} aria-label={title}>
      <h2>{title}</h2>
      {res.error ? <ErrorBox error={res.error} onRetry={res.reload} /> : res.data === undefined ? <Loading /> : children(res.data)}
    </article>
  );
}

const hasPoints = (series: readonly MetricSeries[]) => series.some((s) => s.points.length > 0);

const STEP_MS: Record<string, number> = { minute: 60e3, hour: 3600e3, day: 86400e3 };

function bucketRange(query: Query): BucketRange | undefined {
  const fromMs = typeof query['from'] === 'string' ? Date.parse(query['from']) : Number.NaN;
  const toMs = typeof query['to'] === 'string' ? Date.parse(query['to']) : Number.NaN;
  const stepMs = STEP_MS[String(query['interval'])];
  return Number.isNaN(fromMs) || Number.isNaN(toMs) || !stepMs ? undefined : { fromMs, toMs, stepMs };
}

/** What "spend over time" can be stacked by, with the label its picker shows. */
const SPEND_BY: readonly (readonly [GroupBy, string])[] = [
  ['model', 'model'],
  ['endpoint', 'endpoint'],
  ['service', 'service'],
  ['userId', 'user'],
  ['promptVersion', 'prompt version'],
  ['configVersion', 'config version'],
  ['provider', 'provider'],
  ['environment', 'environment'],
];

export function readSpendBy(value: string | null): GroupBy {
  return SPEND_BY.find(([key]) => key === value)?.[0] ?? 'model';
}

export function SpendOverTimePanel({ query, queryKey, groupBy = 'model', onGroupBy }: PanelProps & { groupBy?: GroupBy; onGroupBy?: (g: GroupBy) => void }) {
  const res = useResource((signal) => api.metrics('spend', { ...query, groupBy }, signal), [queryKey, groupBy], { refreshMs: 30_000 });
  const label = SPEND_BY.find(([key]) => key === groupBy)?.[1] ?? groupBy;
  return (
    <Panel title={`Spend over time by ${label}`} res={res} wide>
      {(data) => {
        const field = pickField(data.series, SPEND_FIELDS);
        const picker = onGroupBy ? (
          <label class="panel-control">
            Stack by{' '}
            <select name="spendBy" value={groupBy} onChange={(e) => onGroupBy(readSpendBy(e.currentTarget.value))}>
              {SPEND_BY.map(([key, text]) => (
                <option key={key} value={key}>
                  {text}
                </option>
              ))}
            </select>
          </label>
        ) : null;
        if (!field || !hasPoints(data.series)) return <>{picker}<Empty>No spend in this range.</Empty></>;
        return (
          <>
            {picker}
            <StackedBars table={toTable(data.series, field, bucketRange(query))} format={formatUsd} label={`Spend over time, stacked by ${label}`} width={1200} />
          </>
        );
      }}
    </Panel>
  );
}

export function BreakdownPanel({ title, groupBy, query, queryKey }: PanelProps & { title: string; groupBy: GroupBy }) {
  const res = useResource((signal) => api.metrics('spend', { ...query, groupBy }, signal), [queryKey, groupBy], { refreshMs: 30_000 });
  return (
    <Panel title={title} res={res}>
      {(data) => {
        const field = pickField(data.series, SPEND_FIELDS);
        const rows = field ? totalsByKey(data.series, field).filter((r) => r.value > 0) : [];
        if (rows.length === 0) return <Empty>No spend in this range.</Empty>;
        return <BarList rows={rows} format={formatUsd} label={title} hrefFor={(key) => explorerHref(groupBy, key, { from: query['from'], to: query['to'] })} />;
      }}
    </Panel>
  );
}

export function FailurePanel({ query, queryKey }: PanelProps) {
  const res = useResource((signal) => api.metrics('failures', query, signal), [queryKey], { refreshMs: 30_000 });
  return (
    <Panel title="Failure rate and classes" res={res}>
      {(data) => {
        if (!hasPoints(data.series)) return <Empty>No calls in this range.</Empty>;
        const rate = pickField(data.series, FAILURE_RATE_FIELDS);
        // Class counts come either as numeric fields named after the classes or as series keyed by class.
        const classRows = FAILURE_CLASSES.map((c) => ({
          key: c,
          value: data.series.reduce((n, s) => n + s.points.reduce((m, p) => m + (typeof p[c] === 'number' ? (p[c] as number) : 0), 0), 0),
        })).filter((r) => r.value > 0);
        const totalsRows = Object.entries(data.totals)
          .filter(([k, v]) => (FAILURE_CLASSES as readonly string[]).includes(k) && typeof v === 'number' && v > 0)
          .map(([key, value]) => ({ key, value: value as number }));
        const classes = classRows.length > 0 ? classRows : totalsRows;
        return (
          <>
            {rate && <Lines table={toTable(data.series, rate, bucketRange(query))} format={formatPercent} label="Failure rate over time" />}
            {classes.length > 0 ? <BarList rows={classes.sort((a, b) => b.value - a.value)} format={(v) => String(v)} label="Failures by class" /> : <p class="subtle">No failures in this range.</p>}
          </>
        );
      }}
    </Panel>
  );
}

/** One ungrouped latency series becomes one line per percentile field. */
function percentileSeries(series: readonly MetricSeries[], fields: readonly string[]): SeriesLike[] {
  const all = series.flatMap((s) => s.points);
  return fields
    .filter((f) => all.some((p) => typeof p[f] === 'number'))
    .map((f) => ({ key: columnLabel(f), points: all.map((p) => ({ t: p.t, v: p[f] ?? null })) }));
}

export function LatencyPanel({ query, queryKey }: PanelProps) {
  const res = useResource((signal) => api.metrics('latency', query, signal), [queryKey], { refreshMs: 30_000 });
  return (
    <Panel title="Latency and TTFT percentiles" res={res}>
      {(data) => {
        const latency = percentileSeries(data.series, LATENCY_FIELDS.filter((f) => !f.toLowerCase().includes('ttft')));
        const ttft = percentileSeries(data.series, LATENCY_FIELDS.filter((f) => f.toLowerCase().includes('ttft')));
        if (latency.length === 0 && ttft.length === 0) return <Empty>No calls in this range.</Empty>;
        return (
          <>
            {latency.length > 0 && <Lines table={toTable(latency, 'v', bucketRange(query))} format={formatMs} label="Latency percentiles" />}
            {ttft.length > 0 ? <Lines table={toTable(ttft, 'v', bucketRange(query))} format={formatMs} label="Time to first token percentiles" /> : <p class="subtle">No streamed calls (no TTFT) in this range.</p>}
            <Totals totals={data.totals} />
          </>
        );
      }}
    </Panel>
  );
}

function Totals({ totals }: { totals: Record<string, number | null> }) {
  const entries = Object.entries(totals);
  if (entries.length === 0) return null;
  return (
    <dl class="kv totals">
      {entries.map(([k, v]) => (
        <div key={k}>
          <dt>{columnLabel(k)}</dt>
          <dd>{formatterFor(k)(v)}</dd>
        </div>
      ))}
    </dl>
  );
}
