import { useState } from 'preact/hooks';
import type { AlertMetric, AlertRule, EvaluationResponse } from '@sightline/contracts';
import { api } from '../api/client.ts';
import { useResource } from '../use-resource.ts';
import { formatTime } from '../model/format.ts';
import { Badge, Empty, ErrorBox, Loading } from '../components/ui.tsx';
import { RuleForm } from './rule-form.tsx';
import { WebhooksSection } from './webhooks-section.tsx';
import { BudgetsSection } from './budgets-section.tsx';
import { describeRule, formatMetricValue } from './alert-format.ts';

function TestResult({ result, metric }: { result: EvaluationResponse | Error; metric: AlertMetric }) {
  if (result instanceof Error) return <span class="field-error">{result.message}</span>;
  if (result.groups.length === 0) return <span class="test-result">No data in the window ({formatTime(result.window.from)} – {formatTime(result.window.to)})</span>;
  return (
    <ul class="test-result">
      {result.groups.map((g) => (
        <li key={g.groupKey}>
          {g.groupKey ? <code>{g.groupKey}</code> : 'all'}: {g.value === null ? 'no value' : formatMetricValue(metric, g.value)} over {g.calls} call(s) →{' '}
          <Badge tone={g.breached ? 'error' : 'ok'}>{g.breached ? 'breached' : 'ok'}</Badge>
          {g.transition !== 'none' && <Badge tone="warn">{g.transition}</Badge>}
        </li>
      ))}
    </ul>
  );
}

/** Alert rules with "test now", the event history, webhooks with their delivery log, and budgets. */
export function AlertsPage() {
  const rules = useResource((signal) => api.listRules(signal), [], { refreshMs: 30_000 });
  const events = useResource((signal) => api.listEvents(signal), [], { refreshMs: 15_000 });
  const hooks = useResource((signal) => api.listWebhooks(signal), []);
  const [tests, setTests] = useState<Record<string, EvaluationResponse | Error>>({});
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
      rules.reload();
      events.reload();
    } catch (err) {
      setTests((t) => ({ ...t, [id]: err instanceof Error ? err : new Error(String(err)) }));
    }
  };
  const toggle = (r: AlertRule, enabled: boolean) => act(() => api.setRuleEnabled(r.id, enabled));
  const items = rules.data?.items;

  return (
    <section class="page alerts">
      <h1>Alerts</h1>
      {error && <ErrorBox error={error} />}
      <h2>Rules</h2>
      {rules.error ? (
        <ErrorBox error={rules.error} onRetry={rules.reload} />
      ) : !items ? (
        <Loading />
      ) : items.length === 0 ? (
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
            {items.map((r) => {
              const firing = r.groups.filter((g) => g.state === 'firing');
              const readOnly = r.source === 'file';
              return (
                <tr key={r.id} data-rule-id={r.id}>
                  <td>
                    {r.name}
                    {readOnly && <Badge tone="neutral" title="Defined in SIGHTLINE_ALERTS_FILE: edit the file">file</Badge>}
                    {r.description && <div class="subtle">{r.description}</div>}
                  </td>
                  <td>
                    <code>{describeRule(r)}</code>
                  </td>
                  <td>
                    {r.groups.length === 0 ? (
                      <span class="subtle">not evaluated yet</span>
                    ) : firing.length > 0 ? (
                      <Badge tone="error" title={firing.map((g) => `${g.groupKey || 'all'}: ${formatMetricValue(r.metric, g.value)}`).join('\n')}>
                        firing{firing.length > 1 ? ` (${firing.length})` : ''}
                      </Badge>
                    ) : (
                      <Badge tone="ok">ok</Badge>
                    )}
                  </td>
                  <td>
                    <input type="checkbox" aria-label={`Enable ${r.name}`} disabled={readOnly} checked={r.enabled} onChange={(e) => toggle(r, e.currentTarget.checked)} />
                  </td>
                  <td>
                    <div class="row-actions">
                      <button type="button" class="small" onClick={() => test(r.id)}>
                        Test
                      </button>
                      {!readOnly && (
                        <button type="button" class="small danger" onClick={() => window.confirm(`Delete rule "${r.name}"?`) && act(() => api.deleteRule(r.id))}>
                          Delete
                        </button>
                      )}
                    </div>
                    {tests[r.id] && <TestResult result={tests[r.id]!} metric={r.metric} />}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <RuleForm webhooks={hooks.data?.items ?? []} onCreate={(rule) => act(() => api.createRule(rule))} />
      <h2>Recent alert events</h2>
      {events.error ? (
        <ErrorBox error={events.error} onRetry={events.reload} />
      ) : !events.data ? (
        <Loading />
      ) : events.data.items.length === 0 ? (
        <Empty>No alerts have fired.</Empty>
      ) : (
        <table class="data compact">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Rule</th>
              <th scope="col">Group</th>
              <th scope="col">Event</th>
              <th scope="col">Value / threshold</th>
              <th scope="col">Notifications</th>
            </tr>
          </thead>
          <tbody>
            {events.data.items.map((e) => {
              const metric = items?.find((r) => r.id === e.ruleId)?.metric;
              return (
                <tr key={e.id}>
                  <td title={e.at}>{formatTime(e.at)}</td>
                  <td>{e.ruleName}</td>
                  <td>{e.groupKey || '—'}</td>
                  <td>
                    <Badge tone={e.kind === 'resolved' ? 'ok' : 'error'}>{e.kind}</Badge>
                  </td>
                  <td class="num">
                    {formatMetricValue(metric, e.value)} / {formatMetricValue(metric, e.threshold)}
                  </td>
                  <td class="num">{e.messageIds.length}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <WebhooksSection hooks={hooks} />
      <BudgetsSection />
    </section>
  );
}
