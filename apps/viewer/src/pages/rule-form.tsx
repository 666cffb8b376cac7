import { useState } from 'preact/hooks';
import type { AlertRuleInput, Webhook } from '../api/alert-schemas.ts';

export const ALERT_METRICS = [
  ['spend_usd', 'Spend (USD)'],
  ['failure_rate', 'Failure rate (0–1)'],
  ['p95_latency_ms', 'p95 latency (ms)'],
  ['p95_ttft_ms', 'p95 time to first token (ms)'],
  ['call_count', 'Calls'],
  ['unpriced_calls', 'Unpriced calls'],
] as const;

/** Create an alert rule: a metric over a window, a threshold, optional scope, the webhooks to notify. */
export function RuleForm({ webhooks, onCreate }: { webhooks: readonly Webhook[]; onCreate: (rule: AlertRuleInput) => Promise<void> }) {
  const [open, setOpen] = useState(false);
  if (!open) {
    return (
      <button type="button" onClick={() => setOpen(true)}>
        New rule
      </button>
    );
  }
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const filters: Record<string, string> = {};
    for (const f of ['service', 'model', 'environment']) {
      const v = String(data.get(f) ?? '').trim();
      if (v) filters[f] = v;
    }
    await onCreate({
      name: String(data.get('name') ?? '').trim(),
      metric: String(data.get('metric')),
      comparator: data.get('comparator') === 'lt' ? 'lt' : 'gt',
      threshold: Number(data.get('threshold')),
      windowMinutes: Number(data.get('windowMinutes')),
      filters,
      webhookIds: data.getAll('webhookIds').map(String),
      enabled: true,
    });
    setOpen(false);
  };
  return (
    <form class="filters rule-form" onSubmit={submit} aria-label="New alert rule">
      <div class="filter-grid">
        <label>
          Name
          <input name="name" required maxLength={200} />
        </label>
        <label>
          Metric
          <select name="metric">
            {ALERT_METRICS.map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <label>
          Condition
          <select name="comparator">
            <option value="gt">above</option>
            <option value="lt">below</option>
          </select>
        </label>
        <label>
          Threshold
          <input name="threshold" type="number" step="any" required />
        </label>
        <label>
          Window (minutes)
          <input name="windowMinutes" type="number" min="1" max="10080" defaultValue="60" required />
        </label>
        <label>
          Service
          <input name="service" />
        </label>
        <label>
          Model
          <input name="model" />
        </label>
        <label>
          Environment
          <input name="environment" />
        </label>
      </div>
      {webhooks.length > 0 && (
        <fieldset>
          <legend>Notify</legend>
          {webhooks.map((w) => (
            <label key={w.id} class="inline">
              <input type="checkbox" name="webhookIds" value={w.id} /> {w.name || w.url}
            </label>
          ))}
        </fieldset>
      )}
      <div class="actions">
        <button type="submit">Create rule</button>
        <button type="button" class="secondary" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
