import { signal } from '@preact/signals';
import {
  AlertEventListResponse,
  AlertRule,
  AlertRuleListResponse,
  Budget,
  BudgetListResponse,
  BudgetStatusResponse,
  ApiError,
  ApiKeyInfo,
  CompareResponse,
  CreatedApiKey,
  IngestDiagnosticsResponse,
  MetricsResponse,
  SessionResponse,
  TopListResponse,
  TraceDetailResponse,
  TraceListResponse,
  EvaluationResponse,
  RedeliverResponse,
  Webhook,
  WebhookDeliveryListResponse,
  WebhookListResponse,
  WebhookWithSecret,
} from '@sightline/contracts';
import type { AlertRuleInput, BudgetInput, TopListName, WebhookInput } from '@sightline/contracts';
import { z } from 'zod';

/**
 * The viewer's only door to the server: every call goes through `request`, which attaches the
 * credentials, maps errors to `ApiRequestError` and parses the body with the contracts' schemas, so
 * a server/viewer mismatch surfaces as one clear message instead of `undefined` deep in a component.
 */

export type QueryValue = string | number | boolean | undefined | null | readonly string[];
export type Query = Record<string, QueryValue>;

export class ApiRequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly issues: readonly { path: string; message: string }[] = [],
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

/** True once the server answered 401: the shell then shows the key prompt. */
export const authRequired = signal(false);

// The key lives in memory only (never localStorage): a reload asks again unless the server set
// its HttpOnly session cookie, which script cannot read.
let bearerKey: string | null = null;

export function toSearch(query: Query): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) for (const item of v as readonly string[]) params.append(k, item);
    else params.set(k, String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  signal?: AbortSignal | undefined;
}

