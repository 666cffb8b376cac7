import { useState } from 'preact/hooks';
import { WEBHOOK_TYPES } from '@sightline/contracts';
import type { Webhook } from '@sightline/contracts';
import { api } from '../api/client.ts';
import type { Resource } from '../use-resource.ts';
import { useResource } from '../use-resource.ts';
import { formatMs, formatTime } from '../model/format.ts';
import { Badge, CopyButton, Empty, ErrorBox, Loading } from '../components/ui.tsx';

const STATE_TONE = { pending: 'warn', delivered: 'ok', failed: 'error' } as const;
const OUTCOME_TONE = { success: 'ok', retry: 'warn', failed: 'error', disabled: 'error' } as const;

/** Outbox messages (one per alert event) with redeliver, and every HTTP attempt below them. */
function Deliveries({ hook }: { hook: Webhook }) {
  const res = useResource((signal) => api.listDeliveries(hook.id, signal), [hook.id], { refreshMs: 10_000 });
  const [error, setError] = useState<Error | undefined>(undefined);
  const redeliver = async (messageId: string) => {
    setError(undefined);
    try {
      await api.redeliver(messageId);
      res.reload();
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
    }
  };
  if (res.error) return <ErrorBox error={res.error} onRetry={res.reload} />;
  if (!res.data) return <Loading />;
  const { messages, items: deliveries } = res.data;
  if (messages.length === 0) return <Empty>No deliveries yet.</Empty>;
  return (
    <>
      {error && <ErrorBox error={error} />}
      <table class="data compact" aria-label={`Messages to ${hook.name}`}>
        <thead>
          <tr>
            <th scope="col">Created</th>
            <th scope="col">Event</th>
            <th scope="col">State</th>
            <th scope="col">Attempts</th>
            <th scope="col">Next attempt</th>
            <th scope="col" />
          </tr>
        </thead>
        <tbody>
          {messages.map((m) => (
            <tr key={m.id}>
              <td title={m.createdAt}>{formatTime(m.createdAt)}</td>
              <td>{m.eventType}</td>
              <td>
                <Badge tone={STATE_TONE[m.state]}>{m.state}</Badge>
              </td>
              <td class="num">{m.attempts}</td>
              <td>{m.nextAttemptAt ? formatTime(m.nextAttemptAt) : '—'}</td>
              <td>
                <button type="button" class="small" onClick={() => redeliver(m.id)}>
                  Redeliver
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <details class="section">
        <summary>Attempts ({deliveries.length})</summary>
        <table class="data compact">
          <thead>
            <tr>
              <th scope="col">At</th>
              <th scope="col">Attempt</th>
              <th scope="col">Outcome</th>
              <th scope="col">HTTP</th>
              <th scope="col">Took</th>
              <th scope="col">Error</th>
            </tr>
          </thead>
          <tbody>
            {deliveries.map((d) => (
              <tr key={d.id}>
                <td title={d.at}>{formatTime(d.at)}</td>
                <td class="num">{d.attempt}</td>
                <td>
                  <Badge tone={OUTCOME_TONE[d.outcome]}>{d.outcome}</Badge>
                </td>
                <td class="num">{d.statusCode ?? 'no response'}</td>
                <td class="num">{formatMs(d.durationMs)}</td>
                <td>{d.error}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </>
  );
}

/** Webhooks (signed with a per-hook secret shown once) and each one's delivery log. */
export function WebhooksSection({ hooks }: { hooks: Resource<{ items: Webhook[] }> }) {
  const [secret, setSecret] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [error, setError] = useState<Error | undefined>(undefined);
  const create = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    setError(undefined);
    try {
      const type = data.get('type') === 'slack' ? 'slack' : 'standard';
      const created = await api.createWebhook({ name: String(data.get('name') ?? '').trim(), url: String(data.get('url') ?? '').trim(), type });
      setSecret(created.secret);
      form.reset();
      hooks.reload();
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
    }
  };
  const act = async (action: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await action();
      hooks.reload();
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
    }
  };
  const remove = (hook: Webhook) => {
    if (window.confirm(`Delete webhook ${hook.name}?`)) void act(() => api.deleteWebhook(hook.id));
  };
  const sendTest = (hook: Webhook) =>
    act(async () => {
      await api.testWebhook(hook.id);
      // The test message shows in the delivery log: open it.
      setOpen(hook.id);
    });
  return (
    <>
      <h2>Webhooks</h2>
      <form class="filters inline-filters" onSubmit={create} aria-label="New webhook">
        <label>
          Name
          <input name="name" required maxLength={200} />
        </label>
        <label>
          Type
          <select name="type">
            {WEBHOOK_TYPES.map((t) => (
              <option key={t} value={t}>
                {t === 'standard' ? 'Standard Webhooks (signed JSON)' : 'Slack incoming webhook'}
              </option>
            ))}
          </select>
        </label>
        <label class="wide">
          URL
          <input name="url" type="url" required placeholder="https://hooks.example.com/sightline" />
        </label>
        <button type="submit">Add webhook</button>
      </form>
      {error && <ErrorBox error={error} />}
      {secret && (
        <div class="notice" role="status">
          Signing secret (shown once): <code class="secret">{secret}</code> <CopyButton text={secret} />
          <button type="button" class="small secondary" onClick={() => setSecret(null)}>
            Done
          </button>
        </div>
      )}
      {hooks.error ? (
        <ErrorBox error={hooks.error} onRetry={hooks.reload} />
      ) : !hooks.data ? (
        <Loading />
      ) : hooks.data.items.length === 0 ? (
        <Empty>No webhooks.</Empty>
      ) : (
        <ul class="webhooks">
          {hooks.data.items.map((h) => (
            <li key={h.id}>
              <div class="webhook-head">
                <strong>{h.name}</strong> <code>{h.url}</code> <Badge tone="neutral">{h.type}</Badge>
                {!h.enabled && <Badge tone="error" title={h.disabledReason}>disabled{h.disabledReason ? `: ${h.disabledReason}` : ''}</Badge>}
                <button type="button" class="small" onClick={() => sendTest(h)}>
                  Send test
                </button>
                {h.source === 'api' && (
                  <button type="button" class="small secondary" onClick={() => act(() => api.setWebhookEnabled(h.id, !h.enabled))}>
                    {h.enabled ? 'Disable' : 'Enable'}
                  </button>
                )}
                <button type="button" class="small secondary" onClick={() => setOpen(open === h.id ? null : h.id)}>
                  {open === h.id ? 'Hide deliveries' : 'Deliveries'}
                </button>
                {h.source === 'api' && (
                  <button type="button" class="small danger" onClick={() => remove(h)}>
                    Delete
                  </button>
                )}
              </div>
              {open === h.id && <Deliveries hook={h} />}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
