import { z } from 'zod';
import {
  AlertEventListResponse,
  AlertRule,
  AlertRuleInput,
  AlertRuleListResponse,
  AlertRuleWithState,
  Budget,
  BudgetInput,
  BudgetListResponse,
  BudgetStatusResponse,
  EvaluationResponse,
  RedeliverResponse,
  Webhook,
  WebhookDeliveryListResponse,
  WebhookInput,
  WebhookListResponse,
  WebhookUpdate,
  WebhookWithSecret,
} from '@sightline/contracts';
import { registerOpenApi, type OpenApiRoute } from '../api/openapi.ts';

/** The alerts part's entries in `GET /api/openapi.json`, with the schemas the routes validate with. */

const Queued = z.object({ messageId: z.string(), state: z.literal('pending') });
const alerts = ['alerts'];
const webhooks = ['webhooks'];
const budgets = ['budgets'];

export const ALERT_OPENAPI_ROUTES: OpenApiRoute[] = [
  { method: 'get', path: '/api/alerts/rules', summary: 'List alert rules with the state of each group', tags: alerts, response: AlertRuleListResponse },
  {
    method: 'post',
    path: '/api/alerts/rules',
    summary: 'Create an alert rule',
    description:
      'Metrics: spend (USD), error_rate over LLM calls (0–1, optionally one failureClass, with minCalls), p95_latency and p95_ttft (ms), spend_forecast (month-end USD against a budget). Windows: rolling 1h/24h/7d or calendar day/month (UTC). groupBy fires per group, e.g. any user over $5 today.',
    tags: alerts,
    body: AlertRuleInput,
    response: AlertRule,
    status: 201,
  },
  { method: 'get', path: '/api/alerts/rules/:id', summary: 'One alert rule with its group states', tags: alerts, response: AlertRuleWithState },
  { method: 'put', path: '/api/alerts/rules/:id', summary: 'Replace an alert rule (not rules from the alerts file)', tags: alerts, body: AlertRuleInput, response: AlertRule },
  { method: 'patch', path: '/api/alerts/rules/:id', summary: 'Change some fields of an alert rule, e.g. { "enabled": false }', tags: alerts, body: z.record(z.string(), z.unknown()), response: AlertRule },
  { method: 'delete', path: '/api/alerts/rules/:id', summary: 'Delete an alert rule', tags: alerts },
  {
    method: 'post',
    path: '/api/alerts/rules/:id/evaluate',
    summary: 'Evaluate a rule now',
    description: 'Runs the same evaluation as the scheduler: state changes are recorded and notifications sent.',
    tags: alerts,
    response: EvaluationResponse,
  },
  { method: 'get', path: '/api/alerts/events', summary: 'Alert history: firing, resolved and re-notified events', tags: alerts, query: z.object({ ruleId: z.string().optional(), limit: z.coerce.number().int().min(1).max(1000).optional() }), response: AlertEventListResponse },
  { method: 'get', path: '/api/webhooks', summary: 'List webhooks (never their secrets)', tags: webhooks, response: WebhookListResponse },
  {
    method: 'post',
    path: '/api/webhooks',
    summary: 'Create a webhook; the whsec_ secret is in this response only',
    description: "type 'standard' sends Standard Webhooks signed JSON (webhook-id, webhook-timestamp, webhook-signature); 'slack' sends Slack incoming-webhook messages. Loopback, private, link-local and metadata addresses are refused unless the server allows private targets.",
    tags: webhooks,
    body: WebhookInput,
    response: WebhookWithSecret,
    status: 201,
  },
  { method: 'get', path: '/api/webhooks/:id', summary: 'One webhook', tags: webhooks, response: Webhook },
  { method: 'patch', path: '/api/webhooks/:id', summary: 'Rename, retarget, enable or disable a webhook', tags: webhooks, body: WebhookUpdate, response: Webhook },
  { method: 'delete', path: '/api/webhooks/:id', summary: 'Delete a webhook', tags: webhooks },
  { method: 'post', path: '/api/webhooks/:id/rotate-secret', summary: 'Rotate the secret; the old one keeps signing (a second signature) for 24 h', tags: webhooks, response: WebhookWithSecret },
  { method: 'post', path: '/api/webhooks/:id/test', summary: 'Send a webhook.test message', tags: webhooks, response: Queued, status: 202 },
  { method: 'get', path: '/api/webhooks/:id/deliveries', summary: 'Delivery log (attempts, newest first) and outbox messages', tags: webhooks, query: z.object({ limit: z.coerce.number().int().min(1).max(500).optional() }), response: WebhookDeliveryListResponse },
  { method: 'post', path: '/api/webhooks/deliveries/:id/redeliver', summary: 'Send a message again (by delivery or message id), with the same webhook-id', tags: webhooks, response: RedeliverResponse, status: 202 },
  { method: 'post', path: '/api/webhooks/:id/deliveries/:deliveryId/redeliver', summary: 'Send a message of this webhook again', tags: webhooks, response: RedeliverResponse, status: 202 },
  { method: 'get', path: '/api/budgets', summary: 'List budgets', tags: budgets, response: BudgetListResponse },
  { method: 'post', path: '/api/budgets', summary: "Create a budget: scope 'project' or 'user' (each user, or one userId), window day, month or rolling", tags: budgets, body: BudgetInput, response: Budget, status: 201 },
  {
    method: 'get',
    path: '/api/budgets/status',
    summary: 'Budget guard: is any applicable budget exhausted?',
    description: 'Project budgets always apply; per-user budgets when userId is given. From the rollups, cached about 2 s.',
    tags: budgets,
    query: z.object({ userId: z.string().optional() }),
    response: BudgetStatusResponse,
  },
  { method: 'get', path: '/api/budgets/:id', summary: 'One budget', tags: budgets, response: Budget },
  { method: 'put', path: '/api/budgets/:id', summary: 'Replace a budget', tags: budgets, body: BudgetInput, response: Budget },
  { method: 'delete', path: '/api/budgets/:id', summary: 'Delete a budget', tags: budgets },
];

for (const route of ALERT_OPENAPI_ROUTES) registerOpenApi(route);
