import { z } from 'zod';
import { FAILURE_CLASSES } from './span-row.ts';

/**
 * Shapes of the alerts, webhooks and budgets API (`/api/alerts/*`, `/api/webhooks*`, `/api/budgets*`)
 * and of the policy-as-code file (`SIGHTLINE_ALERTS_FILE`). Names are the public contract.
 */

const isoTime = z.string();
const name = z.string().trim().min(1).max(200);

// --- rules -------------------------------------------------------------------------------------
export const ALERT_METRICS = ['spend', 'error_rate', 'p95_latency', 'p95_ttft', 'spend_forecast'] as const;
export const AlertMetric = z.enum(ALERT_METRICS);
export type AlertMetric = z.infer<typeof AlertMetric>;

/** Rolling windows (`1h`, `24h`, `7d`) or calendar ones in UTC (`day`, `month`). */
export const ALERT_WINDOWS = ['1h', '24h', '7d', 'day', 'month'] as const;
export const AlertWindow = z.enum(ALERT_WINDOWS);
export type AlertWindow = z.infer<typeof AlertWindow>;

export const ALERT_GROUP_BY = ['service', 'model', 'environment', 'promptVersion', 'userId', 'provider', 'endpoint', 'configVersion'] as const;
export const AlertGroupBy = z.enum(ALERT_GROUP_BY);
export type AlertGroupBy = z.infer<typeof AlertGroupBy>;

export const ALERT_COMPARATORS = ['gt', 'gte', 'lt', 'lte'] as const;

export const AlertFilters = z.strictObject({
  service: z.string().min(1).optional(),
  model: z.string().min(1).optional(),
  environment: z.string().min(1).optional(),
  promptName: z.string().min(1).optional(),
  promptVersion: z.string().min(1).optional(),
  userId: z.string().min(1).optional(),
  /** The endpoint the spans served (`sightline.endpoint`: `POST /chat`, a workflow). */
  endpoint: z.string().min(1).optional(),
  configVersion: z.string().min(1).optional(),
});
export type AlertFilters = z.infer<typeof AlertFilters>;

/**
 * What a client sends to create or replace a rule. `threshold` is in the metric's unit: USD for
 * `spend` and `spend_forecast` (the budget), a fraction 0–1 for `error_rate`, milliseconds for the p95s.
 */
const alertRuleFields = {
  name,
  description: z.string().max(2000).default(''),
  metric: AlertMetric,
  window: AlertWindow.default('24h'),
  comparator: z.enum(ALERT_COMPARATORS).default('gt'),
  threshold: z.number().finite().nonnegative(),
  /** error_rate only: count only failures of this class. */
  failureClass: z.enum(FAILURE_CLASSES).optional(),
  /** A group needs at least this many calls in the window to be judged (guards error_rate and the p95s). */
  minCalls: z.number().int().nonnegative().default(0),
  filters: AlertFilters.default({}),
  groupBy: AlertGroupBy.optional(),
  intervalSeconds: z.number().int().min(10).max(86_400).default(60),
  /** Re-send while still firing after this many minutes; 0 = one notification per crossing. */
  renotifyMinutes: z.number().int().nonnegative().max(10_080).default(0),
  webhookIds: z.array(z.string().min(1)).max(20).default([]),
  enabled: z.boolean().default(true),
};

/** Cross-field rules shared by the API body and the policy file. */
function checkRule<T extends z.ZodType<{ metric: AlertMetric; window: AlertWindow; threshold: number; failureClass?: string | undefined }>>(schema: T): T {
  return schema
    .refine((r) => r.metric !== 'spend_forecast' || r.window === 'month', {
      message: "spend_forecast forecasts the calendar month: window must be 'month'",
      path: ['window'],
    })
    .refine((r) => r.metric !== 'error_rate' || r.threshold <= 1, {
      message: 'error_rate threshold is a fraction between 0 and 1 (0.05 = 5%)',
      path: ['threshold'],
    })
    .refine((r) => r.failureClass === undefined || r.metric === 'error_rate', {
      message: 'failureClass applies to error_rate rules only',
      path: ['failureClass'],
    });
}