async function request<T>(schema: z.ZodType<T>, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (bearerKey) headers['authorization'] = `Bearer ${bearerKey}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const init: RequestInit = { method: options.method ?? 'GET', headers, credentials: 'same-origin' };
  if (options.body !== undefined) init.body = JSON.stringify(options.body);
  if (options.signal) init.signal = options.signal;
  const res = await fetch(path, init);
  const text = await res.text();
  let body: unknown = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch (cause) {
      throw new ApiRequestError(`${path}: the server sent ${res.status} with a body that is not JSON`, res.status, 'bad_response', [
        { path: '', message: String(cause) },
      ]);
    }
  }
  if (!res.ok) {
    if (res.status === 401) authRequired.value = true;
    const parsed = ApiError.safeParse(body);
    if (parsed.success) {
      const { code, message, issues } = parsed.data.error;
      throw new ApiRequestError(message, res.status, code, issues ?? []);
    }
    throw new ApiRequestError(`${path}: HTTP ${res.status}`, res.status, `http_${res.status}`);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new ApiRequestError(`${path}: unexpected response shape\n${z.prettifyError(parsed.error)}`, res.status, 'bad_response');
  }
  return parsed.data;
}

const Empty = z.unknown();
// A list endpoint may wrap its rows (`{ items }`) or send the bare array; both are accepted.
const KeyList = z.union([z.array(ApiKeyInfo), z.object({ items: z.array(ApiKeyInfo) }).transform((o) => o.items)]);

/**
 * Signs in with an API key. Prefers the server's session endpoint (an HttpOnly cookie the page's
 * scripts cannot read); falls back to keeping the key in memory as a bearer token.
 */
export async function signIn(key: string): Promise<void> {
  try {
    await request(Empty, '/api/session', { method: 'POST', body: { key } });
    bearerKey = null;
  } catch (err) {
    if (!(err instanceof ApiRequestError) || err.status !== 404) throw err;
    bearerKey = key;
    // The session route is absent: prove the key works before accepting it.
    await request(z.unknown(), '/api/keys');
  }
  authRequired.value = false;
}

export function signOutInMemory(): void {
  bearerKey = null;
}

export const api = {
  listTraces: (query: Query, signal?: AbortSignal) => request(TraceListResponse, `/api/traces${toSearch(query)}`, { signal }),
  getTrace: (traceId: string, signal?: AbortSignal) =>
    request(TraceDetailResponse, `/api/traces/${encodeURIComponent(traceId)}`, { signal }),
  getSession: (sessionId: string, signal?: AbortSignal) =>
    request(SessionResponse, `/api/sessions/${encodeURIComponent(sessionId)}`, { signal }),
  metrics: (kind: 'spend' | 'failures' | 'latency', query: Query, signal?: AbortSignal) =>
    request(MetricsResponse, `/api/metrics/${kind}${toSearch(query)}`, { signal }),
  top: (list: TopListName, query: Query, signal?: AbortSignal) =>
    request(TopListResponse, `/api/top/${list}${toSearch(query)}`, { signal }),
  compare: (query: Query, signal?: AbortSignal) => request(CompareResponse, `/api/compare${toSearch(query)}`, { signal }),
  ingestDiagnostics: (signal?: AbortSignal) => request(IngestDiagnosticsResponse, '/api/diagnostics/ingest', { signal }),
  listKeys: (signal?: AbortSignal) => request(KeyList, '/api/keys', { signal }),
  createKey: (name: string) => request(CreatedApiKey, '/api/keys', { method: 'POST', body: { name } }),
  revokeKey: (id: string) => request(Empty, `/api/keys/${encodeURIComponent(id)}`, { method: 'DELETE' }),

  listRules: (signal?: AbortSignal) => request(AlertRuleListResponse, '/api/alerts/rules', { signal }),
  createRule: (rule: AlertRuleInput) => request(AlertRule, '/api/alerts/rules', { method: 'POST', body: rule }),
  setRuleEnabled: (id: string, enabled: boolean) =>
    request(AlertRule, `/api/alerts/rules/${encodeURIComponent(id)}`, { method: 'PATCH', body: { enabled } }),
  deleteRule: (id: string) => request(Empty, `/api/alerts/rules/${encodeURIComponent(id)}`, { method: 'DELETE' }),
  /** Evaluates the rule now against current data (the "Test" button); may fire its webhooks. */
  testRule: (id: string) => request(EvaluationResponse, `/api/alerts/rules/${encodeURIComponent(id)}/evaluate`, { method: 'POST' }),
  listEvents: (signal?: AbortSignal) => request(AlertEventListResponse, '/api/alerts/events', { signal }),
  listWebhooks: (signal?: AbortSignal) => request(WebhookListResponse, '/api/webhooks', { signal }),
  createWebhook: (hook: WebhookInput) => request(WebhookWithSecret, '/api/webhooks', { method: 'POST', body: hook }),
  deleteWebhook: (id: string) => request(Empty, `/api/webhooks/${encodeURIComponent(id)}`, { method: 'DELETE' }),
  listDeliveries: (webhookId: string, signal?: AbortSignal) =>
    request(WebhookDeliveryListResponse, `/api/webhooks/${encodeURIComponent(webhookId)}/deliveries`, { signal }),
  listBudgets: (signal?: AbortSignal) => request(BudgetListResponse, '/api/budgets', { signal }),
  createBudget: (budget: BudgetInput) => request(Budget, '/api/budgets', { method: 'POST', body: budget }),
  deleteBudget: (id: string) => request(Empty, `/api/budgets/${encodeURIComponent(id)}`, { method: 'DELETE' }),
  /** Spend against the project's budgets, plus one user's when `userId` is given. */
  budgetStatus: (userId: string | undefined, signal?: AbortSignal) =>
    request(BudgetStatusResponse, `/api/budgets/status${toSearch({ userId })}`, { signal }),
  /** Queues an outbox message again (same message id, so receivers can de-duplicate). */
  redeliver: (messageId: string) =>
    request(RedeliverResponse, `/api/webhooks/deliveries/${encodeURIComponent(messageId)}/redeliver`, { method: 'POST' }),
  testWebhook: (id: string) => request(RedeliverResponse, `/api/webhooks/${encodeURIComponent(id)}/test`, { method: 'POST' }),
  setWebhookEnabled: (id: string, enabled: boolean) =>
    request(Webhook, `/api/webhooks/${encodeURIComponent(id)}`, { method: 'PATCH', body: { enabled } }),
};

