import { useState } from 'preact/hooks';
import { ALERT_COMPARATORS, ALERT_GROUP_BY, ALERT_METRICS, ALERT_WINDOWS, AlertRuleInput, FAILURE_CLASSES } from '@sightline/contracts';
import type { Webhook } from '@sightline/contracts';
import { METRIC_LABELS } from './alert-format.ts';

const FILTER_FIELDS = ['service', 'model', 'environment', 'promptName', 'promptVersion', 'userId', 'endpoint', 'configVersion'] as const;
const FILTER_LABELS: Record<(typeof FILTER_FIELDS)[number], string> = {
  service: 'Only service',
  model: 'Only model',
  environment: 'Only environment',
  promptName: 'Only prompt',
  promptVersion: 'Only prompt version',
  userId: 'Only user',
  endpoint: 'Only endpoint',
  configVersion: 'Only config version',
};

/** Create a rule; validated with the contracts' schema first so mistakes show next to the form. */
export function RuleForm({ webhooks, onCreate }: { webhooks: readonly Webhook[]; onCreate: (rule: AlertRuleInput) => Promise<void> }) {
  const [open, setOpen] = useState(false);
  const [metric, setMetric] = useState<string>('spend');
  // Controlled: a <select>'s defaultValue is not a DOM property, so Preact cannot apply it.
  const [window, setWindow] = useState<string>('24h');
  const [issues, setIssues] = useState<string[]>([]);
  if (!open) {
    return (
      <button type="button" onClick={() => setOpen(true)}>
        New rule
      </button>
    );
  }
  const submit = async (e: Event) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget as HTMLFormElement);
    const text = (k: string) => String(data.get(k) ?? '').trim();
    const filters: Record<string, string> = {};
    for (const f of FILTER_FIELDS) if (text(f)) filters[f] = text(f);
    const candidate = {
      name: text('name'),
      description: text('description'),
      metric: text('metric'),
      window: text('window'),
      comparator: text('comparator'),
      threshold: text('threshold') === '' ? Number.NaN : Number(text('threshold')),
      ...(text('failureClass') ? { failureClass: text('failureClass') } : {}),
      minCalls: Number(text('minCalls') || '0'),
      filters,
      ...(text('groupBy') ? { groupBy: text('groupBy') } : {}),
      renotifyMinutes: Number(text('renotifyMinutes') || '0'),
      webhookIds: data.getAll('webhookIds').map(String),
      enabled: true,
    };
    const parsed = AlertRuleInput.safeParse(candidate);
    if (!parsed.success) {
      setIssues(parsed.error.issues.map((i) => `${i.path.join('.') || 'rule'}: ${i.message}`));
      return;
    }
    setIssues([]);
    await onCreate(candidate as AlertRuleInput);
    setOpen(false);
  };
  return (
    <form class="filters rule-form" onSubmit={submit} aria-label="New alert rule">
      <div class="filter-grid">
        <label>
          Name
          <input name="name" required maxLength={200} />
        </label>
        <label class="wide">
          Description
          <input name="description" maxLength={2000} />
        </label>
        <label>
          Metric
          <select
            name="metric"
            value={metric}
            onChange={(e) => {
              const m = e.currentTarget.value;
              setMetric(m);
              // The forecast is of the calendar month; other metrics default to a rolling day.
              setWindow(m === 'spend_forecast' ? 'month' : window === 'month' ? '24h' : window);
            }}
          >
            {ALERT_METRICS.map((m) => (
              <option key={m} value={m}>
                {METRIC_LABELS[m]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Window
          <select name="window" value={window} onChange={(e) => setWindow(e.currentTarget.value)}>
            {ALERT_WINDOWS.map((w) => (
              <option key={w} value={w}>
                {w}
              </option>
            ))}
          </select>
        </label>
        <label>
          Condition
          <select name="comparator">
            {ALERT_COMPARATORS.map((c) => (
              <option key={c} value={c}>
                {{ gt: 'above', gte: 'at or above', lt: 'below', lte: 'at or below' }[c]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Threshold
          <input name="threshold" type="number" step="any" min="0" required />
        </label>
        {metric === 'error_rate' && (
          <label>
            Failure class
            <select name="failureClass">
              <option value="">any</option>
              {FAILURE_CLASSES.map((f) => (
                <option key={f} value={f}>
                  {f}
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          Min calls
          <input name="minCalls" type="number" min="0" step="1" defaultValue="0" />
        </label>
        <label>
          Per
          <select name="groupBy">
            <option value="">whole project</option>
            {ALERT_GROUP_BY.map((g) => (
              <option key={g} value={g}>
                {g}
              </option>
            ))}
          </select>
        </label>
        <label>
          Re-notify (min)
          <input name="renotifyMinutes" type="number" min="0" max="10080" step="1" defaultValue="0" />
        </label>
        {FILTER_FIELDS.map((f) => (
          <label key={f}>
            {FILTER_LABELS[f]}
            <input name={f} />
          </label>
        ))}
      </div>
      {webhooks.length > 0 && (
        <fieldset>
          <legend>Notify</legend>
          {webhooks.map((w) => (
            <label key={w.id} class="inline">
              <input type="checkbox" name="webhookIds" value={w.id} /> {w.name} <span class="subtle">{w.url}</span>
            </label>
          ))}
        </fieldset>
      )}
      {issues.length > 0 && (
        <ul class="field-error" role="alert">
          {issues.map((i) => (
            <li key={i}>{i}</li>
          ))}
        </ul>
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