export const AlertRuleInput = checkRule(z.strictObject(alertRuleFields));
export type AlertRuleInput = z.input<typeof AlertRuleInput>;
export type AlertRuleSpec = z.output<typeof AlertRuleInput>;

export const AlertRule = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  metric: AlertMetric,
  window: AlertWindow,
  comparator: z.enum(ALERT_COMPARATORS),
  threshold: z.number(),
  failureClass: z.enum(FAILURE_CLASSES).nullable(),
  minCalls: z.number(),
  filters: AlertFilters,
  groupBy: AlertGroupBy.nullable(),
  intervalSeconds: z.number(),
  renotifyMinutes: z.number(),
  webhookIds: z.array(z.string()),
  enabled: z.boolean(),
  /** 'file' rules come from SIGHTLINE_ALERTS_FILE and are read-only through the API. */
  source: z.enum(['api', 'file']),
  createdAt: isoTime,
  updatedAt: isoTime,
});
export type AlertRule = z.infer<typeof AlertRule>;

export const AlertGroupState = z.object({
  groupKey: z.string(),
  state: z.enum(['ok', 'firing']),
  value: z.number().nullable(),
  since: isoTime,
  lastEvaluatedAt: isoTime,
});
export type AlertGroupState = z.infer<typeof AlertGroupState>;

export const AlertRuleWithState = AlertRule.extend({ groups: z.array(AlertGroupState) });
export const AlertRuleListResponse = z.object({ items: z.array(AlertRuleWithState) });

export const ALERT_EVENT_KINDS = ['firing', 'resolved', 'renotify'] as const;
export const AlertEvent = z.object({
  id: z.string(),
  ruleId: z.string(),
  ruleName: z.string(),
  /** '' for an ungrouped rule; otherwise the group's value (a user id, a model name...). */
  groupKey: z.string(),
  kind: z.enum(ALERT_EVENT_KINDS),
  value: z.number().nullable(),
  threshold: z.number(),
  at: isoTime,
  /** Outbox message ids enqueued for this event, one per webhook. */
  messageIds: z.array(z.string()),
});
export type AlertEvent = z.infer<typeof AlertEvent>;
export const AlertEventListResponse = z.object({ items: z.array(AlertEvent) });

export const EvaluationGroupResult = z.object({
  groupKey: z.string(),
  value: z.number().nullable(),
  calls: z.number(),
  breached: z.boolean(),
  state: z.enum(['ok', 'firing']),
  transition: z.enum(['none', ...ALERT_EVENT_KINDS]),
});
export const EvaluationResponse = z.object({
  ruleId: z.string(),
  evaluatedAt: isoTime,
  window: z.object({ from: isoTime, to: isoTime }),
  groups: z.array(EvaluationGroupResult),
});
export type EvaluationResponse = z.infer<typeof EvaluationResponse>;

// --- webhooks ----------------------------------------------------------------------------------
export const WEBHOOK_TYPES = ['standard', 'slack'] as const;
export const WebhookInput = z.strictObject({
  name,
  /** 'standard' = Standard Webhooks signed JSON; 'slack' = Slack incoming-webhook message. */
  type: z.enum(WEBHOOK_TYPES).default('standard'),
  url: z.url({ protocol: /^https?$/ }),
  enabled: z.boolean().default(true),
});
export type WebhookInput = z.input<typeof WebhookInput>;

export const Webhook = z.object({
  id: z.string(),
  name: z.string(),
  type: z.enum(WEBHOOK_TYPES),
  url: z.string(),
  enabled: z.boolean(),
  /** Why the server disabled it (e.g. the receiver answered 410 Gone); '' when enabled by hand. */
  disabledReason: z.string(),
  /** Until then the previous secret still signs too (rotation grace period). */
  previousSecretExpiresAt: isoTime.nullable(),
  source: z.enum(['api', 'file']),
  createdAt: isoTime,
  updatedAt: isoTime,
});
export type Webhook = z.infer<typeof Webhook>;
export const WebhookListResponse = z.object({ items: z.array(Webhook) });
/** Creation and rotation answers: the secret is shown once. */
export const WebhookWithSecret = Webhook.extend({ secret: z.string() });
export type WebhookWithSecret = z.infer<typeof WebhookWithSecret>;

