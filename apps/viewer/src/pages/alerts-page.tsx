import { useState } from 'preact/hooks';
import { api } from '../api/client.ts';
import type { AlertTestResult } from '../api/alert-schemas.ts';
import { useResource } from '../use-resource.ts';
import { formatTime } from '../model/format.ts';
import { Badge, Empty, ErrorBox, Loading } from '../components/ui.tsx';
import { RuleForm } from './rule-form.tsx';
import { WebhooksSection } from './webhooks-section.tsx';

/** Alert rules with "test now", the event history, and webhooks with their delivery log. */
export function AlertsPage() {
  const rules = useResource((signal) => api.listRules(signal), []);
  const events = useResource((signal) => api.listEvents(signal), [], { refreshMs: 15_000 });
  const hooks = useResource((signal) => api.listWebhooks(signal), []);
  const [tests, setTests] = useState<Record<string, AlertTestResult | Error>>({});
  const [error, setError] = useState<Error | undefined>(undefined);

  const act = async (action: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await action();
      rules.reload();
      events.reload();
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
    }
  };
  const test = async (id: string) => {
    try {
      const result = await api.testRule(id);
      setTests((t) => ({ ...t, [id]: result }));
      events.reload();
    } catch (err) {
      setTests((t) => ({ ...t, [id]: err instanceof Error ? err : new Error(String(err)) }));
    }
  };

  return (
    <section class="page alerts">
      <h1>Alerts</h1>
      {error && <ErrorBox error={error} />}
      <h2>Rules</h2>
      {rules.error ? (
        <ErrorBox error={rules.error} onRetry={rules.reload} />
      ) : !rules.data ? (
        <Loading />
      ) : rules.data.length === 0 ? (
        <Empty>No alert rules yet.</Empty>
      ) : (
        <table class="data">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Condition</th>
              <th scope="col">State</th>
              <th scope="col">Enabled</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {rules.data.map((r) => {
              const t = tests[r.id];
              return (
                <tr key={r.id}>
                  <td>{r.name}</td>
                  <td>
                    <code>{describeRule(r)}</code>
                  </td>
                  <td>{r.lastState ? <Badge tone={r.lastState === 'firing' ? 'error' : 'ok'}>{r.lastState}</Badge> : '—'}</td>
                  <td>
                    <input type="checkbox" aria-label={`Enable ${r.name}`} checked={r.enabled !== false} onChange={(e) => act(() => api.setRuleEnabled(r.id, e.currentTarget.checked))} />
                  </td>
                  <td class="row-actions">
                    <button type="button" class="small" onClick={() => test(r.id)}>
                      Test
                    </button>
                    <button type="button" class="small danger" onClick={() => window.confirm(`Delete rule "${r.name}"?`) && act(() => api.deleteRule(r.id))}>
                      Delete
                    </button>
                    {t instanceof Error ? (
                      <span class="field-error">{t.message}</span>
                    ) : t ? (
                      <span class="test-result">
                        {t.firing === undefined ? JSON.stringify(t) : t.firing ? 'Would fire' : 'Would not fire'}
                        {typeof t.value === 'number' ? ` (value ${t.value})` : ''}
                      </span>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <RuleForm webhooks={hooks.data ?? []} onCreate={(rule) => act(() => api.createRule(rule))} />
      <h2>Recent alert events</h2>
      {events.error ? (
        <ErrorBox error={events.error} onRetry={events.reload} />
      ) : !events.data ? (
        <Loading />
      ) : events.data.length === 0 ? (
        <Empty>No alerts have fired.</Empty>
      ) : (
        <table class="data compact">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Rule</th>
              <th scope="col">State</th>
              <th scope="col">Value</th>
            </tr>
          </thead>
          <tbody>
            {events.data.map((e) => (
              <tr key={e.id}>
                <td>{e.createdAt ? formatTime(e.createdAt) : '—'}</td>
                <td>{rules.data?.find((r) => r.id === e.ruleId)?.name ?? e.ruleId ?? '—'}</td>
                <td>{e.state ?? '—'}</td>
                <td class="num">{e.value ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <WebhooksSection hooks={hooks} />
    </section>
  );
}

function describeRule(r: Record<string, unknown>): string {
  const metric = typeof r['metric'] === 'string' ? r['metric'] : '?';
  const cmp = r['comparator'] === 'lt' ? '<' : '>';
  const threshold = typeof r['threshold'] === 'number' ? r['threshold'] : '?';
  const win = typeof r['windowMinutes'] === 'number' ? ` over ${r['windowMinutes']} min` : '';
  return `${metric} ${cmp} ${threshold}${win}`;
}
