import { useState } from 'preact/hooks';
import { authRequired, signIn } from './api/client.ts';
import { lazyPage } from './lazy.tsx';
import { Link, route } from './router.tsx';
import { TracesPage } from './pages/traces-page.tsx';
import { ErrorBox } from './components/ui.tsx';

const TracePage = lazyPage(() => import('./pages/trace-page.tsx').then((m) => m.TracePage));
const SessionPage = lazyPage(() => import('./pages/session-page.tsx').then((m) => m.SessionPage));
const DashboardsPage = lazyPage(() => import('./pages/dashboards-page.tsx').then((m) => m.DashboardsPage));
const KeysPage = lazyPage(() => import('./pages/keys-page.tsx').then((m) => m.KeysPage));
const DiagnosticsPage = lazyPage(() => import('./pages/diagnostics-page.tsx').then((m) => m.DiagnosticsPage));
const AlertsPage = lazyPage(() => import('./pages/alerts-page.tsx').then((m) => m.AlertsPage));

const NAV = [
  ['/traces', 'Traces', 'traces'],
  ['/dashboards', 'Dashboards', 'dashboards'],
  ['/alerts', 'Alerts', 'alerts'],
  ['/diagnostics', 'Ingest diagnostics', 'diagnostics'],
  ['/keys', 'API keys', 'keys'],
] as const;

function KeyPrompt() {
  const [key, setKey] = useState('');
  const [error, setError] = useState<Error | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      // Pages remount once the prompt closes, so they refetch with the new credentials.
      await signIn(key.trim());
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="key-prompt" role="dialog" aria-modal="true" aria-labelledby="key-prompt-title">
      <form onSubmit={submit}>
        <h2 id="key-prompt-title">API key required</h2>
        <p>This server is reachable beyond loopback, so the viewer needs an API key. It is kept in a secure session cookie or in memory, never in local storage.</p>
        <label>
          API key
          <input type="password" autoComplete="off" value={key} onInput={(e) => setKey(e.currentTarget.value)} required />
        </label>
        {error && <ErrorBox error={error} />}
        <button type="submit" disabled={busy || !key.trim()}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </div>
  );
}

function Page() {
  const r = route.value;
  switch (r.name) {
    case 'traces':
      return <TracesPage />;
    case 'trace':
      return <TracePage key={r.traceId} traceId={r.traceId} />;
    case 'session':
      return <SessionPage key={r.sessionId} sessionId={r.sessionId} />;
    case 'dashboards':
      return <DashboardsPage />;
    case 'keys':
      return <KeysPage />;
    case 'diagnostics':
      return <DiagnosticsPage />;
    case 'alerts':
      return <AlertsPage />;
    case 'not-found':
      return (
        <div class="empty">
          <h1>Not found</h1>
          <Link href="/traces">Back to traces</Link>
        </div>
      );
  }
}

export function App() {
  const current = route.value.name === 'trace' || route.value.name === 'session' ? 'traces' : route.value.name;
  return (
    <div class="shell">
      <header class="topbar">
        <Link href="/traces" class="brand">
          Sightline
        </Link>
        <nav>
          {NAV.map(([href, label, name]) => (
            <Link key={href} href={href} class={current === name ? 'active' : ''} aria-current={current === name ? 'page' : undefined}>
              {label}
            </Link>
          ))}
        </nav>
      </header>
      <main>{authRequired.value ? <KeyPrompt /> : <Page />}</main>
    </div>
  );
}