export const WebhookDelivery = z.object({
  id: z.string(),
  messageId: z.string(),
  webhookId: z.string(),
  eventType: z.string(),
  attempt: z.number(),
  at: isoTime,
  /** HTTP status, or null when no response came (timeout, refused, SSRF guard). */
  statusCode: z.number().nullable(),
  outcome: z.enum(['success', 'retry', 'failed', 'disabled']),
  error: z.string(),
  durationMs: z.number(),
});
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;
export const WebhookMessage = z.object({
  id: z.string(),
  webhookId: z.string(),
  eventType: z.string(),
  state: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number(),
  nextAttemptAt: isoTime.nullable(),
  createdAt: isoTime,
});
/** `items` are delivery attempts, newest first; `messages` the outbox messages they belong to. */
export const WebhookDeliveryListResponse = z.object({
  items: z.array(WebhookDelivery),
  messages: z.array(WebhookMessage),
});
export const RedeliverResponse = z.object({ messageId: z.string(), state: z.literal('pending') });
export const WebhookUpdate = z.strictObject({
  name: name.optional(),
  url: z.url({ protocol: /^https?$/ }).optional(),
  enabled: z.boolean().optional(),
});
export type WebhookUpdate = z.infer<typeof WebhookUpdate>;

// --- budgets -----------------------------------------------------------------------------------
export const BUDGET_WINDOWS = ['day', 'month', 'rolling'] as const;
export const BudgetInput = z.strictObject({
  name: name.optional(),
  /** 'user' applies the limit to each user separately (or to `userId` alone when given). */
  scope: z.enum(['project', 'user']),
  userId: z.string().min(1).optional(),
  limitUsd: z.number().finite().positive(),
  window: z.enum(BUDGET_WINDOWS),
  /** rolling window length. */
  rollingHours: z.number().int().min(1).max(24 * 31).default(24),
});
export type BudgetInput = z.input<typeof BudgetInput>;
export const Budget = z.object({
  id: z.string(),
  name: z.string(),
  scope: z.enum(['project', 'user']),
  userId: z.string().nullable(),
  limitUsd: z.number(),
  window: z.enum(BUDGET_WINDOWS),
  rollingHours: z.number(),
  createdAt: isoTime,
  updatedAt: isoTime,
});
export type Budget = z.infer<typeof Budget>;
export const BudgetListResponse = z.object({ items: z.array(Budget) });

export const BudgetStatusResponse = z.object({
  exhausted: z.boolean(),
  budgets: z.array(
    z.object({
      id: z.string(),
      scope: z.enum(['project', 'user']),
      limitUsd: z.number(),
      spentUsd: z.number(),
      window: z.enum(BUDGET_WINDOWS),
    }),
  ),
});
export type BudgetStatusResponse = z.infer<typeof BudgetStatusResponse>;

// --- policy as code ----------------------------------------------------------------------------
const { webhookIds: _webhookIds, ...fileRuleFields } = alertRuleFields;
/** SIGHTLINE_ALERTS_FILE: rules refer to webhooks by name; both are upserted by name at start-up. */
export const AlertsFile = z.strictObject({
  projectId: z.string().min(1).default('default'),
  webhooks: z
    .array(
      WebhookInput.safeExtend({
        /** A `whsec_` secret; better kept out of git with `secretEnv`, the name of an environment variable holding it. */
        secret: z.string().regex(/^whsec_[A-Za-z0-9+/=]{24,}$/, 'must be whsec_ followed by base64').optional(),
        secretEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).optional(),
      }),
    )
    .default([]),
  rules: z
    .array(checkRule(z.strictObject({ ...fileRuleFields, webhooks: z.array(z.string()).default([]) })))
    .default([]),
});
export type AlertsFile = z.output<typeof AlertsFile>;
