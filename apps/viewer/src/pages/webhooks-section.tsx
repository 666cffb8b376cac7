import { useState } from 'preact/hooks';
import { api } from '../api/client.ts';
import type { Webhook } from '../api/alert-schemas.ts';
import type { Resource } from '../use-resource.ts';
import { useResource } from '../use-resource.ts';
import { formatTime } from '../model/format.ts';
import { Badge, CopyButton, Empty, ErrorBox, Loading } from '../components/ui.tsx';

function Deliveries({ hook }: { hook: Webhook }) {
  const res = useResource((signal) => api.listDeliveries(hook.id, signal), [hook.id], { refreshMs: 10_000 });
  const [error, setError] = useState<Error | undefined>(undefined);
  const redeliver = async (id: string) => {
    setError(undefined);
    try {
      await api.redeliver(hook.id, id);
      res.reload();
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
    }
  };
  if (res.error) return <ErrorBox error={res.error} onRetry={res.reload} />;
  if (!res.data) return <Loading />;
  if (res.data.length === 0) return <Empty>No deliveries yet.</Empty>;
  return (
    <>
      {error && <ErrorBox error={error} />}
      <table class="data compact" aria-label={`Deliveries to ${hook.url}`}>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Status</th>
            <th scope="col">HTTP</th>
            <th scope="col">Attempts</th>
            <th scope="col">Error</th>
            <th scope="col" />
          </tr>
        </thead>
        <tbody>
          {res.data.map((d) => (
            <tr key={d.id}>
              <td>{d.createdAt ? formatTime(d.createdAt) : '—'}</td>
              <td>{d.status !== undefined ? <Badge tone={String(d.status).match(/^(delivered|success|ok|2\d\d)$/) ? 'ok' : 'warn'}>{String(d.status)}</Badge> : '—'}</td>
              <td class="num">{d.responseStatus ?? '—'}</td>
              <td class="num">{d.attempts ?? '—'}</td>
              <td>{d.error ?? ''}</td>
              <td>
                <button type="button" class="small" onClick={() => redeliver(d.id)}>
                  Redeliver
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** Webhooks (signed with a per-hook secret shown once) and each one's delivery log. */
export function WebhooksSection({ hooks }: { hooks: Resource<Webhook[]> }) {
  const [url, setUrl] = useState('');
  const [name, setName] = useState('');
  const [secret, setSecret] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [error, setError] = useState<Error | undefined>(undefined);
  const create = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    try {
      const created = await api.createWebhook({ url: url.trim(), name: name.trim() });
      setSecret(created.secret ?? null);
      setUrl('');
      setName('');
      hooks.reload();
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
    }
  };
  const remove = async (hook: Webhook) => {
    if (!window.confirm(`Delete webhook ${hook.url}?`)) return;
    try {
      await api.deleteWebhook(hook.id);
      hooks.reload();
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
    }
  };
  return (
    <>
      <h2>Webhooks</h2>
      <form class="filters inline-filters" onSubmit={create} aria-label="New webhook">
        <label>
          Name
          <input name="name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label class="wide">
          URL
          <input name="url" type="url" required placeholder="https://hooks.example.com/sightline" value={url} onInput={(e) => setUrl(e.currentTarget.value)} />
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
      ) : hooks.data.length === 0 ? (
        <Empty>No webhooks.</Empty>
      ) : (
        <ul class="webhooks">
          {hooks.data.map((h) => (
            <li key={h.id}>
              <div class="webhook-head">
                <strong>{h.name || h.url}</strong> <code>{h.url}</code>
                <button type="button" class="small secondary" onClick={() => setOpen(open === h.id ? null : h.id)}>
                  {open === h.id ? 'Hide deliveries' : 'Deliveries'}
                </button>
                <button type="button" class="small danger" onClick={() => remove(h)}>
                  Delete
                </button>
              </div>
              {open === h.id && <Deliveries hook={h} />}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
