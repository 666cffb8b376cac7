import type { AlertEvent, AlertRule, EvaluationResponse } from '@sightline/contracts';
import { MAX_GROUPS, readMetric } from './alert-metrics.ts';
import { newId, silentLogger, type AlertsDriver, type AlertsLogger } from './db.ts';
import { eventType, slackBody, standardBody, type Notification, type NotificationKind } from './payload.ts';
import type { RuleStore, StoredState } from './rule-store.ts';
import type { WebhookStore } from './webhook-store.ts';

/**
 * Evaluates one rule: reads its metric per group from the rollups, moves each group through
 * OK → FIRING → OK (a RESOLVED event), and for each crossing writes one outbox message per webhook,
 * then the event, then the new state. That order errs towards a duplicate notification after a crash,
 * never a lost one.
 */

export interface EvaluatorDeps {
  db: AlertsDriver;
  rules: RuleStore;
  webhooks: WebhookStore;
  viewerBaseUrl: string;
  logger?: AlertsLogger;
  /** Called after messages were enqueued, so the outbox worker can send at once. */
  onEnqueued?: () => void;
}

const COMPARE = {
  gt: (v: number, t: number) => v > t,
  gte: (v: number, t: number) => v >= t,
  lt: (v: number, t: number) => v < t,
  lte: (v: number, t: number) => v <= t,
} as const;

export class RuleEvaluator {
  /** One evaluation per rule at a time: the scheduler and the "test" button must not both fire. */
  private readonly running = new Map<string, Promise<unknown>>();

  constructor(private readonly deps: EvaluatorDeps) {}

  evaluate(projectId: string, rule: AlertRule, now: Date): Promise<EvaluationResponse> {
    const key = `${projectId}\u0000${rule.id}`;
    const previous = this.running.get(key) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.evaluateNow(projectId, rule, now));
    this.running.set(key, next);
    void next.finally(() => {
      if (this.running.get(key) === next) this.running.delete(key);
    }).catch(() => undefined);
    return next;
  }

  private async evaluateNow(projectId: string, rule: AlertRule, now: Date): Promise<EvaluationResponse> {
    const { rules } = this.deps;
    const stored = await rules.states(projectId, rule.id);
    const firing = stored.filter((s) => s.state === 'firing').map((s) => s.groupKey);
    const metric = await readMetric(this.deps.db, projectId, rule, now, firing);
    if (metric.truncated) {
      (this.deps.logger ?? silentLogger).warn('alert rule breaches in more groups than one evaluation reads; the worst are judged', { ruleId: rule.id, limit: MAX_GROUPS });
    }
    const previous = new Map(stored.map((s) => [s.groupKey, s]));
    const results: EvaluationResponse['groups'] = [];
    const nextStates: StoredState[] = [];
    const notifications: Notification[] = [];
    const seen = new Set<string>();

    const judge = (groupKey: string, value: number | null, calls: number) => {
      seen.add(groupKey);
      const breached = value !== null && calls >= rule.minCalls && COMPARE[rule.comparator](value, rule.threshold);
      const prev = previous.get(groupKey);
      const wasFiring = prev?.state === 'firing';
      let transition: NotificationKind | 'none' = 'none';
      if (breached && !wasFiring) transition = 'firing';
      else if (!breached && wasFiring) transition = 'resolved';
      else if (breached && wasFiring && rule.renotifyMinutes > 0) {
        const last = prev.lastNotifiedAt ?? prev.since;
        if (now.getTime() - last.getTime() >= rule.renotifyMinutes * 60_000) transition = 'renotify';
      }
      const state = breached ? 'firing' : 'ok';
      results.push({ groupKey, value, calls, breached, state, transition });
      // Ungrouped rules always keep their one state row (the viewer shows its last value); grouped
      // rules write rows only for groups that fire or just changed, not for every user ever seen.
      if (rule.groupBy === null || breached || transition !== 'none') {
        nextStates.push({
          groupKey,
          state,
          value,
          since: transition === 'firing' || transition === 'resolved' || !prev ? now : prev.since,
          lastEvaluatedAt: now,
          lastNotifiedAt: transition === 'none' ? (prev?.lastNotifiedAt ?? null) : now,
        });
      }
      if (transition !== 'none') {
        notifications.push({ kind: transition, rule, groupKey, value, window: metric.window, at: now, viewerBaseUrl: this.deps.viewerBaseUrl });
      }
    };

    for (const g of metric.groups) judge(g.groupKey, g.value, g.calls);
    // A firing group with no data left in the window has nothing to breach with: it resolves.
    for (const s of stored) if (!seen.has(s.groupKey) && s.state === 'firing') judge(s.groupKey, null, 0);

    const events = await this.notify(projectId, rule, notifications);
    await rules.addEvents(projectId, events);
    await rules.saveStates(projectId, rule.id, nextStates);
    return {
      ruleId: rule.id,
      evaluatedAt: now.toISOString(),
      window: { from: metric.window.from.toISOString(), to: metric.window.to.toISOString() },
      groups: results,
    };
  }

  private async notify(projectId: string, rule: AlertRule, notifications: Notification[]): Promise<AlertEvent[]> {
    if (notifications.length === 0) return [];
    const logger = this.deps.logger ?? silentLogger;
    const hooks = [];
    for (const id of rule.webhookIds) {
      const hook = await this.deps.webhooks.get(projectId, id);
      if (hook?.enabled) hooks.push(hook);
      else logger.warn('alert rule refers to a missing or disabled webhook', { ruleId: rule.id, webhookId: id });
    }
    const events: AlertEvent[] = [];
    const messages = [];
    for (const n of notifications) {
      const ids: string[] = [];
      for (const hook of hooks) {
        const id = newId('msg');
        ids.push(id);
        messages.push({
          projectId,
          id,
          webhookId: hook.id,
          eventType: eventType(n.kind),
          body: hook.type === 'slack' ? slackBody(n) : standardBody(n),
          nextAttemptAt: n.at,
          createdAt: n.at,
        });
      }
      events.push({ id: newId('evt'), ruleId: rule.id, ruleName: rule.name, groupKey: n.groupKey, kind: n.kind, value: n.value, threshold: rule.threshold, at: n.at.toISOString(), messageIds: ids });
    }
    await this.deps.webhooks.enqueue(messages);
    if (messages.length > 0) this.deps.onEnqueued?.();
    return events;
  }
}
