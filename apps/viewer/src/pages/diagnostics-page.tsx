import { api } from '../api/client.ts';
import { useResource } from '../use-resource.ts';
import { columnLabel, formatTime, formatterFor } from '../model/format.ts';
import { Empty, ErrorBox, Loading } from '../components/ui.tsx';

/**
 * What ingest noticed about incoming spans (unknown conventions, missing usage, truncation) and
 * which models have no price, so a wrong number on a dashboard can be traced to its cause.
 */
export function DiagnosticsPage() {
  const diag = useResource((signal) => api.ingestDiagnostics(signal), [], { refreshMs: 15_000 });
  const unpriced = useResource((signal) => api.top('unpriced-models', { limit: 50 }, signal), [], { refreshMs: 15_000 });
  return (
    <section class="page">
      <h1>Ingest diagnostics</h1>
      <h2>Span diagnostics</h2>
      {diag.error ? (
        <ErrorBox error={diag.error} onRetry={diag.reload} />
      ) : !diag.data ? (
        <Loading />
      ) : diag.data.items.length === 0 ? (
        <Empty>No diagnostics: every span arrived in a recognised shape.</Empty>
      ) : (
        <table class="data" data-table="diagnostics">
          <thead>
            <tr>
              <th scope="col">Service</th>
              <th scope="col">Convention</th>
              <th scope="col">Diagnostic</th>
              <th scope="col">Count</th>
              <th scope="col">Last seen</th>
            </tr>
          </thead>
          <tbody>
            {diag.data.items.map((d) => (
              <tr key={`${d.serviceName}|${d.convention}|${d.diagnostic}`}>
                <td>{d.serviceName}</td>
                <td>{d.convention}</td>
                <td>{d.diagnostic === '' ? <span class="subtle">none</span> : d.diagnostic}</td>
                <td class="num">{d.count}</td>
                <td title={d.lastSeen}>{formatTime(d.lastSeen)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Models without a price</h2>
      <p class="subtle">Calls to these models count tokens but no cost. Add a price override on the server to include them.</p>
      {unpriced.error ? (
        <ErrorBox error={unpriced.error} onRetry={unpriced.reload} />
      ) : !unpriced.data ? (
        <Loading />
      ) : unpriced.data.items.length === 0 ? (
        <Empty>Every model seen has a price.</Empty>
      ) : (
        <table class="data" data-table="unpriced">
          <thead>
            <tr>
              {['key', ...Object.keys(unpriced.data.items[0]!).filter((k) => k !== 'key')].map((c) => (
                <th key={c} scope="col">
                  {c === 'key' ? 'provider/model' : columnLabel(c)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {unpriced.data.items.map((row) => (
              <tr key={row.key}>
                {['key', ...Object.keys(row).filter((k) => k !== 'key')].map((c) => {
                  const v = row[c];
                  return <td key={c}>{typeof v === 'number' ? formatterFor(c)(v) : (v ?? '—')}</td>;
                })}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
