import { useState } from 'preact/hooks';
import type { CreatedApiKey } from '@sightline/contracts';
import { api } from '../api/client.ts';
import { useResource } from '../use-resource.ts';
import { formatTime } from '../model/format.ts';
import { Badge, CopyButton, Empty, ErrorBox, Loading } from '../components/ui.tsx';

/** API keys of the project: create (the key is shown once), list by prefix, revoke. */
export function KeysPage() {
  const keys = useResource((signal) => api.listKeys(signal), []);
  const [name, setName] = useState('');
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
      keys.reload();
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
    } finally {
      setBusy(false);
    }
  };
  const create = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      setCreated(await api.createKey(name.trim()));
      setName('');
    });
  };
  const revoke = (id: string, label: string) => {
    if (!window.confirm(`Revoke key "${label}"? Apps using it stop sending data at once.`)) return;
    void run(async () => {
      await api.revokeKey(id);
    });
  };

  return (
    <section class="page">
      <h1>API keys</h1>
      <p class="subtle">Keys authenticate OTLP ingest and the API. Only a hash is stored: a key is shown once, when it is created.</p>
      <form class="filters inline-filters" onSubmit={create}>
        <label>
          Name
          <input name="name" value={name} onInput={(e) => setName(e.currentTarget.value)} placeholder="production ingest" required maxLength={100} />
        </label>
        <button type="submit" disabled={busy || !name.trim()}>
          Create key
        </button>
      </form>
      {error && <ErrorBox error={error} />}
      {created && (
        <div class="notice created-key" role="status">
          <p>
            New key <strong>{created.name}</strong>: copy it now, it will not be shown again.
          </p>
          <code class="secret">{created.key}</code> <CopyButton text={created.key} />
          <button type="button" class="small secondary" onClick={() => setCreated(null)}>
            Done
          </button>
        </div>
      )}
      {keys.error ? (
        <ErrorBox error={keys.error} onRetry={keys.reload} />
      ) : !keys.data ? (
        <Loading />
      ) : keys.data.length === 0 ? (
        <Empty>No keys yet.</Empty>
      ) : (
        <table class="data">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Prefix</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">Status</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {keys.data.map((k) => (
              <tr key={k.id}>
                <td>{k.name}</td>
                <td>
                  <code>{k.prefix}…</code>
                </td>
                <td title={k.createdAt}>{formatTime(k.createdAt)}</td>
                <td title={k.lastUsedAt ?? 'never used'}>{k.lastUsedAt ? formatTime(k.lastUsedAt) : <span class="subtle">never</span>}</td>
                <td>{k.revokedAt ? <Badge tone="error">revoked {formatTime(k.revokedAt)}</Badge> : <Badge tone="ok">active</Badge>}</td>
                <td>
                  {!k.revokedAt && (
                    <button type="button" class="small danger" disabled={busy} onClick={() => revoke(k.id, k.name)}>
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
