import type { AlertMetric, AlertRule } from '@sightline/contracts';
import { formatMs, formatPercent, formatUsd } from '../model/format.ts';

export const METRIC_LABELS: Record<AlertMetric, string> = {
  spend: 'Spend (USD)',
  error_rate: 'Error rate (fraction 0–1)',
  p95_latency: 'p95 latency (ms)',
  p95_ttft: 'p95 time to first token (ms)',
  spend_forecast: 'Month-end spend forecast (USD)',
};

const COMPARATOR: Record<AlertRule['comparator'], string> = { gt: '>', gte: '≥', lt: '<', lte: '≤' };

/** A value in the metric's own unit (USD, fraction, milliseconds). */
export function formatMetricValue(metric: AlertMetric | undefined, v: number | null): string {
  if (v === null) return '—';
  if (metric === 'spend' || metric === 'spend_forecast') return formatUsd(v);
  if (metric === 'error_rate') return formatPercent(v);
  if (metric === 'p95_latency' || metric === 'p95_ttft') return formatMs(v);
  return String(v);
}

export function describeRule(r: AlertRule): string {
  const scope = Object.entries(r.filters)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  const fc = r.failureClass ? ` (${r.failureClass})` : '';
  const by = r.groupBy ? ` per ${r.groupBy}` : '';
  return `${r.metric}${fc} ${COMPARATOR[r.comparator]} ${formatMetricValue(r.metric, r.threshold)} over ${r.window}${by}${scope ? ` where ${scope}` : ''}`;
}
