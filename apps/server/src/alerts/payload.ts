import type { AlertGroupBy, AlertRule } from '@sightline/contracts';
import type { MetricWindow } from './alert-metrics.ts';

/**
 * Thin notification bodies: rule, group, value, threshold, window and links to the viewer. Never
 * prompt or output text: a receiver that needs detail follows the link with its own credentials.
 */

export type NotificationKind = 'firing' | 'resolved' | 'renotify';

export interface Notification {
  kind: NotificationKind;
  rule: AlertRule;
  groupKey: string;
  value: number | null;
  window: MetricWindow;
  at: Date;
  viewerBaseUrl: string;
}

const UNITS: Record<AlertRule['metric'], (v: number) => string> = {
  spend: (v) => `$${v.toFixed(2)}`,
  spend_forecast: (v) => `$${v.toFixed(2)}`,
  error_rate: (v) => `${(v * 100).toFixed(1)}%`,
  p95_latency: (v) => `${Math.round(v)} ms`,
  p95_ttft: (v) => `${Math.round(v)} ms`,
};
const SYMBOLS = { gt: '>', gte: '≥', lt: '<', lte: '≤' } as const;
/** The trace-list filter each group-by maps to (an endpoint links to the traces rooted at it). */
const GROUP_PARAMS: Record<AlertGroupBy, string> = {
  service: 'service', model: 'model', environment: 'environment', promptVersion: 'promptVersion', userId: 'userId', provider: 'provider',
  endpoint: 'endpoint', configVersion: 'configVersion',
};

export function notificationLinks(n: Notification): { rule: string; traces: string } {
  const base = n.viewerBaseUrl.replace(/\/+$/, '');
  const q = new URLSearchParams({ from: n.window.from.toISOString(), to: n.window.to.toISOString() });
  for (const [k, v] of Object.entries(n.rule.filters)) if (typeof v === 'string') q.set(k, v);
  if (n.rule.groupBy !== null && n.groupKey !== '') q.set(GROUP_PARAMS[n.rule.groupBy], n.groupKey);
  if (n.rule.metric === 'error_rate') q.set('status', 'error');
  if (n.rule.failureClass !== null) q.set('failureClass', n.rule.failureClass);
  return { rule: `${base}/alerts/${encodeURIComponent(n.rule.id)}`, traces: `${base}/traces?${q.toString()}` };
}

export function eventType(kind: NotificationKind): string {
  return kind === 'resolved' ? 'alert.resolved' : 'alert.firing';
}

/** Standard Webhooks body: `{ type, timestamp, data }`. */
export function standardBody(n: Notification): string {
  return JSON.stringify({
    type: eventType(n.kind),
    timestamp: n.at.toISOString(),
    data: {
      state: n.kind === 'resolved' ? 'resolved' : 'firing',
      renotification: n.kind === 'renotify',
      rule: { id: n.rule.id, name: n.rule.name, metric: n.rule.metric, comparator: n.rule.comparator, filters: n.rule.filters },
      group: n.rule.groupBy === null ? null : { by: n.rule.groupBy, value: n.groupKey },
      value: n.value,
      threshold: n.rule.threshold,
      window: { name: n.rule.window, from: n.window.from.toISOString(), to: n.window.to.toISOString() },
      links: notificationLinks(n),
    },
  });
}

/** Slack treats `<…>` as links and mentions; user-chosen names must not be able to @channel. */
const slackEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Slack incoming-webhook message (`text` plus mrkdwn blocks). */
export function slackBody(n: Notification): string {
  const unit = UNITS[n.rule.metric];
  const links = notificationLinks(n);
  const head = n.kind === 'resolved' ? ':white_check_mark: Resolved' : n.kind === 'renotify' ? ':rotating_light: Still firing' : ':rotating_light: Firing';
  const group = n.rule.groupBy === null ? '' : ` — ${n.rule.groupBy} \`${slackEscape(n.groupKey || '(none)')}\``;
  const name = slackEscape(n.rule.name);
  const value = n.value === null ? 'no data' : unit(n.value);
  const line = `${head}: *${name}*${group}\n${n.rule.metric} over ${n.rule.window}: ${value} ${SYMBOLS[n.rule.comparator]} ${unit(n.rule.threshold)}`;
  return JSON.stringify({
    text: `${head}: ${name}${group} (${value})`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: line } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `<${links.rule}|Rule> · <${links.traces}|Traces>` }] },
    ],
  });
}
