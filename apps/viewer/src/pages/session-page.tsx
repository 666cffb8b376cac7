import { api } from '../api/client.ts';
import { Link } from '../router.tsx';
import { useResource } from '../use-resource.ts';
import { Empty, ErrorBox, Loading } from '../components/ui.tsx';
import { countOf, formatUsd } from '../model/format.ts';
import { TraceTable } from './trace-table.tsx';

/** Every trace of one session (a chat, an agent run), oldest first as the conversation went. */
export function SessionPage({ sessionId }: { sessionId: string }) {
  const res = useResource((signal) => api.getSession(sessionId, signal), [sessionId], { refreshMs: 10_000 });
  if (res.error) return <ErrorBox error={res.error} onRetry={res.reload} />;
  if (!res.data) return <Loading />;
  const traces = [...res.data.traces].sort((a, b) => a.startTime.localeCompare(b.startTime));
  const cost = traces.reduce((n, t) => n + t.costUsd, 0);
  return (
    <section class="page">
      <Link href="/traces" class="back">
        ← Traces
      </Link>
      <h1>Session {sessionId}</h1>
      <div class="summary">
        <span>{countOf(traces.length, 'trace')}</span>
        <span>Cost {formatUsd(cost)}</span>
      </div>
      {traces.length === 0 ? <Empty>No traces in this session.</Empty> : <TraceTable items={traces} />}
    </section>
  );
}
