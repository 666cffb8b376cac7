/**
 * Creates the demo's spend alert through Sightline's HTTP API, the way a user would: a webhook to the
 * local receiver, then a rule on the last 24 hours of spend with a budget just under what the backfill
 * spent, so it fires on the scheduler's next pass.
 */
export interface AlertSetup {
  webhookId: string;
  ruleId: string;
  spendUsd: number;
  thresholdUsd: number;
}

const RULE_NAME = 'Daily LLM spend over budget';
const WEBHOOK_PREFIX = 'Demo receiver';

async function api<T>(base: string, apiKey: string | undefined, method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (apiKey !== undefined) headers.authorization = `Bearer ${apiKey}`;
  const res = await fetch(`${base}/api${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} /api${path} answered ${res.status}: ${text.slice(0, 300)}`);
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

export async function setUpSpendAlert(opts: { endpoint: string; apiKey: string | undefined; receiverUrl: string }): Promise<AlertSetup & { secret: string }> {
  const base = opts.endpoint.replace(/\/+$/, '');
  // Re-running the demo against the same store replaces the previous demo rule and receiver (whose
  // port is gone) instead of piling up webhooks that can only fail.
  const rules = await api<{ items: { id: string; name: string; source: string }[] }>(base, opts.apiKey, 'GET', '/alerts/rules');
  for (const r of rules.items.filter((r) => r.name === RULE_NAME && r.source === 'api')) await api(base, opts.apiKey, 'DELETE', `/alerts/rules/${encodeURIComponent(r.id)}`);
  const hooks = await api<{ items: { id: string; name: string; source: string }[] }>(base, opts.apiKey, 'GET', '/webhooks');
  for (const h of hooks.items.filter((h) => h.name.startsWith(WEBHOOK_PREFIX) && h.source === 'api')) await api(base, opts.apiKey, 'DELETE', `/webhooks/${encodeURIComponent(h.id)}`);
  const hook = await api<{ id: string; secret: string }>(base, opts.apiKey, 'POST', '/webhooks', { name: `${WEBHOOK_PREFIX} ${new Date().toISOString()}`, type: 'standard', url: opts.receiverUrl });
  const rule = await api<{ id: string }>(base, opts.apiKey, 'POST', '/alerts/rules', {
    name: RULE_NAME,
    description: 'Fires when the last 24 hours of LLM spend exceed the daily budget (set by the demo just under the actual spend).',
    metric: 'spend',
    window: '24h',
    comparator: 'gt',
    threshold: 1_000_000,
    intervalSeconds: 10,
    webhookIds: [hook.id],
    enabled: false,
  });
  const evaluation = await api<{ groups: { value: number | null }[] }>(base, opts.apiKey, 'POST', `/alerts/rules/${encodeURIComponent(rule.id)}/evaluate`);
  const spendUsd = evaluation.groups.reduce((s, g) => s + (g.value ?? 0), 0);
  // A round budget just below the spend; a tiny floor keeps the rule valid on an empty store.
  const thresholdUsd = spendUsd > 0 ? Math.max(0.01, Math.floor(spendUsd * 80) / 100) : 0.01;
  await api(base, opts.apiKey, 'PATCH', `/alerts/rules/${encodeURIComponent(rule.id)}`, { threshold: thresholdUsd, enabled: true });
  return { webhookId: hook.id, ruleId: rule.id, spendUsd, thresholdUsd, secret: hook.secret };
}
